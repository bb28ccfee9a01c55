using System.Collections.Concurrent;
using RegistryClient.Http;
using RegistryClient.Model;

namespace RegistryClient.Outbox;

/// <summary>Progress of a drain, reported after every version settled or attempted.</summary>
public sealed class SubmitProgress
{
    /// <summary>Versions finished in this run (any outcome, including those left waiting behind an earlier version).</summary>
    public required int Done { get; init; }

    /// <summary>Versions pending when the run began (and any queued while it ran, once the run reached them).</summary>
    public required int Total { get; init; }

    /// <summary>The last outcome.</summary>
    public required SubmissionStatus Last { get; init; }
}

/// <summary>What a drain did, version by version.</summary>
public sealed record BatchSummary
{
    /// <summary>Cases the registry created in this run (version 1).</summary>
    public int Created { get; init; }

    /// <summary>Versions the registry stored as amendments of an existing case in this run.</summary>
    public int Amended { get; init; }

    /// <summary>Versions the registry already held (an earlier run's lost response, say); recorded now.</summary>
    public int Unchanged { get; init; }

    /// <summary>Versions refused for good as invalid (or a reused key, a body for another case); not sent again.</summary>
    public int Rejected { get; init; }

    /// <summary>Versions not stored because the registry holds newer content of the case (<see cref="SubmissionStatus.Stale"/>); not sent again.</summary>
    public int Stale { get; init; }

    /// <summary>
    /// Versions not stored because another writer changed the case since the version this outbox last stored and
    /// nothing shows which is newer (<see cref="SubmissionStatus.Conflict"/>): a person must decide. Not sent again.
    /// </summary>
    public int Conflicts { get; init; }

    /// <summary>
    /// Amendments in this run that replaced registry content this outbox had never stored, which the registry could not
    /// order by <c>recordUpdatedAt</c> (<see cref="SubmissionResult.ReplacedUnseenContent"/>), as recorded; no patient data.
    /// </summary>
    public IReadOnlyList<OutboxEntry> ReplacedUnseen { get; init; } = [];

    /// <summary>Versions not stored because the registry's case was withdrawn; not sent again.</summary>
    public int Withdrawn { get; init; }

    /// <summary>Versions still pending after this run (transient failures, or waiting behind one); the next run sends them.</summary>
    public int Pending { get; init; }

    /// <summary>True when the registry refused the credentials (401) and the run stopped early.</summary>
    public bool Unauthorized { get; init; }

    /// <summary>The versions refused in this run (rejected, stale, conflict, withdrawn), as recorded: case, outcome and reason, no patient data.</summary>
    public IReadOnlyList<OutboxEntry> Refused { get; init; } = [];

    /// <summary>What was left, when the run ended, of the registry's last Retry-After: the worker waits it out before the next run.</summary>
    internal TimeSpan HoldBack { get; init; }
}

/// <summary>
/// Drains an outbox into the registry. Cases are sent concurrently (up to the concurrency given); the versions of one
/// case one at a time, in enqueue order, and a version that fails transiently holds back the later ones of its case so
/// the registry never sees them out of order. The outbox is read a page at a time, so a drain holds at most a page of
/// documents and those in flight. The registry's 429/503 Retry-After pauses the whole batch; permanent
/// refusals are recorded and dropped; transient failures stay pending for the next run with their reason. Safe to stop
/// at any point: nothing is lost, and a version the registry stored but the outbox did not record is recognised by the
/// next run as unchanged, never stored twice. If the outbox's storage fails mid-drain (a full disk), no further version
/// is sent, the registry's answers for versions already sent are written when space allows, and the drain ends with
/// <see cref="OutboxUnavailableException"/>.
/// </summary>
/// <remarks>
/// Each submission is serialised once, when queued: the outbox stores its bytes, key and content hash, and the drain
/// sends those bytes through <see cref="VenousRegistryClient.SubmitAsync(PreparedSubmission, SubmitOptions, CancellationToken)"/>.
/// To substitute the submitter in a test, derive from it (the parameterless constructor is for that) and override the
/// methods your code calls.
/// </remarks>
public class BatchSubmitter
{
    private readonly VenousRegistryClient _client = null!;
    private readonly SubmissionOutbox _outbox = null!;
    private readonly TimeProvider _time = TimeProvider.System;

