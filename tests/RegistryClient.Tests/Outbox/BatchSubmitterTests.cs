using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

/// <summary>
/// The batch submitter against a scripted client (the client's public virtual API, mocked as a consumer would): the
/// order of a case's versions, holding back behind a failure, batch-wide back-pressure on a fake clock, withdrawal.
/// </summary>
public sealed class BatchSubmitterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-batch-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task VersionsOfACase_AreSentOneAtATimeInEnqueueOrder_WhileCasesRunConcurrently()
    {
        var cases = Enumerable.Range(1, 4).Select(i => TestCases.Growing(0, $"RJ1-PMT-ORDER-{i}").Take(3).ToList()).ToList();
        var sent = new ConcurrentQueue<(string Case, string Hash)>();
        var inFlight = new ConcurrentDictionary<string, int>();
        int overlapWithinCase = 0, inFlightNow = 0, maxInFlight = 0;
        using var allStarted = new CountdownEvent(4);
        var client = new ScriptedClient(async submission =>
        {
            if (inFlight.AddOrUpdate(submission.LocalRecordId, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlapWithinCase);
            }

            var now = Interlocked.Increment(ref inFlightNow);
            InterlockedMax(ref maxInFlight, now);
            if (!allStarted.IsSet)
            {
                allStarted.Signal();
                allStarted.Wait(TimeSpan.FromSeconds(10)); // the first version of every case is in flight at once
            }

            await Task.Yield();
            sent.Enqueue((submission.LocalRecordId, SubmissionContentHash.Compute(submission)));
            Interlocked.Decrement(ref inFlightNow);
            inFlight.AddOrUpdate(submission.LocalRecordId, 0, (_, n) => n - 1);
            return Stored(submission, SubmissionStatus.Created);
        });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox);
        for (var version = 0; version < 3; version++)
        {
            foreach (var versions in cases)
            {
                await submitter.EnqueueAsync(versions[version]); // interleaved across cases, as a monthly export would be
            }
        }

        var summary = await submitter.DrainAsync(concurrency: 4);

        Assert.Equal(0, overlapWithinCase);
        Assert.Equal(4, maxInFlight);
        foreach (var versions in cases)
        {
            Assert.Equal(versions.Select(SubmissionContentHash.Compute), sent.Where(s => s.Case == versions[0].LocalRecordId).Select(s => s.Hash));
        }

        Assert.Equal((12, 0), (summary.Created, summary.Pending));
    }

    [Fact]
    public async Task ATransientFailure_HoldsBackTheLaterVersionsOfItsCase_AndRecordsWhy()
    {
        var (before, after) = TestCases.LastFollowUp("RJ1-PMT-HELD");
        var other = TestSubmissions.Load() with { LocalRecordId = "RJ1-PMT-FREE" };
        var sent = new ConcurrentQueue<string>();
        var client = new ScriptedClient(submission =>
        {
            sent.Enqueue(submission.LocalRecordId);
            return Task.FromResult(submission.LocalRecordId == "RJ1-PMT-HELD"
                ? Failed(submission, "network error: Connection refused", attempts: 4)
                : Stored(submission, SubmissionStatus.Created));
        });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox);
        await submitter.EnqueueAsync(before);
        await submitter.EnqueueAsync(after);
        await submitter.EnqueueAsync(other);

        var summary = await submitter.DrainAsync(concurrency: 2);

        Assert.Equal(["RJ1-PMT-FREE", "RJ1-PMT-HELD"], sent.Order(StringComparer.Ordinal)); // the later version was never sent
        Assert.Equal((1, 2), (summary.Created, summary.Pending));
        var history = await outbox.HistoryAsync("RJ1", "RJ1-PMT-HELD");
        Assert.Equal([(1, "network error: Connection refused (after 4 HTTP attempts)"), (0, null)], history.Select(v => (v.Attempts, v.LastError)));
    }

    [Fact]
    public async Task RetryAfter_PausesTheWholeBatch_OnTheInjectedClock()
    {
        var start = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var clock = new TimerWatchingClock(start);
        var sent = new ConcurrentQueue<(string Case, DateTimeOffset At)>();
        var client = new ScriptedClient(submission =>
        {
            sent.Enqueue((submission.LocalRecordId, clock.GetUtcNow())); // when, on the fake clock, each one left
            return Task.FromResult(sent.Count == 1
                ? Failed(submission, "HTTP 429 outlasted the retries", attempts: 1) with { RetryAfter = TimeSpan.FromSeconds(30), HttpStatus = 429 }
                : Stored(submission, SubmissionStatus.Created));
        });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox, clock);
        foreach (var submission in TestSubmissions.Many(2))
        {
            await submitter.EnqueueAsync(submission);
        }

        var drain = submitter.DrainAsync(concurrency: 1);
        // The pause is a timer on the injected clock, due 30 s after the 429; a batch that did not wait would make none.
        var pause = await clock.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromSeconds(30), "the batch's 30 s pause after the 429");
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(pause.Fired, "the pause ended before the 30 s the registry asked for");
        Assert.False(drain.IsCompleted, "the drain finished inside the pause");
        clock.Advance(TimeSpan.FromSeconds(1));
        var summary = await drain;

        Assert.True(pause.Fired);
        Assert.Equal(2, sent.Count);
        Assert.True(sent.Last().At >= start + TimeSpan.FromSeconds(30), $"the second case left at {sent.Last().At - start} on the fake clock, inside the pause");
        Assert.Equal((1, 1), (summary.Created, summary.Pending));
    }

    [Fact]
    public async Task AWithdrawnCase_SettlesItsLaterVersionsAsWithdrawn_WithoutSendingThem()
    {
        var versions = TestCases.Growing(0, "RJ1-PMT-GONE").Take(3).ToList();
        var calls = 0;
        var client = new ScriptedClient(submission =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(Refused(submission, SubmissionStatus.Withdrawn, 410));
        });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox);
        foreach (var version in versions)
        {
            await submitter.EnqueueAsync(version);
        }

        var summary = await submitter.DrainAsync(concurrency: 2);
        var again = await submitter.DrainAsync(concurrency: 2);

        Assert.Equal(1, calls);
        Assert.Equal((3, 0), (summary.Withdrawn, summary.Pending));
        Assert.Equal(["RJ1-PMT-GONE", "RJ1-PMT-GONE", "RJ1-PMT-GONE"], summary.Refused.Select(r => r.LocalRecordId));
        Assert.Equal(0, again.Withdrawn);
        Assert.Equivalent(new OutboxCounts { Pending = 0, Stored = 0, Rejected = 0, Withdrawn = 3 }, await outbox.CountAsync(), strict: true);
    }

    [Fact]
    public async Task RefusedCredentials_StopTheRun_LeavingTheRestPending()
    {
        var calls = 0;
        var client = new ScriptedClient(submission =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(Refused(submission, SubmissionStatus.Unauthorized, 401));
        });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox);
        foreach (var submission in TestSubmissions.Many(20))
        {
            await submitter.EnqueueAsync(submission);
        }

        var summary = await submitter.DrainAsync(concurrency: 1);

        Assert.True(summary.Unauthorized);
        Assert.Equal(1, calls);
        Assert.Equal(20, summary.Pending);
    }

    [Fact]
    public async Task AnUnexpectedRegistryException_LeavesTheVersionPendingWithTheReason_AndTheRunGoesOn()
    {
        var client = new ScriptedClient(submission => submission.LocalRecordId == "RJ1-PMT-LOAD-00001"
            ? Task.FromException<SubmissionResult>(new RegistryException("the registry answered HTTP 418, which the API does not list", status: 418))
            : Task.FromResult(Stored(submission, SubmissionStatus.Created)));
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var submitter = new BatchSubmitter(client, outbox);
        foreach (var submission in TestSubmissions.Many(3))
        {
            await submitter.EnqueueAsync(submission);
        }

        var summary = await submitter.DrainAsync(concurrency: 1);

        Assert.Equal((2, 1), (summary.Created, summary.Pending));
        Assert.Equal("unexpected answer: the registry answered HTTP 418, which the API does not list", Assert.Single(await outbox.PendingAsync(0, 10)).LastError);
    }

    internal static SubmissionResult Stored(Submission submission, SubmissionStatus status, int version = 1) => RegistryModelFactory.SubmissionResult(
        status: status,
        receipt: OutboxStorageTests.Receipt(submission, version),
        idempotencyKey: IdempotencyKey.For(submission),
        httpStatus: status == SubmissionStatus.Created ? 201 : 200,
        attempts: 1);

    internal static SubmissionResult Failed(Submission submission, string detail, int attempts) => RegistryModelFactory.SubmissionResult(
        status: SubmissionStatus.TransientFailure,
        idempotencyKey: IdempotencyKey.For(submission),
        detail: detail,
        attempts: attempts);

    internal static SubmissionResult Refused(Submission submission, SubmissionStatus status, int httpStatus) => RegistryModelFactory.SubmissionResult(
        status: status,
        idempotencyKey: IdempotencyKey.For(submission),
        httpStatus: httpStatus,
        attempts: 1);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A client whose answers a test scripts: the public virtual API, as a consumer's own tests would mock it.</summary>
    internal sealed class ScriptedClient(Func<Submission, Task<SubmissionResult>> answer) : VenousRegistryClient
    {
        // The drain sends the outbox's stored bytes: the overload a consumer's double of the client overrides for a drain.
        public override Task<SubmissionResult> SubmitAsync(PreparedSubmission submission, SubmitOptions options, CancellationToken cancellationToken = default) =>
            answer(SubmissionJson.Deserialize(submission.Body.Span));
    }
}
