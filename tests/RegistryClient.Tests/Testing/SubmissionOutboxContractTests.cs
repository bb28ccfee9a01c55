using Microsoft.Data.Sqlite;
using RegistryClient.Http;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Testing.Outbox;
using RegistryClient.Tests.Outbox;

namespace RegistryClient.Tests.Testing;

/// <summary>
/// The outbox contract kit a consumer runs against their own outbox: the SQLite outbox and a simple in-memory one keep
/// every clause, and an outbox with a plausible bug fails, the report naming the clause it broke.
/// </summary>
[Collection(ExternalResources.Name)]
public sealed class SubmissionOutboxContractTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-outbox-contract-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    public static TheoryData<string> Clauses() => new(SubmissionOutboxContract.Clauses);

    [Theory]
    [MemberData(nameof(Clauses))]
    public async Task SqliteOutbox_KeepsTheClause(string clause)
    {
        var result = Assert.Single((await SqliteContract().RunAsync([clause])).Results);

        Assert.True(result.Outcome == OutboxClauseOutcome.Passed, result.ToString());
    }

    [Fact]
    public async Task MemoryOutbox_KeepsEveryClause_AndDurabilityAndStorageFailureAreSkippedWithoutAWayToCheckThem()
    {
        var report = await new SubmissionOutboxContract(_ => Task.FromResult<SubmissionOutbox>(new MemoryOutbox())).RunAsync();

        report.ThrowIfFailed();
        Assert.Equal(SubmissionOutboxContract.Clauses, report.Results.Select(r => r.Clause));
        Assert.Equal(["EnqueueIsDurable", "StorageFailureIsOutboxUnavailable"], report.Results.Where(r => r.Outcome == OutboxClauseOutcome.Skipped).Select(r => r.Clause));
    }

    [Fact]
    public async Task AnOutboxThatIgnoresThePageCursor_FailsThePagingClause_AndTheExceptionNamesIt()
    {
        var report = await new SubmissionOutboxContract(_ => Task.FromResult<SubmissionOutbox>(new FirstPageAgainOutbox(new MemoryOutbox()))).RunAsync();

        var failure = Assert.Single(report.Failures);
        Assert.Equal("PendingPagesInEnqueueOrder", failure.Clause);
        Assert.Contains("continues from there", failure.Message);
        var thrown = Assert.Throws<OutboxContractException>(report.ThrowIfFailed);
        Assert.Contains("PendingPagesInEnqueueOrder", thrown.Message);
    }

    [Fact]
    public async Task AnOutboxThatForgetsRefusedKeys_FailsTheDuplicateKeyClause()
    {
        var report = await new SubmissionOutboxContract(_ => Task.FromResult<SubmissionOutbox>(new RequeuesRefusedOutbox())).RunAsync(["SameKeyIsDuplicate", "CountsByState"]);

        Assert.Equal([OutboxClauseOutcome.Failed, OutboxClauseOutcome.Passed], report.Results.Select(r => r.Outcome));
        Assert.Contains("Duplicate", report.Results[0].Message);
    }

    [Fact]
    public async Task AnOutboxThatLetsItsStoragesOwnErrorOut_FailsTheStorageFailureClause()
    {
        var contract = new SubmissionOutboxContract(_ => Task.FromResult<SubmissionOutbox>(new RawErrorOutbox()))
        {
            BreakStorage = (outbox, _) =>
            {
                ((RawErrorOutbox)outbox).Broken = true;
                return Task.CompletedTask;
            },
        };

        var result = Assert.Single((await contract.RunAsync(["StorageFailureIsOutboxUnavailable"])).Results);

        Assert.Equal(OutboxClauseOutcome.Failed, result.Outcome);
        Assert.Contains("threw IOException, not OutboxUnavailableException", result.Message);
    }

    [Fact]
    public async Task AClauseThatIsNotInTheContract_IsRefusedWithTheClausesThatAre()
    {
        var contract = new SubmissionOutboxContract(_ => Task.FromResult<SubmissionOutbox>(new MemoryOutbox()));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => contract.RunAsync(["EnqueueIsFast"]));

        Assert.Contains("EnqueueQueuesANewVersion", ex.Message);
    }

    private SubmissionOutboxContract SqliteContract() => new(async ct => await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"), ct))
    {
        Reopen = async (outbox, ct) =>
        {
            var path = ((SqliteSubmissionOutbox)outbox).Path;
            ((SqliteSubmissionOutbox)outbox).Dispose(); // releases the file lock, as a process ending would
            return await SqliteSubmissionOutbox.OpenAsync(path, ct);
        },
        BreakStorage = async (outbox, ct) =>
        {
            // Overwritten by something else (a restore of the wrong file, a disk fault): no longer a database.
            var path = ((SqliteSubmissionOutbox)outbox).Path;
            SqliteConnection.ClearAllPools();
            foreach (var part in new[] { path + "-wal", path + "-shm" })
            {
                File.Delete(part);
            }

            await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 37 % 251))], ct);
        },
    };

    /// <summary>A plausible bug: every page starts from the beginning, so a drain would send the first page again and again.</summary>
    private sealed class FirstPageAgainOutbox(SubmissionOutbox inner) : DelegatingSubmissionOutbox(inner)
    {
        public override Task<IReadOnlyList<OutboxEntry>> PendingAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) =>
            Inner.PendingAsync(0, limit, cancellationToken);
    }

    /// <summary>A plausible bug: once its storage fails, the storage's own exception reaches the caller.</summary>
    private sealed class RawErrorOutbox() : DelegatingSubmissionOutbox(new MemoryOutbox())
    {
        public bool Broken { get; set; }

        public override Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default) =>
            Broken ? throw new IOException("disk I/O error") : base.EnqueueAsync(entry, cancellationToken);
    }

    /// <summary>A plausible bug: the idempotency key is checked only among the versions that count, so a refused version is queued again.</summary>
    private sealed class RequeuesRefusedOutbox() : DelegatingSubmissionOutbox(new MemoryOutbox())
    {
        private readonly MemoryOutbox _again = new();

        public override async Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
        {
            var history = await Inner.HistoryAsync(entry.OrganisationCode, entry.LocalRecordId, cancellationToken);
            return history.Any(e => e.IdempotencyKey == entry.IdempotencyKey && e.State == OutboxState.Rejected)
                ? new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Queued, Entry = (await _again.EnqueueAsync(entry, cancellationToken)).Entry }
                : await Inner.EnqueueAsync(entry, cancellationToken);
        }
    }
}