    /// <summary>For test doubles: a submitter made this way has no client or outbox, so override every method you call.</summary>
    protected BatchSubmitter()
    {
    }

    /// <summary>Creates a submitter over <paramref name="outbox"/>.</summary>
    /// <param name="client">The registry client; only its public <see cref="VenousRegistryClient.SubmitAsync(PreparedSubmission, SubmitOptions, CancellationToken)"/> is used.</param>
    /// <param name="outbox">The durable queue.</param>
    /// <param name="timeProvider">The clock for the batch-wide Retry-After pause; <see cref="TimeProvider.System"/> by default.</param>
    public BatchSubmitter(VenousRegistryClient client, SubmissionOutbox outbox, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many pending versions the drain reads at a time.</summary>
    internal int PageSize { get; init; } = 256;

    /// <summary>
    /// Queues a validated submission as the next version of its case; the same content again is a no-op, and content
    /// equal to a version a later one superseded is reported <see cref="OutboxEnqueueOutcome.Stale"/> and not queued.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The outbox's storage failed.</exception>
    public virtual Task<OutboxEnqueueResult> EnqueueAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return _outbox.EnqueueAsync(EntryFor(PreparedSubmission.From(submission)), cancellationToken);
    }

    /// <summary>Queues a submission serialised beforehand (<see cref="PreparedSubmission.From(Submission)"/>), or a mapped
    /// document as it stands (<see cref="PreparedSubmission.From(Mapping.MappingResult)"/>), as <see cref="EnqueueAsync(Submission, CancellationToken)"/> does.</summary>
    /// <exception cref="OutboxUnavailableException">The outbox's storage failed.</exception>
    public virtual Task<OutboxEnqueueResult> EnqueueAsync(PreparedSubmission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return _outbox.EnqueueAsync(EntryFor(submission), cancellationToken);
    }

    /// <summary>The outbox entry of a prepared submission: its key, case, content hash and exact bytes.</summary>
    internal static OutboxEntry EntryFor(PreparedSubmission submission) => new()
    {
        IdempotencyKey = submission.IdempotencyKey,
        OrganisationCode = submission.OrganisationCode,
        LocalRecordId = submission.LocalRecordId,
        ContentHash = submission.ContentHash,
        RecordUpdatedAt = submission.RecordUpdatedAt,
        Body = submission.Bytes,
    };

