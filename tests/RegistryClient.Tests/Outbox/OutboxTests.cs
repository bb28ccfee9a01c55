using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

/// <summary>The outbox and the batch submitter against the sandbox: receipts, refusals, outages and a disk that fills mid-drain.</summary>
[Collection(ExternalResources.Name)]
public sealed class OutboxTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-outbox-").FullName;

    private string OutboxPath => Path.Combine(_directory, "outbox.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Drain_RecordsEachVersionAndTheRegistrysAnswer_AndNeverSendsASettledOneAgain()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var submitter = new BatchSubmitter(client, outbox);
        foreach (var submission in TestSubmissions.Many(5))
        {
            await submitter.EnqueueAsync(submission);
        }

        var (before, after) = TestCases.LastFollowUp("RJ1-PMT-GROWS");
        await submitter.EnqueueAsync(before);
        await submitter.EnqueueAsync(after);
        var invalid = TestSubmissions.Load() with { LocalRecordId = "NO-CONSENT" };
        await submitter.EnqueueAsync(invalid with { Governance = invalid.Governance with { ConsentRecorded = false } });

        var first = await submitter.DrainAsync(concurrency: 3);
        var requestsAfterFirst = sandbox.Requests;
        var second = await submitter.DrainAsync(concurrency: 3);

        Assert.Equal((6, 1, 0, 1, 0), (first.Created, first.Amended, first.Unchanged, first.Rejected, first.Pending));
        Assert.Equal((0, 0, 0, 0, 0), (second.Created, second.Amended, second.Unchanged, second.Rejected, second.Pending));
        Assert.Equal(requestsAfterFirst, sandbox.Requests);
        Assert.Equivalent(new OutboxCounts { Pending = 0, Stored = 7, Rejected = 1, Withdrawn = 0 }, await outbox.CountAsync(), strict: true);
        var history = await outbox.HistoryAsync("RJ1", "RJ1-PMT-GROWS");
        Assert.Equal([(SubmissionStatus.Created, 1), (SubmissionStatus.Amended, 2)], history.Select(v => (v.Outcome!.Value, v.RegistryVersion!.Value)));
        Assert.Equal(6, (await sandbox.CountAsync()).Submissions); // five cases and one that grew to version 2
        Assert.Contains("rejected: VR006", Assert.Single(first.Refused).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_RegistryDown_KeepsEverythingPendingWithTheReason()
    {
        using var client = VenousRegistryClient.Create(new RegistryClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/"), // discard port: connection refused
            Token = "t",
            MaxRetryAttempts = 0,
        });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var submitter = new BatchSubmitter(client, outbox);
        await submitter.EnqueueAsync(TestSubmissions.Load());

        var summary = await submitter.DrainAsync(concurrency: 1);

        Assert.Equal(1, summary.Pending);
        var entry = Assert.Single(await outbox.PendingAsync(0, 10));
        Assert.Equal(1, entry.Attempts);
        Assert.False(string.IsNullOrWhiteSpace(entry.LastError));
    }

    /// <summary>
    /// The outbox's disk fills in the middle of a drain (a fault-injecting outbox refuses the 4th receipt as SQLite
    /// would, SQLITE_FULL). The drain stops sending at once and says how many answers it could not record; once space
    /// returns, the next run recovers that receipt from the registry as unchanged, and nothing is stored twice.
    /// </summary>
    [Fact]
    public async Task DiskFillsMidDrain_TheDrainStops_AndTheNextRunRecordsWhatTheRegistryStored()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        using var sqlite = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var outbox = new FillingOutbox(sqlite, storedBeforeFull: 3);
        var submitter = new BatchSubmitter(client, outbox);
        foreach (var submission in TestSubmissions.Many(10))
        {
            await submitter.EnqueueAsync(submission);
        }

        var ex = await Assert.ThrowsAsync<OutboxUnavailableException>(() => submitter.DrainAsync(concurrency: 1));
        var casesWhenFull = (await sandbox.CountAsync()).Submissions;
        outbox.Full = false; // space returns
        var rerun = await submitter.DrainAsync(concurrency: 1);

        Assert.Equal(OutboxProblem.Full, ex.Problem);
        Assert.Contains("1 version(s) the registry stored in this run could not be recorded", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, casesWhenFull); // stopped at the first unrecordable receipt: nothing more was sent
        Assert.Equal((6, 1, 0), (rerun.Created, rerun.Unchanged, rerun.Pending));
        Assert.Equivalent(new OutboxCounts { Pending = 0, Stored = 10, Rejected = 0, Withdrawn = 0 }, await sqlite.CountAsync(), strict: true);
        Assert.All(await SubmitCommandTests.CasesAsync(sandbox), c => Assert.Equal(1, c.Version));
    }

    /// <summary>The same on a real full disk: a 512 KB tmpfs, filled after the outbox is written.</summary>
    [SkippableFact]
    public async Task RealDiskFillsMidDrain_TheRegistrysReceiptsAreRecordedOnceSpaceReturns()
    {
        await using var disk = await SmallDisk.MountAsync(kilobytes: 512);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        var path = Path.Combine(disk.Path, "outbox.db");
        using (var outbox = await SqliteSubmissionOutbox.OpenAsync(path))
        {
            var submitter = new BatchSubmitter(client, outbox);
            foreach (var submission in TestSubmissions.Many(10))
            {
                await submitter.EnqueueAsync(submission);
            }

            var filler = disk.Fill();
            var ex = await Assert.ThrowsAsync<OutboxUnavailableException>(() => submitter.DrainAsync(concurrency: 2));
            Assert.Equal(OutboxProblem.Full, ex.Problem);
            Assert.InRange((await sandbox.CountAsync()).Submissions, 1, 9);
            File.Delete(filler);
        }

        using (var reopened = await SqliteSubmissionOutbox.OpenAsync(path))
        {
            var rerun = await new BatchSubmitter(client, reopened).DrainAsync(concurrency: 2);
            Assert.Equal(0, rerun.Pending);
            Assert.True(rerun.Unchanged >= 1, "the receipts lost to the full disk come back as unchanged");
            Assert.Equivalent(new OutboxCounts { Pending = 0, Stored = 10, Rejected = 0, Withdrawn = 0 }, await reopened.CountAsync(), strict: true);
        }

        Assert.Equal((10, 10), await sandbox.CountAsync());
        Assert.All(await SubmitCommandTests.CasesAsync(sandbox), c => Assert.Equal(1, c.Version));
    }

    /// <summary>An outbox whose disk is full after a number of receipts: it refuses writes as SQLite would (SQLITE_FULL).</summary>
    private sealed class FillingOutbox(SubmissionOutbox inner, int storedBeforeFull) : DelegatingSubmissionOutbox(inner)
    {
        private int _stored;

        public bool Full { get; set; }

        public override Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _stored) > storedBeforeFull && _stored <= storedBeforeFull + 1)
            {
                Full = true;
            }

            return Full ? Task.FromException(DiskFull()) : Inner.MarkStoredAsync(idempotencyKey, outcome, receipt, cancellationToken);
        }

        public override Task MarkRefusedAsync(string idempotencyKey, OutboxState state, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default) =>
            Full ? Task.FromException(DiskFull()) : Inner.MarkRefusedAsync(idempotencyKey, state, outcome, reason, cancellationToken);

        public override Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
            Full ? Task.FromException(DiskFull()) : Inner.MarkAttemptFailedAsync(idempotencyKey, reason, cancellationToken);

        public override Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
            Full ? Task.FromException<int>(DiskFull()) : Inner.PurgeCaseAsync(organisationCode, localRecordId, cancellationToken);

        private static OutboxUnavailableException DiskFull() => new(OutboxProblem.Full, "outbox.db", "The outbox outbox.db cannot record more: its disk is full.");
    }
}
