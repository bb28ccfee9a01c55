using System.Globalization;
using System.Text;
using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Testing.Outbox;

/// <summary>
/// The promises every <see cref="SubmissionOutbox"/> keeps, as runnable clauses, for the tests of an outbox you write
/// yourself: each clause gets a new, empty outbox from your factory, does what the drain and the enqueue do, and checks
/// what the outbox then says. Framework-neutral: run them all and call <see cref="OutboxContractReport.ThrowIfFailed"/>,
/// or run one clause per test case by name (<see cref="Clauses"/>). The clauses use made-up cases with opaque bodies
/// (no patient data): an outbox stores the bytes it is given and never reads them.
/// </summary>
/// <example>
/// <code>
/// var contract = new SubmissionOutboxContract(async ct => new MyOutbox(NewEmptyStore()))
/// {
///     Reopen = async (outbox, ct) => new MyOutbox(((MyOutbox)outbox).Store), // optional: checks durability
/// };
/// (await contract.RunAsync()).ThrowIfFailed();
/// </code>
/// </example>
public sealed class SubmissionOutboxContract
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly (string Name, Func<Clause, Task> Check)[] All =
    [
        ("EnqueueQueuesANewVersion", EnqueueQueuesANewVersionAsync),
        ("EnqueueIsDurable", EnqueueIsDurableAsync),
        ("SameKeyIsDuplicate", SameKeyIsDuplicateAsync),
        ("SameContentAsLatestIsDuplicate", SameContentAsLatestIsDuplicateAsync),
        ("OlderRecordUpdatedAtIsStale", OlderRecordUpdatedAtIsStaleAsync),
        ("SupersededContentIsStale", SupersededContentIsStaleAsync),
        ("NewerCorrectionToEarlierContentIsQueued", NewerCorrectionIsQueuedAsync),
        ("VersionsKeepEnqueueOrder", VersionsKeepEnqueueOrderAsync),
        ("PendingPagesInEnqueueOrder", PendingPagesAsync),
        ("MarkStoredRecordsTheReceipt", MarkStoredAsync),
        ("MarkRefusedRecordsTheReason", MarkRefusedAsync),
        ("FailedAttemptStaysPending", FailedAttemptAsync),
        ("PurgeErasesDocumentsAndKeepsKeysAndOutcomes", PurgeAsync),
        ("CountsByState", CountsAsync),
        ("LatestStoredVersionIsTheLastStored", LatestStoredVersionAsync),
        ("StorageFailureIsOutboxUnavailable", StorageFailureAsync),
    ];

    private readonly Func<CancellationToken, Task<SubmissionOutbox>> _createEmpty;

    /// <summary>Creates the contract over <paramref name="createEmpty"/>.</summary>
    /// <param name="createEmpty">Makes a new, empty outbox (its own file or store): one per clause. An outbox that is
    /// <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/> is disposed after its clause.</param>
    public SubmissionOutboxContract(Func<CancellationToken, Task<SubmissionOutbox>> createEmpty) =>
        _createEmpty = createEmpty ?? throw new ArgumentNullException(nameof(createEmpty));

    /// <summary>
    /// Opens the storage of the given outbox again, as a new process would (dispose the given one first if it holds a
    /// lock). Without it, <c>EnqueueIsDurable</c> is skipped.
    /// </summary>
    public Func<SubmissionOutbox, CancellationToken, Task<SubmissionOutbox>>? Reopen { get; init; }

    /// <summary>
    /// Makes the given outbox's storage fail underneath it (corrupt its file, fill its disk, take its server away).
    /// Without it, <c>StorageFailureIsOutboxUnavailable</c> is skipped.
    /// </summary>
    public Func<SubmissionOutbox, CancellationToken, Task>? BreakStorage { get; init; }

    /// <summary>The clauses' names, in the order they run.</summary>
    public static IReadOnlyList<string> Clauses { get; } = All.Select(c => c.Name).ToArray();

    /// <summary>Runs every clause, or those named in <paramref name="clauses"/>, each on a new outbox.</summary>
    /// <exception cref="ArgumentException">A name is not one of <see cref="Clauses"/>.</exception>
    public async Task<OutboxContractReport> RunAsync(IEnumerable<string>? clauses = null, CancellationToken cancellationToken = default)
    {
        var chosen = clauses?.ToList();
        foreach (var name in chosen ?? [])
        {
            if (!Clauses.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not a clause of the outbox contract; the clauses are {string.Join(", ", Clauses)}.", nameof(clauses));
            }
        }

        var results = new List<OutboxClauseResult>();
        foreach (var (name, check) in All)
        {
            if (chosen is null || chosen.Contains(name, StringComparer.Ordinal))
            {
                results.Add(await RunClauseAsync(name, check, cancellationToken));
            }
        }

        return new OutboxContractReport(results);
    }

    private async Task<OutboxClauseResult> RunClauseAsync(string name, Func<Clause, Task> check, CancellationToken cancellationToken)
    {
        var clause = new Clause(this, cancellationToken);
        try
        {
            clause.Outbox = await _createEmpty(cancellationToken);
            await check(clause);
            return new OutboxClauseResult(name, OutboxClauseOutcome.Passed, null);
        }
        catch (ClauseSkipped skipped)
        {
            return new OutboxClauseResult(name, OutboxClauseOutcome.Skipped, skipped.Message);
        }
        catch (ClauseBroken broken)
        {
            return new OutboxClauseResult(name, OutboxClauseOutcome.Failed, broken.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new OutboxClauseResult(name, OutboxClauseOutcome.Failed, $"threw {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await DisposeAsync(clause.Outbox);
        }
    }

    private static async Task EnqueueQueuesANewVersionAsync(Clause c)
    {
        var version = Version("CONTRACT-NEW", content: 1, Monday);
        var result = await c.Outbox.EnqueueAsync(version, c.Token);
        Expect(result.Outcome == OutboxEnqueueOutcome.Queued, $"a first version is Queued, not {result.Outcome}");
        Expect(result.Entry.Sequence > 0, $"the outbox assigns a Sequence above 0, not {result.Entry.Sequence}");
        Expect(result.Entry.State == OutboxState.Pending && result.Entry.Attempts == 0, $"a new version is Pending with no attempts, not {result.Entry.State} with {result.Entry.Attempts}");
        ExpectSame(version, result.Entry, "the queued entry");
        var pending = await c.Outbox.PendingAsync(0, 10, c.Token);
        Expect(pending.Count == 1, $"PendingAsync lists the queued version, and only it (listed {pending.Count})");
        ExpectSame(version, pending[0], "the pending entry");
    }

    private static async Task EnqueueIsDurableAsync(Clause c)
    {
        var reopen = c.Contract.Reopen ?? throw new ClauseSkipped("no Reopen was given, so durability was not checked");
        var first = await c.Outbox.EnqueueAsync(Version("CONTRACT-DURABLE", 1), c.Token);
        var second = await c.Outbox.EnqueueAsync(Version("CONTRACT-DURABLE", 2), c.Token);
        await c.Outbox.MarkStoredAsync(first.Entry.IdempotencyKey, SubmissionStatus.Created, Receipt(1), c.Token);
        var before = c.Outbox;
        c.Outbox = await reopen(before, c.Token);
        if (!ReferenceEquals(before, c.Outbox))
        {
            await DisposeAsync(before);
        }

        var history = await c.Outbox.HistoryAsync("RJ1", "CONTRACT-DURABLE", c.Token);
        Expect(history.Count == 2, $"reopened, the outbox still holds both versions of the case (holds {history.Count})");
        ExpectSame(Version("CONTRACT-DURABLE", 1), history[0], "the first version, reopened");
        ExpectSame(Version("CONTRACT-DURABLE", 2), history[1], "the second version, reopened");
        Expect(history[0].State == OutboxState.Stored && history[0].ReceiptId == Receipt(1).Id, "reopened, the first version is still Stored with its receipt");
        Expect(history[1].Sequence == second.Entry.Sequence && history[1].State == OutboxState.Pending, "reopened, the second version is still Pending with its Sequence");
    }

    private static async Task SameKeyIsDuplicateAsync(Clause c)
    {
        var version = Version("CONTRACT-KEY", 1);
        var queued = await c.Outbox.EnqueueAsync(version, c.Token);
        await c.Outbox.MarkRefusedAsync(version.IdempotencyKey, OutboxState.Rejected, SubmissionStatus.Rejected, "rejected: VR004 /procedure", c.Token);
        var again = await c.Outbox.EnqueueAsync(version, c.Token);
        Expect(again.Outcome == OutboxEnqueueOutcome.Duplicate, $"a key queued before is a Duplicate whatever became of it (a rejected version), not {again.Outcome}");
        Expect(again.Entry.Sequence == queued.Entry.Sequence, "the duplicate's answer is the version queued before");
        var pending = await c.Outbox.PendingAsync(0, 10, c.Token);
        Expect(pending.Count == 0, $"nothing is pending after a duplicate of a refused version ({pending.Count} pending)");
    }

    private static async Task SameContentAsLatestIsDuplicateAsync(Clause c)
    {
        var first = await c.Outbox.EnqueueAsync(Version("CONTRACT-SAME", 1, Monday), c.Token);
        var resent = Version("CONTRACT-SAME", 1, Monday.AddDays(1)) with { IdempotencyKey = "RJ1:CONTRACT-SAME:resent-with-a-newer-time" };
        var again = await c.Outbox.EnqueueAsync(resent, c.Token);
        Expect(again.Outcome == OutboxEnqueueOutcome.Duplicate, $"the latest version's content again (only recordUpdatedAt newer) is a Duplicate, not {again.Outcome}");
        Expect(again.Entry.Sequence == first.Entry.Sequence, "the duplicate's answer is the case's latest version");
        var history = await c.Outbox.HistoryAsync("RJ1", "CONTRACT-SAME", c.Token);
        Expect(history.Count == 1, $"a duplicate adds no version ({history.Count} held)");
    }

    private static async Task OlderRecordUpdatedAtIsStaleAsync(Clause c)
    {
        var newer = await c.Outbox.EnqueueAsync(Version("CONTRACT-OLDER", 2, Monday.AddDays(1)), c.Token);
        var older = await c.Outbox.EnqueueAsync(Version("CONTRACT-OLDER", 1, Monday), c.Token);
        Expect(older.Outcome == OutboxEnqueueOutcome.Stale, $"other content with an older recordUpdatedAt than the latest is Stale, not {older.Outcome}");
        Expect(older.Entry.Sequence == newer.Entry.Sequence, "the stale answer names the newer version it lost to");
        Expect((await c.Outbox.HistoryAsync("RJ1", "CONTRACT-OLDER", c.Token)).Count == 1, "a stale version is not recorded");
    }

    private static async Task SupersededContentIsStaleAsync(Clause c)
    {
        var first = await c.Outbox.EnqueueAsync(Version("CONTRACT-RERUN", 1), c.Token);
        await c.Outbox.EnqueueAsync(Version("CONTRACT-RERUN", 2), c.Token);
        var rerun = Version("CONTRACT-RERUN", 1) with { IdempotencyKey = "RJ1:CONTRACT-RERUN:an-old-export-again" };
        var result = await c.Outbox.EnqueueAsync(rerun, c.Token);
        Expect(result.Outcome == OutboxEnqueueOutcome.Stale, $"without recordUpdatedAt, content a later version superseded is Stale (a re-run of an old export), not {result.Outcome}");
        Expect(result.Entry.Sequence == first.Entry.Sequence, "the stale answer names the superseded version with that content");
    }

    private static async Task NewerCorrectionIsQueuedAsync(Clause c)
    {
        await c.Outbox.EnqueueAsync(Version("CONTRACT-CORRECTION", 1, Monday), c.Token);
        await c.Outbox.EnqueueAsync(Version("CONTRACT-CORRECTION", 2, Monday.AddDays(1)), c.Token);
        var correction = Version("CONTRACT-CORRECTION", 1, Monday.AddDays(2)) with { IdempotencyKey = "RJ1:CONTRACT-CORRECTION:back-to-the-first" };
        var result = await c.Outbox.EnqueueAsync(correction, c.Token);
        Expect(result.Outcome == OutboxEnqueueOutcome.Queued, $"earlier content with a newer recordUpdatedAt (a correction) is Queued, not {result.Outcome}");
        Expect((await c.Outbox.HistoryAsync("RJ1", "CONTRACT-CORRECTION", c.Token)).Count == 3, "the correction is the case's third version");
    }

    private static async Task VersionsKeepEnqueueOrderAsync(Clause c)
    {
        var order = new List<long>();
        foreach (var (local, content) in new[] { ("CONTRACT-ORDER-A", 1), ("CONTRACT-ORDER-B", 1), ("CONTRACT-ORDER-A", 2), ("CONTRACT-ORDER-A", 3) })
        {
            order.Add((await c.Outbox.EnqueueAsync(Version(local, content), c.Token)).Entry.Sequence);
        }

        Expect(order.Zip(order.Skip(1), (a, b) => a < b).All(x => x), $"each enqueue gets a greater Sequence than the one before (got {string.Join(", ", order)})");
        var history = await c.Outbox.HistoryAsync("RJ1", "CONTRACT-ORDER-A", c.Token);
        Expect(history.Select(e => e.ContentHash).SequenceEqual([Hash(1), Hash(2), Hash(3)]), "HistoryAsync lists the case's versions in enqueue order, and only that case's");
        var pending = await c.Outbox.PendingAsync(0, 10, c.Token);
        Expect(pending.Select(e => e.Sequence).SequenceEqual(order), "PendingAsync lists pending versions in enqueue order");
    }

    private static async Task PendingPagesAsync(Clause c)
    {
        var sequences = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            sequences.Add((await c.Outbox.EnqueueAsync(Version($"CONTRACT-PAGE-{i}", i), c.Token)).Entry.Sequence);
        }

        await c.Outbox.MarkStoredAsync(Version("CONTRACT-PAGE-2", 2).IdempotencyKey, SubmissionStatus.Created, Receipt(1), c.Token);
        var first = await c.Outbox.PendingAsync(0, 2, c.Token);
        Expect(first.Select(e => e.Sequence).SequenceEqual([sequences[0], sequences[2]]), $"the first page of 2 is the first two pending versions, a stored one left out (got {Seqs(first)})");
        var second = await c.Outbox.PendingAsync(first[first.Count - 1].Sequence, 2, c.Token);
        Expect(second.Select(e => e.Sequence).SequenceEqual([sequences[3], sequences[4]]), $"the page after the first page's last Sequence continues from there (got {Seqs(second)})");
        var end = await c.Outbox.PendingAsync(second[second.Count - 1].Sequence, 2, c.Token);
        Expect(end.Count == 0, $"the page after the last pending version is empty (got {Seqs(end)})");
    }

    private static async Task MarkStoredAsync(Clause c)
    {
        var version = Version("CONTRACT-STORED", 1);
        await c.Outbox.EnqueueAsync(version, c.Token);
        await c.Outbox.MarkStoredAsync(version.IdempotencyKey, SubmissionStatus.Amended, Receipt(3), c.Token);
        var entry = Single(await c.Outbox.HistoryAsync("RJ1", "CONTRACT-STORED", c.Token), "the stored case");
        Expect(entry.State == OutboxState.Stored, $"MarkStoredAsync makes the version Stored, not {entry.State}");
        Expect(entry.Outcome == SubmissionStatus.Amended, $"the registry's answer is recorded as the Outcome (Amended), not {entry.Outcome?.ToString() ?? "null"}");
        Expect(entry.ReceiptId == Receipt(3).Id && entry.RegistryVersion == 3, "the receipt's id and version are recorded");
        Expect(entry.Attempts == 1 && entry.LastError is null, $"a stored version counts its attempt and has no error (attempts {entry.Attempts})");
        Expect((await c.Outbox.PendingAsync(0, 10, c.Token)).Count == 0, "a stored version is no longer pending");
    }

    private static async Task MarkRefusedAsync(Clause c)
    {
        var rejected = Version("CONTRACT-REFUSED", 1);
        var withdrawn = Version("CONTRACT-WITHDRAWN", 1);
        await c.Outbox.EnqueueAsync(rejected, c.Token);
        await c.Outbox.EnqueueAsync(withdrawn, c.Token);
        await c.Outbox.MarkRefusedAsync(rejected.IdempotencyKey, OutboxState.Rejected, SubmissionStatus.Stale, "stale: the registry holds newer content", c.Token);
        await c.Outbox.MarkRefusedAsync(withdrawn.IdempotencyKey, OutboxState.Withdrawn, SubmissionStatus.Withdrawn, "the registry's case was withdrawn", c.Token);
        var r = Single(await c.Outbox.HistoryAsync("RJ1", "CONTRACT-REFUSED", c.Token), "the refused case");
        var w = Single(await c.Outbox.HistoryAsync("RJ1", "CONTRACT-WITHDRAWN", c.Token), "the withdrawn case");
        Expect(r.State == OutboxState.Rejected && r.Outcome == SubmissionStatus.Stale && r.LastError == "stale: the registry holds newer content",
            $"a refusal records its state, outcome and reason (got {r.State}, {r.Outcome?.ToString() ?? "null"})");
        Expect(w.State == OutboxState.Withdrawn && w.Outcome == SubmissionStatus.Withdrawn, $"a withdrawal is recorded as Withdrawn (got {w.State})");
        Expect(r.Attempts == 1 && w.Attempts == 1, "a refusal counts its attempt");
        Expect((await c.Outbox.PendingAsync(0, 10, c.Token)).Count == 0, "a refused version is no longer pending");
    }

    private static async Task FailedAttemptAsync(Clause c)
    {
        var version = Version("CONTRACT-RETRY", 1);
        await c.Outbox.EnqueueAsync(version, c.Token);
        await c.Outbox.MarkAttemptFailedAsync(version.IdempotencyKey, "HTTP 503", c.Token);
        await c.Outbox.MarkAttemptFailedAsync(version.IdempotencyKey, "no response", c.Token);
        var entry = Single(await c.Outbox.PendingAsync(0, 10, c.Token), "the pending versions after two failed attempts");
        Expect(entry.State == OutboxState.Pending, $"a failed attempt leaves the version Pending, not {entry.State}");
        Expect(entry.Attempts == 2 && entry.LastError == "no response", $"failed attempts are counted and the last reason kept (attempts {entry.Attempts}, last error '{entry.LastError}')");
        ExpectSame(version, entry, "the version after failed attempts");
    }

    private static async Task PurgeAsync(Clause c)
    {
        var stored = Version("CONTRACT-PURGE", 1);
        var pending = Version("CONTRACT-PURGE", 2);
        var other = Version("CONTRACT-KEPT", 1);
        await c.Outbox.EnqueueAsync(stored, c.Token);
        await c.Outbox.EnqueueAsync(pending, c.Token);
        await c.Outbox.EnqueueAsync(other, c.Token);
        await c.Outbox.MarkStoredAsync(stored.IdempotencyKey, SubmissionStatus.Created, Receipt(1), c.Token);
        var purged = await c.Outbox.PurgeCaseAsync("RJ1", "CONTRACT-PURGE", c.Token);
        Expect(purged == 2, $"PurgeCaseAsync answers how many versions it purged (2), not {purged}");
        var history = await c.Outbox.HistoryAsync("RJ1", "CONTRACT-PURGE", c.Token);
        Expect(history.Count == 2 && history.All(e => e.Body.Length == 0), "every document of the case is erased, and the versions kept");
        Expect(history.Select(e => e.IdempotencyKey).SequenceEqual([stored.IdempotencyKey, pending.IdempotencyKey]) && history.Select(e => e.ContentHash).SequenceEqual([stored.ContentHash, pending.ContentHash]),
            "the purged versions keep their keys and hashes");
        Expect(history[0].State == OutboxState.Stored && history[0].Outcome == SubmissionStatus.Created && history[0].ReceiptId == Receipt(1).Id, "a stored version keeps its state, outcome and receipt");
        Expect(history[1].State == OutboxState.Withdrawn, $"a pending version of the case becomes Withdrawn, not {history[1].State}");
        var kept = Single(await c.Outbox.PendingAsync(0, 10, c.Token), "the pending versions after the purge");
        Expect(kept.LocalRecordId == "CONTRACT-KEPT" && kept.Body.SequenceEqual(other.Body), "another case is untouched");
        foreach (var again in new[] { stored, pending })
        {
            var result = await c.Outbox.EnqueueAsync(again, c.Token);
            Expect(result.Outcome != OutboxEnqueueOutcome.Queued, "a re-run of a purged version is recognised, not queued again");
        }
    }

    private static async Task CountsAsync(Clause c)
    {
        var keys = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            keys.Add((await c.Outbox.EnqueueAsync(Version($"CONTRACT-COUNT-{i}", i), c.Token)).Entry.IdempotencyKey);
        }

        await c.Outbox.MarkStoredAsync(keys[1], SubmissionStatus.Created, Receipt(1), c.Token);
        await c.Outbox.MarkRefusedAsync(keys[2], OutboxState.Rejected, SubmissionStatus.Rejected, "rejected", c.Token);
        await c.Outbox.MarkRefusedAsync(keys[3], OutboxState.Withdrawn, SubmissionStatus.Withdrawn, "withdrawn", c.Token);
        await c.Outbox.MarkAttemptFailedAsync(keys[4], "HTTP 503", c.Token);
        var counts = await c.Outbox.CountAsync(c.Token);
        Expect(counts.Pending == 2 && counts.Stored == 1 && counts.Rejected == 1 && counts.Withdrawn == 1,
            $"CountAsync counts by state: expected 2 pending, 1 stored, 1 rejected, 1 withdrawn; got {counts.Pending}, {counts.Stored}, {counts.Rejected}, {counts.Withdrawn}");
    }

    private static async Task LatestStoredVersionAsync(Clause c)
    {
        Expect(await c.Outbox.LatestStoredVersionAsync("RJ1", "CONTRACT-UNKNOWN", c.Token) is null, "a case the outbox never stored has no latest stored version");
        var keys = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            keys.Add((await c.Outbox.EnqueueAsync(Version("CONTRACT-LATEST", i), c.Token)).Entry.IdempotencyKey);
        }

        await c.Outbox.MarkStoredAsync(keys[0], SubmissionStatus.Created, Receipt(1), c.Token);
        await c.Outbox.MarkStoredAsync(keys[1], SubmissionStatus.Amended, Receipt(2), c.Token);
        await c.Outbox.MarkRefusedAsync(keys[2], OutboxState.Rejected, SubmissionStatus.Conflict, "conflict", c.Token);
        var latest = await c.Outbox.LatestStoredVersionAsync("RJ1", "CONTRACT-LATEST", c.Token);
        Expect(latest == 2, $"the latest stored version is the registry version of the case's last Stored version (2), not {latest?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
    }

    private static async Task StorageFailureAsync(Clause c)
    {
        var breakStorage = c.Contract.BreakStorage ?? throw new ClauseSkipped("no BreakStorage was given, so storage failures were not checked");
        await c.Outbox.EnqueueAsync(Version("CONTRACT-BROKEN", 1), c.Token);
        await breakStorage(c.Outbox, c.Token);
        foreach (var (what, call) in new (string, Func<Task>)[]
        {
            ("EnqueueAsync", () => c.Outbox.EnqueueAsync(Version("CONTRACT-BROKEN", 2), c.Token)),
            ("PendingAsync", () => c.Outbox.PendingAsync(0, 10, c.Token)),
            ("CountAsync", () => c.Outbox.CountAsync(c.Token)),
        })
        {
            try
            {
                await call();
                throw new ClauseBroken($"{what} on broken storage completed instead of throwing OutboxUnavailableException");
            }
            catch (OutboxUnavailableException)
            {
            }
            catch (Exception ex) when (ex is not ClauseBroken)
            {
                throw new ClauseBroken($"{what} on broken storage threw {ex.GetType().Name}, not OutboxUnavailableException: callers cannot tell a storage failure from a bug");
            }
        }
    }

    /// <summary>A version of a made-up case: its key and hash follow from the content number, as real ones follow from the document.</summary>
    private static OutboxEntry Version(string localRecordId, int content, DateTimeOffset? recordUpdatedAt = null) => new()
    {
        IdempotencyKey = $"RJ1:{localRecordId}:{content.ToString("x32", CultureInfo.InvariantCulture)}",
        OrganisationCode = "RJ1",
        LocalRecordId = localRecordId,
        ContentHash = Hash(content),
        RecordUpdatedAt = recordUpdatedAt,
        Body = Encoding.UTF8.GetBytes($"{{\"contract\":\"{localRecordId}\",\"content\":{content.ToString(CultureInfo.InvariantCulture)}}}"),
    };

    private static string Hash(int content) => "sha256:" + content.ToString("x64", CultureInfo.InvariantCulture);

    private static SubmissionReceipt Receipt(int version) => new()
    {
        Id = "sub_0123456789abcdef0123456789abcdef",
        LocalRecordId = "CONTRACT",
        OrganisationCode = "RJ1",
        Status = CaseStatus.Accepted,
        Version = version,
        ReceivedAt = Monday,
        SchemaVersion = "1.0",
    };

    private static void ExpectSame(OutboxEntry expected, OutboxEntry actual, string what)
    {
        Expect(actual.IdempotencyKey == expected.IdempotencyKey && actual.OrganisationCode == expected.OrganisationCode && actual.LocalRecordId == expected.LocalRecordId,
            $"{what} keeps its key and case");
        Expect(actual.ContentHash == expected.ContentHash, $"{what} keeps its content hash");
        Expect(actual.RecordUpdatedAt == expected.RecordUpdatedAt, $"{what} keeps its recordUpdatedAt");
        Expect(actual.Body.SequenceEqual(expected.Body), $"{what} keeps its body byte for byte");
    }

    private static OutboxEntry Single(IReadOnlyList<OutboxEntry> entries, string what)
    {
        Expect(entries.Count == 1, $"{what}: one version expected, {entries.Count} found");
        return entries[0];
    }

    private static string Seqs(IReadOnlyList<OutboxEntry> entries) => entries.Count == 0 ? "none" : string.Join(", ", entries.Select(e => e.Sequence));

    private static void Expect(bool kept, string promise)
    {
        if (!kept)
        {
            throw new ClauseBroken(promise);
        }
    }

    private static async Task DisposeAsync(SubmissionOutbox? outbox)
    {
        switch (outbox)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>One clause's run: its outbox (replaced when reopened) and token.</summary>
    private sealed class Clause(SubmissionOutboxContract contract, CancellationToken token)
    {
        public SubmissionOutboxContract Contract { get; } = contract;

        public CancellationToken Token { get; } = token;

        public SubmissionOutbox Outbox { get; set; } = null!;
    }

    private sealed class ClauseBroken(string message) : Exception(message);

    private sealed class ClauseSkipped(string message) : Exception(message);
}