    /// <summary>Sends every pending version once (each with the client's own retries) and records the registry's answers.</summary>
    /// <exception cref="OutboxUnavailableException">The outbox's storage failed; the message says how many answers could not be recorded.</exception>
    public virtual Task<BatchSummary> DrainAsync(int concurrency, IProgress<SubmitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DrainAsync(concurrency, progress, settled: null, CancellationToken.None, cancellationToken);

    /// <summary>
    /// The drain, for the hosted worker: <paramref name="stopStarting"/> starts no further version but lets the ones in
    /// flight finish and be recorded (a host shutting down), while <paramref name="cancellationToken"/> abandons them
    /// (they stay pending, and the idempotency key makes the next send a replay); <paramref name="settled"/> hears every
    /// answer the registry gave, as it is recorded.
    /// </summary>
    internal async Task<BatchSummary> DrainAsync(int concurrency, IProgress<SubmitProgress>? progress, Action<OutboxEntry, SubmissionResult>? settled,
        CancellationToken stopStarting, CancellationToken cancellationToken)
    {
        if (concurrency is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(concurrency), "Concurrency is 1 to 256.");
        }

        var total = (await _outbox.CountAsync(cancellationToken).ConfigureAwait(false)).Pending;
        var run = new Run(total, progress, _time) { Settled = settled };
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopStarting);
        using var gate = new SemaphoreSlim(concurrency, concurrency);
        var workers = new List<Task>();
        var cases = new Dictionary<(string, string), CaseRun>(); // cases met in this run that later pages must respect
        long after = 0;
        var more = true;
        while (more && !halt.IsCancellationRequested)
        {
            IReadOnlyList<OutboxEntry> page;
            try
            {
                page = await _outbox.PendingAsync(after, PageSize, halt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (OutboxUnavailableException ex)
            {
                Interlocked.CompareExchange(ref run.StorageFailure, ex, null);
                halt.Cancel();
                break;
            }

            more = page.Count == PageSize;
            if (page.Count == 0)
            {
                break;
            }

            after = page[page.Count - 1].Sequence;
            foreach (var versions in page.GroupBy(e => (e.OrganisationCode, e.LocalRecordId)).Select(g => g.OrderBy(e => e.Sequence).ToList()))
            {
                try
                {
                    await gate.WaitAsync(halt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    more = false;
                    break; // halted (credentials refused, storage failed, the host stopping): the rest stay pending
                }

                var id = (versions[0].OrganisationCode, versions[0].LocalRecordId);
                var caseRun = cases.TryGetValue(id, out var met) ? met : cases[id] = new CaseRun();
                var earlier = caseRun.Tail; // the case's versions on an earlier page, perhaps still being sent
                caseRun.Tail = Task.Run(async () =>
                {
                    try
                    {
                        await earlier.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                        await SendCaseAsync(versions, caseRun, run, halt, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }, CancellationToken.None);
                workers.Add(caseRun.Tail);
            }

            // Forget what finished cleanly, so a long drain holds neither documents nor one record per case; a case
            // left waiting or withdrawn is remembered, so its versions on later pages wait or settle with it.
            workers.RemoveAll(t => t.Status == TaskStatus.RanToCompletion);
            foreach (var done in cases.Where(c => c.Value.Tail.Status == TaskStatus.RanToCompletion && !c.Value.Held && !c.Value.Withdrawn).Select(c => c.Key).ToList())
            {
                cases.Remove(done);
            }
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (run.StorageFailure is { } failure)
        {
            // Space may have come back (a checkpoint, another process's clean-up): write what the registry stored.
            foreach (var (key, stored) in run.Unrecorded.ToArray())
            {
                try
                {
                    await _outbox.MarkStoredAsync(key, stored.Status, stored.Receipt!, CancellationToken.None).ConfigureAwait(false);
                    run.Unrecorded.TryRemove(key, out _);
                }
                catch (OutboxUnavailableException)
                {
                    break;
                }
            }

            var unrecorded = run.Unrecorded.Count;
            throw new OutboxUnavailableException(failure.Problem, failure.Location, unrecorded == 0 ? failure.Message :
                $"{failure.Message} {unrecorded} version(s) the registry stored in this run could not be recorded; the next run recovers them from the registry (as unchanged) without storing anything twice.",
                failure);
        }

        var counts = await _outbox.CountAsync(CancellationToken.None).ConfigureAwait(false);
        return new BatchSummary
        {
            Created = run.Created,
            Amended = run.Amended,
            Unchanged = run.Unchanged,
            Rejected = run.Rejected,
            Stale = run.Stale,
            Conflicts = run.Conflicts,
            ReplacedUnseen = run.ReplacedUnseen.OrderBy(e => e.Sequence).ToList(),
            Withdrawn = run.Withdrawn,
            Pending = counts.Pending,
            Unauthorized = run.Unauthorized,
            Refused = run.Refused.OrderBy(e => e.Sequence).ToList(),
            HoldBack = run.BackPressure.Remaining,
        };
    }

    /// <summary>
    /// The versions of one case, in order, each amending the registry version the previous one was stored as (the last
    /// this outbox stored, to begin with); stops at the first that must wait (the later ones wait with it, those on
    /// later pages too).
    /// </summary>
    private async Task SendCaseAsync(List<OutboxEntry> versions, CaseRun caseRun, Run run, CancellationTokenSource halt, CancellationToken cancellationToken)
    {
        var finished = 0; // versions of this case reported to progress
        var last = SubmissionStatus.TransientFailure;
        try
        {
            if (caseRun.Held || halt.IsCancellationRequested)
            {
                return; // an earlier version of the case waits for the next run: so do these
            }

            if (caseRun.Withdrawn)
            {
                // Queued after the case's withdrawal was recorded, on a later page: settled with it, never sent.
                foreach (var entry in versions)
                {
                    if (!await RefuseAsync(run, halt, entry, OutboxState.Withdrawn, SubmissionStatus.Withdrawn, WithdrawnReason).ConfigureAwait(false))
                    {
                        return;
                    }

                    Interlocked.Increment(ref run.Withdrawn);
                    run.Report(1, SubmissionStatus.Withdrawn);
                    finished++;
                }

                return;
            }

            int? basedOn;
            try
            {
                basedOn = caseRun.BasedOn ?? await _outbox.LatestStoredVersionAsync(versions[0].OrganisationCode, versions[0].LocalRecordId, halt.Token).ConfigureAwait(false);
            }
            catch (OutboxUnavailableException ex)
            {
                Interlocked.CompareExchange(ref run.StorageFailure, ex, null);
                halt.Cancel();
                return;
            }

            for (var next = 0; next < versions.Count && !halt.IsCancellationRequested; next++)
            {
                var entry = versions[next];
                await run.BackPressure.WaitAsync(halt.Token).ConfigureAwait(false);
                if (entry.Body.Length == 0)
                {
                    Interlocked.Increment(ref run.Rejected);
                    run.Report(1, SubmissionStatus.Rejected);
                    finished++;
                    if (!await RefuseAsync(run, halt, entry, OutboxState.Rejected, SubmissionStatus.Rejected, "the queued body is empty").ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                // The bytes, key and hash recorded when the version was queued: sent as they are, never serialised again.
                var prepared = new PreparedSubmission(entry.Body, entry.OrganisationCode, entry.LocalRecordId, entry.IdempotencyKey, entry.ContentHash, entry.RecordUpdatedAt);
                SubmissionResult result;
                try
                {
                    result = await _client.SubmitAsync(prepared, new SubmitOptions { BasedOnVersion = basedOn }, cancellationToken).ConfigureAwait(false);
                }
                catch (RegistryException ex)
                {
                    // The unexpected (a status the API does not promise): this version and the later ones wait for the next run.
                    result = RegistryModelFactory.SubmissionResult(SubmissionStatus.TransientFailure, idempotencyKey: entry.IdempotencyKey, httpStatus: ex.Status,
                        problemType: ex.ProblemType, detail: "unexpected answer: " + ex.Message, attempts: 1);
                }

                last = result.Status;
                if (result.IsStored && result.Receipt is { } stored)
                {
                    basedOn = stored.Version; // the next version of the case amends this one
                    caseRun.BasedOn = basedOn;
                }

                var (goOn, settled) = await SettleAsync(entry, versions, next, result, run, halt).ConfigureAwait(false);
                run.Settled?.Invoke(entry, result);
                run.Report(settled, result.Status);
                finished += settled;
                if (!goOn)
                {
                    // Settled the rest (withdrawn), or left them waiting behind this one.
                    caseRun.Withdrawn = result.Status == SubmissionStatus.Withdrawn;
                    caseRun.Held = !caseRun.Withdrawn;
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // halted while waiting out a Retry-After: this version and the later ones stay pending
        }
        finally
        {
            if (finished < versions.Count)
            {
                caseRun.Held |= !caseRun.Withdrawn;
                run.Report(versions.Count - finished, last);
            }
        }
    }

    /// <summary>
    /// Records the registry's answer. Continue is false when the rest of the case must not be sent in this run; Settled
    /// is how many versions of the case the answer finished (the later ones too, when the case was withdrawn).
    /// </summary>
    private async Task<(bool Continue, int Settled)> SettleAsync(OutboxEntry entry, List<OutboxEntry> versions, int index, SubmissionResult result, Run run, CancellationTokenSource halt)
    {
        var key = entry.IdempotencyKey;
        switch (result.Status)
        {
            case SubmissionStatus.Created or SubmissionStatus.Amended or SubmissionStatus.Unchanged when result.Receipt is { } receipt:
                Interlocked.Increment(ref result.Status == SubmissionStatus.Created ? ref run.Created : ref result.Status == SubmissionStatus.Amended ? ref run.Amended : ref run.Unchanged);
                if (result.ReplacedUnseenContent)
                {
                    run.ReplacedUnseen.Add(entry with { State = OutboxState.Stored, Outcome = result.Status, RegistryVersion = receipt.Version, ReceiptId = receipt.Id, Body = [] });
                }

                return (await RecordAsync(run, halt, key, () => _outbox.MarkStoredAsync(key, result.Status, receipt, CancellationToken.None), result).ConfigureAwait(false), 1);

            case SubmissionStatus.Rejected:
                var errors = result.Errors.Count == 0 ? result.Detail ?? "invalid" : string.Join(", ", result.Errors.Select(e => $"{e.Code} {e.Pointer}"));
                Interlocked.Increment(ref run.Rejected);
                return (await RefuseAsync(run, halt, entry, OutboxState.Rejected, result.Status, "rejected: " + errors).ConfigureAwait(false), 1);

            case SubmissionStatus.Stale:
                // The registry holds newer content: this version is never sent again, and the case's later versions still go.
                Interlocked.Increment(ref run.Stale);
                return (await RefuseAsync(run, halt, entry, OutboxState.Rejected, result.Status, "stale: " + StaleReason(result)).ConfigureAwait(false), 1);

            case SubmissionStatus.Conflict:
                Interlocked.Increment(ref run.Conflicts);
                return (await RefuseAsync(run, halt, entry, OutboxState.Rejected, result.Status, "conflict: " + ConflictReason(result)).ConfigureAwait(false), 1);

            case SubmissionStatus.Withdrawn:
                // The case can never be re-created: this version and every later one of the case are settled as withdrawn.
                var settled = 0;
                for (var i = index; i < versions.Count; i++)
                {
                    if (!await RefuseAsync(run, halt, versions[i], OutboxState.Withdrawn, SubmissionStatus.Withdrawn, WithdrawnReason).ConfigureAwait(false))
                    {
                        break;
                    }

                    Interlocked.Increment(ref run.Withdrawn);
                    settled++;
                }

                // The registry erased the patient's data: so does the outbox, for every version of the case it holds.
                await RecordAsync(run, halt, key, () => _outbox.PurgeCaseAsync(entry.OrganisationCode, entry.LocalRecordId, CancellationToken.None)).ConfigureAwait(false);

                return (false, Math.Max(settled, 1));

            case SubmissionStatus.Unauthorized:
                run.Unauthorized = true;
                await RecordAsync(run, halt, key, () => _outbox.MarkAttemptFailedAsync(key, Reason("unauthorized: the registry refused the token", result), CancellationToken.None)).ConfigureAwait(false);
                halt.Cancel();
                return (false, 1);

            case SubmissionStatus.Forbidden:
                await RecordAsync(run, halt, key, () => _outbox.MarkAttemptFailedAsync(key,
                    Reason($"forbidden: the token is not bound to organisation {entry.OrganisationCode}", result), CancellationToken.None)).ConfigureAwait(false);
                return (false, 1);

            default:
                if (result.RetryAfter is { } retryAfter)
                {
                    run.BackPressure.HoldFor(retryAfter);
                }

                await RecordAsync(run, halt, key, () => _outbox.MarkAttemptFailedAsync(key, Reason(TransientReason(result), result), CancellationToken.None)).ConfigureAwait(false);
                return (false, 1);
        }
    }

    private Task<bool> RefuseAsync(Run run, CancellationTokenSource halt, OutboxEntry entry, OutboxState state, SubmissionStatus outcome, string reason)
    {
        run.Refused.Add(entry with { State = state, Outcome = outcome, LastError = reason, Attempts = entry.Attempts + 1, Body = [] });
        return RecordAsync(run, halt, entry.IdempotencyKey, () => _outbox.MarkRefusedAsync(entry.IdempotencyKey, state, outcome, reason, CancellationToken.None));
    }

    /// <summary>Writes to the outbox; on a storage failure halts the drain and keeps a stored answer in memory for a later write.</summary>
    private static async Task<bool> RecordAsync(Run run, CancellationTokenSource halt, string key, Func<Task> write, SubmissionResult? stored = null)
    {
        try
        {
            await write().ConfigureAwait(false);
            return true;
        }
        catch (OutboxUnavailableException ex)
        {
            if (stored is not null)
            {
                run.Unrecorded[key] = stored;
            }

            Interlocked.CompareExchange(ref run.StorageFailure, ex, null);
            halt.Cancel();
            return false;
        }
    }

    private static string TransientReason(SubmissionResult result) => result.Status switch
    {
        SubmissionStatus.NotFound => "the registry no longer finds the case (404)",
        _ => result.Detail ?? (result.HttpStatus is { } status ? $"HTTP {status}" : "no response"),
    };

    private const string WithdrawnReason = "the registry's case was withdrawn; it can never be re-created";

    private static string StaleReason(SubmissionResult result) =>
        $"the registry holds newer content of the case{(result.CurrentVersion is { } v ? $" (version {v.ToString(System.Globalization.CultureInfo.InvariantCulture)})" : "")}; " +
        "not sent again. A correction back to earlier content needs a newer submitter.recordUpdatedAt";

    private static string ConflictReason(SubmissionResult result) =>
        result.CurrentVersion is { } current
            ? $"another writer changed the case since version {result.BasedOnVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} " +
              $"(the registry is at version {current.ToString(System.Globalization.CultureInfo.InvariantCulture)}) and nothing shows which content is newer ({ProblemName(result)}); a person must decide"
            : $"the registry refused this version ({ProblemName(result)})";

    private static string ProblemName(SubmissionResult result) =>
        result.ProblemType is { Length: > 0 } type ? type.Substring(type.LastIndexOf('/') + 1) : result.HttpStatus is { } status ? $"HTTP {status}" : "no detail";

    private static string Reason(string what, SubmissionResult result) =>
        result.Attempts > 1 ? $"{what} (after {result.Attempts} HTTP attempts)" : what;

    /// <summary>Where one case stands in a drain, for its versions on later pages.</summary>
    private sealed class CaseRun
    {
        public Task Tail = Task.CompletedTask;
        public volatile bool Held;
        public volatile bool Withdrawn;
        public int? BasedOn;
    }

    /// <summary>The shared state of one drain.</summary>
    private sealed class Run(int total, IProgress<SubmitProgress>? progress, TimeProvider time)
    {
        public int Created;
        public int Amended;
        public int Unchanged;
        public int Rejected;
        public int Stale;
        public int Conflicts;
        public int Withdrawn;
        public readonly ConcurrentBag<OutboxEntry> ReplacedUnseen = [];
        public volatile bool Unauthorized;
        public OutboxUnavailableException? StorageFailure;
        public readonly ConcurrentDictionary<string, SubmissionResult> Unrecorded = new(StringComparer.Ordinal);
        public readonly ConcurrentBag<OutboxEntry> Refused = [];
        private int _done;

        /// <summary>The Retry-After hold every worker of the drain waits out before sending.</summary>
        public RegistryBackPressure BackPressure { get; } = new(time);

        public Action<OutboxEntry, SubmissionResult>? Settled { get; init; }

        public void Report(int versions, SubmissionStatus status)
        {
            var done = Interlocked.Add(ref _done, versions);
            progress?.Report(new SubmitProgress { Done = done, Total = Math.Max(total, done), Last = status });
        }
    }
}
