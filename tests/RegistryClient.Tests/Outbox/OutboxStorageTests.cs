using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

/// <summary>The SQLite outbox on its own: versions per case, stale detection, the first-wave migration, and the failures a user meets (corrupt file, full disk, a second process).</summary>
[Collection(ExternalResources.Name)]
public sealed class OutboxStorageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-outbox-storage-").FullName;

    private string OutboxPath => Path.Combine(_directory, "outbox.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Enqueue_SameContentTwice_IsOneVersion_AndNewContentIsTheNextVersionOfTheCase()
    {
        var (first, grown) = TestCases.LastFollowUp();
        using (var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath))
        {
            Assert.Equal(OutboxEnqueueOutcome.Queued, (await outbox.EnqueueAsync(Entry(first))).Outcome);
            Assert.Equal(OutboxEnqueueOutcome.Duplicate, (await outbox.EnqueueAsync(Entry(first with { Submitter = first.Submitter with { SoftwareVersion = "9.9" } }))).Outcome);
            Assert.Equal(OutboxEnqueueOutcome.Queued, (await outbox.EnqueueAsync(Entry(grown))).Outcome);
        }

        using var reopened = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var history = await reopened.HistoryAsync(first.Submitter.OrganisationCode, first.LocalRecordId);
        Assert.Equal([SubmissionContentHash.Compute(first), SubmissionContentHash.Compute(grown)], history.Select(v => v.ContentHash));
        Assert.True(history[0].Sequence < history[1].Sequence);
        Assert.Equivalent(new OutboxCounts { Pending = 2, Stored = 0, Rejected = 0, Withdrawn = 0 }, await reopened.CountAsync(), strict: true);
    }

    [Fact]
    public async Task Enqueue_OfAVersionALaterOneSuperseded_IsStale_AndQueuesNothing()
    {
        var (first, grown) = TestCases.LastFollowUp();
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var v1 = (await outbox.EnqueueAsync(Entry(first))).Entry;
        var v2 = (await outbox.EnqueueAsync(Entry(grown))).Entry;
        await outbox.MarkStoredAsync(v1.IdempotencyKey, SubmissionStatus.Created, Receipt(first, 1));
        await outbox.MarkStoredAsync(v2.IdempotencyKey, SubmissionStatus.Amended, Receipt(first, 2));

        var again = await outbox.EnqueueAsync(Entry(first));
        var latestAgain = await outbox.EnqueueAsync(Entry(grown));

        Assert.Equal(OutboxEnqueueOutcome.Stale, again.Outcome);
        Assert.Equal(v1.Sequence, again.Entry.Sequence);
        Assert.Equal(OutboxEnqueueOutcome.Duplicate, latestAgain.Outcome);
        Assert.Equal(OutboxState.Stored, latestAgain.Entry.State);
        Assert.Empty(await outbox.PendingAsync(0, 10));
        var history = await outbox.HistoryAsync(first.Submitter.OrganisationCode, first.LocalRecordId);
        Assert.Equal([(SubmissionStatus.Created, 1), (SubmissionStatus.Amended, 2)], history.Select(v => (v.Outcome!.Value, v.RegistryVersion!.Value)));
    }

    [Fact]
    public async Task Timestamps_ComeFromTheInjectedClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath, new SqliteOutboxOptions { TimeProvider = clock });
        var entry = (await outbox.EnqueueAsync(Entry(TestSubmissions.Load()))).Entry;
        clock.Advance(TimeSpan.FromHours(2));
        await outbox.MarkAttemptFailedAsync(entry.IdempotencyKey, "network error");

        var stored = Assert.Single(await outbox.PendingAsync(0, 1));
        Assert.Equal(clock.Start, stored.EnqueuedAt);
        Assert.Equal(clock.Start.AddHours(2), stored.UpdatedAt);
    }

    /// <summary>
    /// A first-wave outbox (schema version 0: one <c>outbox</c> table keyed by idempotency key, several rows for one
    /// case when its content changed) is built here from that wave's DDL, then opened: every row becomes a version of its
    /// case in queue order, settled rows stay settled, and the file is at schema version 2.
    /// </summary>
    [Fact]
    public async Task FirstWaveOutbox_OpensAndMigrates_KeepingEveryRowAsAVersionInOrder()
    {
        var (first, grown) = TestCases.LastFollowUp();
        var other = first with { LocalRecordId = "RJ1-PMT-OTHER" };
        await FirstWaveOutbox.CreateAsync(OutboxPath,
            (first, 1, "2026-01-05T10:00:00.0000000+00:00", "case-1"),
            (other, 2, "2026-01-05T10:00:01.0000000+00:00", null),
            (grown, 0, "2026-02-05T10:00:00.0000000+00:00", null));

        using (var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath))
        {
            var history = await outbox.HistoryAsync("RJ1", first.LocalRecordId);
            Assert.Equal([(SubmissionContentHash.Compute(first), OutboxState.Stored, "case-1"), (SubmissionContentHash.Compute(grown), OutboxState.Pending, null)],
                history.Select(v => (v.ContentHash, v.State, v.ReceiptId)));
            Assert.Equal(OutboxState.Rejected, Assert.Single(await outbox.HistoryAsync("RJ1", other.LocalRecordId)).State);
            Assert.Equivalent(new OutboxCounts { Pending = 1, Stored = 1, Rejected = 1, Withdrawn = 0 }, await outbox.CountAsync(), strict: true);
            Assert.Equal(OutboxEnqueueOutcome.Stale, (await outbox.EnqueueAsync(Entry(first))).Outcome);
        }

        Assert.Equal(SqliteSubmissionOutbox.SchemaVersion, await UserVersionAsync(OutboxPath));
    }

    /// <summary>
    /// Format 2 held each content once per case, so a correction back to earlier content could never be queued. Opened
    /// now, the file keeps every row and outcome, learns each row's recordUpdatedAt from its body, and takes the correction.
    /// </summary>
    [Fact]
    public async Task Format2Outbox_OpensAndMigrates_AndThenTakesACorrectionBackToEarlierContent()
    {
        var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        var (first, grown) = TestCases.LastFollowUp();
        (first, grown) = (first with { Submitter = first.Submitter with { RecordUpdatedAt = at } }, grown with { Submitter = grown.Submitter with { RecordUpdatedAt = at.AddDays(1) } });
        using (var connection = new SqliteConnection($"Data Source={OutboxPath};Pooling=false"))
        {
            await connection.OpenAsync();
            using var create = connection.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE versions (sequence INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL UNIQUE, organisation_code TEXT NOT NULL,
                    local_record_id TEXT NOT NULL, content_hash TEXT NOT NULL, body BLOB NOT NULL, state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT, outcome TEXT, receipt_id TEXT, registry_version INTEGER, enqueued_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    UNIQUE (organisation_code, local_record_id, content_hash));
                CREATE INDEX versions_pending ON versions (state, sequence);
                CREATE TABLE lease (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, acquired_at TEXT NOT NULL);
                PRAGMA user_version = 2;
                """;
            await create.ExecuteNonQueryAsync();
            foreach (var (submission, version) in new[] { (first, 1), (grown, 2) })
            {
                var entry = Entry(submission);
                using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO versions (idempotency_key, organisation_code, local_record_id, content_hash, body, state, attempts, outcome, receipt_id, registry_version, enqueued_at, updated_at)
                    VALUES ($key, 'RJ1', $local, $hash, $body, 1, 1, $outcome, 'case-1', $version, '2026-11-02T09:00:00.0000000+00:00', '2026-11-02T09:00:00.0000000+00:00')
                    """;
                insert.Parameters.AddWithValue("$key", entry.IdempotencyKey);
                insert.Parameters.AddWithValue("$local", entry.LocalRecordId);
                insert.Parameters.AddWithValue("$hash", entry.ContentHash);
                insert.Parameters.AddWithValue("$body", entry.Body);
                insert.Parameters.AddWithValue("$outcome", version == 1 ? "Created" : "Amended");
                insert.Parameters.AddWithValue("$version", version);
                await insert.ExecuteNonQueryAsync();
            }
        }

        using var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var history = await outbox.HistoryAsync("RJ1", first.LocalRecordId);
        Assert.Equal([(at, 1, OutboxState.Stored), (at.AddDays(1), 2, OutboxState.Stored)], history.Select(v => (v.RecordUpdatedAt!.Value, v.RegistryVersion!.Value, v.State)));
        Assert.Equal(OutboxEnqueueOutcome.Stale, (await outbox.EnqueueAsync(Entry(first))).Outcome); // the old export, unchanged
        var correction = first with { Submitter = first.Submitter with { RecordUpdatedAt = at.AddDays(2) } };
        Assert.Equal(OutboxEnqueueOutcome.Queued, (await outbox.EnqueueAsync(Entry(correction))).Outcome);
        Assert.Equal(3, await UserVersionAsync(OutboxPath));
    }

    [Fact]
    public async Task PurgeCase_ErasesEveryDocumentOfTheCase_FromTheFileAndItsLog_AndSettlesItsPendingVersions()
    {
        var (first, grown) = TestCases.LastFollowUp();
        var kept = TestSubmissions.Load(1);
        using (var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath))
        {
            var stored = (await outbox.EnqueueAsync(Entry(first))).Entry;
            await outbox.MarkStoredAsync(stored.IdempotencyKey, SubmissionStatus.Created, Receipt(first, 1));
            await outbox.EnqueueAsync(Entry(grown));
            await outbox.EnqueueAsync(Entry(kept));

            Assert.Equal(2, await outbox.PurgeCaseAsync("RJ1", first.LocalRecordId));

            var history = await outbox.HistoryAsync("RJ1", first.LocalRecordId);
            Assert.Equal([(OutboxState.Stored, 0), (OutboxState.Withdrawn, 0)], history.Select(v => (v.State, v.Body.Length)));
            Assert.Single(await outbox.PendingAsync(0, 10)); // only the kept case is still to send
        }

        SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(_directory, "outbox.db*").SelectMany(File.ReadAllBytes).ToArray();
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(first.Patient.NhsNumber!)));
        Assert.NotEqual(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(kept.Patient.NhsNumber!)));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("text")]
    [InlineData("truncated")]
    public async Task CorruptFile_IsATypedError_NamingTheFileAndWhatToDo(string kind)
    {
        switch (kind)
        {
            case "garbage":
                await File.WriteAllBytesAsync(OutboxPath, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 37 % 251))]);
                break;
            case "text":
                await File.WriteAllTextAsync(OutboxPath, "RJ1-PMT-0001,2026-01-05\n");
                break;
            default:
                await TruncatedOutboxAsync(OutboxPath);
                break;
        }

        var ex = await Assert.ThrowsAsync<OutboxUnavailableException>(() => SqliteSubmissionOutbox.OpenAsync(OutboxPath));

        Assert.Equal(OutboxProblem.Corrupt, ex.Problem);
        Assert.Equal(OutboxPath, ex.Location);
        Assert.Contains(OutboxPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("move it aside", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOutboxInAMissingFolder_IsInaccessible_NamingTheFile()
    {
        var path = Path.Combine(_directory, "no-such-folder", "outbox.db");

        var ex = await Assert.ThrowsAsync<OutboxUnavailableException>(() => SqliteSubmissionOutbox.OpenAsync(path));

        Assert.Equal((OutboxProblem.Inaccessible, path), (ex.Problem, ex.Location));
        Assert.Contains("check that its folder exists", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewerFormat_IsRefused_RatherThanMisread()
    {
        using (var connection = new SqliteConnection($"Data Source={OutboxPath};Pooling=false"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 7";
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<OutboxUnavailableException>(() => SqliteSubmissionOutbox.OpenAsync(OutboxPath));

        Assert.Equal(OutboxProblem.NewerFormat, ex.Problem);
    }

    [Fact]
    public async Task SecondOpener_WaitsForTheLockTimeout_ThenIsRefusedNamingTheHoldersPid()
    {
        using var holder = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var clock = new TimerWatchingClock();
        var start = clock.GetUtcNow();
        var second = SqliteSubmissionOutbox.OpenAsync(OutboxPath, new SqliteOutboxOptions { TimeProvider = clock, LockTimeout = TimeSpan.FromSeconds(5) });

        // The opener polls the lock on the injected clock. Step from poll timer to poll timer: a pending poll at 4.8 s
        // means it looked, found the lock held and less than 5 s gone, and chose to wait on (an opener that gave up
        // early makes no further timer, and this fails naming the poll it never made).
        while (clock.GetUtcNow() - start < TimeSpan.FromSeconds(4.8))
        {
            var poll = await clock.WaitForTimerAsync(_ => true, $"the second opener's poll of the lock at {(clock.GetUtcNow() - start).TotalSeconds:0.0} s");
            clock.Advance(poll.DueAt - clock.GetUtcNow());
        }

        await clock.WaitForTimerAsync(_ => true, "the second opener still waiting at 4.8 s, short of the 5 s lock timeout");
        Assert.False(second.IsCompleted, "refused before the lock timeout");
        await AdvanceAsync(clock, TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<OutboxUnavailableException>(() => second);

        Assert.Equal(OutboxProblem.InUse, ex.Problem);
        Assert.Equal($"Another process (pid {Environment.ProcessId}) is using the outbox {OutboxPath}; wait for it to finish.", ex.Message);
    }

    [Fact]
    public async Task SecondOpener_GetsTheOutbox_WhenTheHolderClosesWithinTheWait()
    {
        var holder = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var clock = new FakeTimeProvider();
        var second = SqliteSubmissionOutbox.OpenAsync(OutboxPath, new SqliteOutboxOptions { TimeProvider = clock });
        await AdvanceAsync(clock, TimeSpan.FromSeconds(1));
        holder.Dispose();
        await AdvanceAsync(clock, TimeSpan.FromSeconds(1));

        using var opened = await second;
        Assert.Equivalent(new OutboxCounts { Pending = 0, Stored = 0, Rejected = 0, Withdrawn = 0 }, await opened.CountAsync(), strict: true);
    }

    [SkippableFact]
    public async Task FullDisk_IsATypedError_AndWritesWorkAgainOnceSpaceReturns()
    {
        await using var disk = await SmallDisk.MountAsync(kilobytes: 512);
        var path = Path.Combine(disk.Path, "outbox.db");
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(path);
        var submission = TestSubmissions.Load();
        var entry = (await outbox.EnqueueAsync(Entry(submission))).Entry;
        var filler = disk.Fill();

        var ex = await Assert.ThrowsAsync<OutboxUnavailableException>(async () =>
        {
            foreach (var other in TestSubmissions.Many(200))
            {
                await outbox.EnqueueAsync(Entry(other));
            }
        });
        Assert.Equal(OutboxProblem.Full, ex.Problem);
        Assert.Contains("disk is full", ex.Message, StringComparison.Ordinal);

        File.Delete(filler);
        await outbox.MarkStoredAsync(entry.IdempotencyKey, SubmissionStatus.Created, Receipt(submission, 1));
        Assert.Equal(OutboxState.Stored, Assert.Single(await outbox.HistoryAsync("RJ1", submission.LocalRecordId)).State);
    }

    internal static OutboxEntry Entry(Submission submission) => new()
    {
        IdempotencyKey = IdempotencyKey.For(submission),
        OrganisationCode = submission.Submitter.OrganisationCode,
        LocalRecordId = submission.LocalRecordId,
        ContentHash = SubmissionContentHash.Compute(submission),
        RecordUpdatedAt = submission.Submitter.RecordUpdatedAt,
        Body = JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission),
    };

    internal static SubmissionReceipt Receipt(Submission submission, int version) => new()
    {
        Id = "case-" + submission.LocalRecordId,
        OrganisationCode = submission.Submitter.OrganisationCode,
        LocalRecordId = submission.LocalRecordId,
        Status = CaseStatus.Accepted,
        Version = version,
        ContentHash = SubmissionContentHash.Compute(submission),
        ReceivedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        SchemaVersion = "1.0.0",
    };

    private static async Task AdvanceAsync(FakeTimeProvider clock, TimeSpan by)
    {
        for (var step = TimeSpan.Zero; step < by; step += TimeSpan.FromMilliseconds(100))
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5); // let the waiting opener observe the tick (real time only yields; the fake clock decides)
        }
    }

    private static async Task TruncatedOutboxAsync(string path)
    {
        using (var outbox = await SqliteSubmissionOutbox.OpenAsync(path))
        {
            foreach (var submission in TestSubmissions.Many(300))
            {
                await outbox.EnqueueAsync(Entry(submission));
            }
        }

        SqliteConnection.ClearAllPools(); // checkpoints the WAL into the file
        var length = new FileInfo(path).Length;
        Assert.True(length > 64 * 1024, "the outbox should span many pages before it is cut");
        using var stream = new FileStream(path, FileMode.Open);
        stream.SetLength(length / 2);
    }

    private static async Task<long> UserVersionAsync(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
