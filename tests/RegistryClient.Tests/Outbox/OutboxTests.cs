using RegistryClient.Tests.Http;
using RegistryClient.Http;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Outbox;

public sealed class OutboxTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-outbox-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Enqueue_IsDurable_AndIdempotentByKey()
    {
        var path = Path.Combine(_directory, "outbox.db");
        var submission = TestSubmissions.Load();
        using (var outbox = await SqliteSubmissionOutbox.OpenAsync(path))
        {
            var submitter = new BatchSubmitter(VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = new Uri("https://registry.example.org/"), Token = "t" }), outbox);
            var first = await submitter.EnqueueAsync(submission);
            var again = await submitter.EnqueueAsync(submission);
            await submitter.EnqueueAsync(submission with { LocalRecordId = "OTHER-1" });

            Assert.Equal(first, again with { Body = first.Body });
            Assert.Equal(OutboxState.Pending, first.State);
        }

        using var reopened = await SqliteSubmissionOutbox.OpenAsync(path);
        Assert.Equal(new OutboxCounts(2, 0, 0), await reopened.CountAsync(CancellationToken.None));
        var pending = await reopened.PendingAsync(10, CancellationToken.None);
        Assert.Equal([IdempotencyKey.For(submission), IdempotencyKey.For(submission with { LocalRecordId = "OTHER-1" })], pending.Select(p => p.IdempotencyKey));
    }

    [Fact]
    public async Task Drain_RecordsReceiptsAndRejections_AndNeverSendsASettledEntryAgain()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox);
        foreach (var submission in TestSubmissions.Many(5))
        {
            await submitter.EnqueueAsync(submission);
        }

        var invalid = TestSubmissions.Load() with { LocalRecordId = "NO-CONSENT" };
        await submitter.EnqueueAsync(invalid with { Governance = invalid.Governance with { ConsentRecorded = false } });

        var first = await submitter.DrainAsync(concurrency: 3);
        var requestsAfterFirst = sandbox.Requests;
        var second = await submitter.DrainAsync(concurrency: 3);

        Assert.Equal((5, 0, 1, 0), (first.Accepted, first.Replayed, first.Rejected, first.Pending));
        Assert.Equal((0, 0, 0, 0), (second.Accepted, second.Replayed, second.Rejected, second.Pending));
        Assert.Equal(requestsAfterFirst, sandbox.Requests);
        Assert.Equal(new OutboxCounts(0, 5, 1), await outbox.CountAsync(CancellationToken.None));
        Assert.Equal((5, 5), await sandbox.CountAsync());
    }

    [Fact]
    public async Task Drain_RegistryDown_KeepsEverythingPendingForTheNextRun()
    {
        using var client = VenousRegistryClient.Create(new RegistryClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/"), // discard port: connection refused
            Token = "t",
            MaxRetryAttempts = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox);
        await submitter.EnqueueAsync(TestSubmissions.Load());

        var summary = await submitter.DrainAsync(concurrency: 1);

        Assert.Equal(1, summary.Pending);
        var entry = Assert.Single(await outbox.PendingAsync(10, CancellationToken.None));
        Assert.Equal(1, entry.Attempts);
        Assert.Contains("network error", entry.LastError, StringComparison.Ordinal);
    }
}
