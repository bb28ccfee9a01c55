using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Validation.Rules;

namespace RegistryClient.Reconciliation;

/// <summary>
/// Reconciles a hospital's own list of episodes with the registry's cases for one organisation (NICE HTG516 1.3: every
/// patient on the registry) and judges each expected follow-up. Independent of any transport: feed it the local
/// submissions and any enumeration of receipts, typically <see cref="VenousRegistryClient.ListSubmissionsAsync"/>.
/// Thread-safe; holds no state between calls.
/// </summary>
/// <remarks>
/// <para>Cases are matched by <c>localRecordId</c> and compared by <see cref="SubmissionContentHash"/>: the same hash is
/// <see cref="CaseState.Matched"/>. Other content is judged from the case's history by the registry's own write rules
/// when the history is available (the overloads that take a <see cref="VenousRegistryClient"/>):
/// <see cref="CaseState.Behind"/> when the registry would accept the local content as its next version,
/// <see cref="CaseState.Ahead"/> when it would refuse it as stale (older by <c>recordUpdatedAt</c>, or equal to a
/// version the case has moved past), <see cref="CaseState.Conflict"/> when both carry the same <c>recordUpdatedAt</c>.
/// Given receipts only, other content is <see cref="CaseState.Behind"/>. A local list that names one
/// <c>localRecordId</c> twice is refused (<see cref="ArgumentException"/> naming the id and both positions): which
/// document is the case's current state is the hospital's to say, and guessing made the verdict depend on input order.</para>
/// <para>Follow-ups: each local case that is not withdrawn expects the four timepoints of rule VR016 (days30, months6,
/// months12, months24), each judged on the as-of date against its window (both ends inclusive): recorded in the local
/// document is <see cref="FollowUpState.Done"/>; otherwise before the window <see cref="FollowUpState.NotYetDue"/>,
/// within it <see cref="FollowUpState.Due"/>, after it <see cref="FollowUpState.Overdue"/>. After a recorded death
/// (a complication of type death; the earliest onset date if several) a timepoint whose window starts after the death
/// is not expected and is left out; one whose window the death falls in, not recorded, is
/// <see cref="FollowUpState.NotExpected"/> once the as-of date reaches the death: death closed its window (a later
/// assessment would break rule VR017).</para>
/// </remarks>
public sealed class CaseReconciler
{
    private static readonly FollowUpTimepoint[] Timepoints =
        [FollowUpTimepoint.Days30, FollowUpTimepoint.Months6, FollowUpTimepoint.Months12, FollowUpTimepoint.Months24];

    private readonly TimeProvider _time;

    /// <summary>Creates a reconciler.</summary>
    /// <param name="timeProvider">Where "today" comes from when no as-of date is given; the system clock (local date) by default.</param>
    public CaseReconciler(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Reconciles local submissions with the registry's receipts.</summary>
    /// <param name="organisationCode">The organisation reconciled; every local submission must belong to it.</param>
    /// <param name="local">The hospital's own episodes, as submissions.</param>
    /// <param name="registry">The registry's cases for the organisation, withdrawn ones included.</param>
    /// <param name="asOf">The date to judge follow-ups on; today (the time provider's local date) by default.</param>
    /// <param name="cancellationToken">Stops the enumerations.</param>
    /// <exception cref="ArgumentException">A local submission belongs to another organisation, has no <c>localRecordId</c>, or shares its <c>localRecordId</c> with another.</exception>
    /// <remarks>Whatever <paramref name="registry"/> throws (for the client, <see cref="RegistryException"/>) propagates.</remarks>
    public Task<ReconciliationReport> ReconcileAsync(
        string organisationCode,
        IAsyncEnumerable<Submission> local,
        IAsyncEnumerable<SubmissionReceipt> registry,
        DateTime? asOf = null,
        CancellationToken cancellationToken = default) =>
        ReconcileAsync(organisationCode, local, registry, asOf, null, cancellationToken);

    private async Task<ReconciliationReport> ReconcileAsync(
        string organisationCode,
        IAsyncEnumerable<Submission> local,
        IAsyncEnumerable<SubmissionReceipt> registry,
        DateTime? asOf,
        Func<SubmissionReceipt, CancellationToken, Task<IReadOnlyList<CaseVersion>?>>? history,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(organisationCode))
        {
            throw new ArgumentException("An organisation code is required.", nameof(organisationCode));
        }

        if (local is null)
        {
            throw new ArgumentNullException(nameof(local));
        }

        if (registry is null)
        {
            throw new ArgumentNullException(nameof(registry));
        }

        var localCases = new Dictionary<string, Submission>(StringComparer.Ordinal);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        await foreach (var submission in local.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Add(localCases, positions, organisationCode, submission, index++);
        }

        var receipts = new Dictionary<string, SubmissionReceipt>(StringComparer.Ordinal);
        await foreach (var receipt in registry.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (receipt is not null)
            {
                receipts[receipt.LocalRecordId] = receipt;
            }
        }

        return await BuildAsync(organisationCode, localCases, receipts, (asOf ?? _time.GetLocalNow().DateTime).Date, history, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reconciles local submissions with the registry's cases for the organisation, read through
    /// <paramref name="registry"/>, and judges each case whose content differs from its history (behind, ahead or conflict).
    /// </summary>
    /// <param name="organisationCode">The organisation reconciled; every local submission must belong to it.</param>
    /// <param name="local">The hospital's own episodes, as submissions.</param>
    /// <param name="registry">The client that lists the cases and reads their histories.</param>
    /// <param name="asOf">The date to judge follow-ups on; today (the time provider's local date) by default.</param>
    /// <param name="cancellationToken">Stops the calls.</param>
    /// <exception cref="ArgumentException">A local submission belongs to another organisation, has no <c>localRecordId</c>, or shares its <c>localRecordId</c> with another.</exception>
    /// <exception cref="RegistryException">The registry could not answer.</exception>
    public Task<ReconciliationReport> ReconcileAsync(
        string organisationCode,
        IAsyncEnumerable<Submission> local,
        VenousRegistryClient registry,
        DateTime? asOf = null,
        CancellationToken cancellationToken = default)
    {
        if (registry is null)
        {
            throw new ArgumentNullException(nameof(registry));
        }

        return ReconcileAsync(organisationCode, local, registry.ListSubmissionsAsync(organisationCode, cancellationToken: cancellationToken), asOf,
            (receipt, token) => registry.GetVersionsAsync(receipt.Id, token), cancellationToken);
    }

    /// <inheritdoc cref="ReconcileAsync(string, IAsyncEnumerable{Submission}, VenousRegistryClient, DateTime?, CancellationToken)"/>
    public Task<ReconciliationReport> ReconcileAsync(
        string organisationCode,
        IEnumerable<Submission> local,
        VenousRegistryClient registry,
        DateTime? asOf = null,
        CancellationToken cancellationToken = default)
    {
        if (local is null)
        {
            throw new ArgumentNullException(nameof(local));
        }

        return ReconcileAsync(organisationCode, ToAsync(local), registry, asOf, cancellationToken);
    }

    /// <summary>Reconciles local submissions held in memory with the registry's receipts.</summary>
    /// <inheritdoc cref="ReconcileAsync(string, IAsyncEnumerable{Submission}, IAsyncEnumerable{SubmissionReceipt}, DateTime?, CancellationToken)"/>
    public Task<ReconciliationReport> ReconcileAsync(
        string organisationCode,
        IEnumerable<Submission> local,
        IAsyncEnumerable<SubmissionReceipt> registry,
        DateTime? asOf = null,
        CancellationToken cancellationToken = default)
    {
        if (local is null)
        {
            throw new ArgumentNullException(nameof(local));
        }

        return ReconcileAsync(organisationCode, ToAsync(local), registry, asOf, cancellationToken);
    }

    private static void Add(Dictionary<string, Submission> cases, Dictionary<string, int> positions, string organisationCode, Submission? submission, int index)
    {
        if (submission is null)
        {
            throw new ArgumentException($"Local submission {index} is null.", nameof(submission));
        }

        if (string.IsNullOrEmpty(submission.LocalRecordId))
        {
            throw new ArgumentException($"Local submission {index} has no localRecordId.", nameof(submission));
        }

        if (!string.Equals(submission.Submitter?.OrganisationCode, organisationCode, StringComparison.Ordinal))
        {
            // The id is the hospital's own episode id, never a patient identifier, so naming it is safe and useful.
            throw new ArgumentException($"Local submission {submission.LocalRecordId} belongs to another organisation than {organisationCode}.", nameof(submission));
        }

        if (positions.TryGetValue(submission.LocalRecordId, out var first))
        {
            throw new ArgumentException(
                $"Local submissions {first} and {index} share the localRecordId {submission.LocalRecordId}: each case must be listed once.", nameof(submission));
        }

        positions[submission.LocalRecordId] = index;
        cases[submission.LocalRecordId] = submission;
    }

    private static async Task<ReconciliationReport> BuildAsync(
        string organisationCode, Dictionary<string, Submission> local, Dictionary<string, SubmissionReceipt> registry, DateTime asOf,
        Func<SubmissionReceipt, CancellationToken, Task<IReadOnlyList<CaseVersion>?>>? history, CancellationToken cancellationToken)
    {
        var cases = new List<CaseReconciliation>(local.Count + registry.Count);
        var followUps = new List<FollowUpReconciliation>();
        var months = new SortedDictionary<DateTime, (int Local, int OnRegistry, int Withdrawn)>();
        foreach (var (id, submission) in local.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            registry.TryGetValue(id, out var receipt);
            var hash = SubmissionContentHash.Compute(submission);
            var state = receipt is null ? CaseState.Missing
                : receipt.Status == CaseStatus.Withdrawn ? CaseState.Withdrawn
                : string.Equals(receipt.ContentHash, hash, StringComparison.Ordinal) ? CaseState.Matched
                : history is null ? CaseState.Behind
                : Order(submission, hash, await history(receipt, cancellationToken).ConfigureAwait(false));
            cases.Add(new CaseReconciliation { LocalRecordId = id, State = state, RegistryId = receipt?.Id, RegistryVersion = receipt?.Version });

            var procedure = submission.Procedure.ProcedureDate.Date;
            var month = new DateTime(procedure.Year, procedure.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
            var counts = months.TryGetValue(month, out var c) ? c : default;
            months[month] = (counts.Local + 1,
                counts.OnRegistry + (state is CaseState.Matched or CaseState.Behind or CaseState.Ahead or CaseState.Conflict ? 1 : 0),
                counts.Withdrawn + (state == CaseState.Withdrawn ? 1 : 0));

            if (state != CaseState.Withdrawn)
            {
                followUps.AddRange(JudgeFollowUps(id, submission, asOf));
            }
        }

        cases.AddRange(registry
            .Where(r => !local.ContainsKey(r.Key))
            .Select(r => new CaseReconciliation { LocalRecordId = r.Key, State = CaseState.RegistryOnly, RegistryId = r.Value.Id, RegistryVersion = r.Value.Version }));
        cases.Sort((a, b) => string.CompareOrdinal(a.LocalRecordId, b.LocalRecordId));

        int Count(CaseState s) => cases.Count(c => c.State == s);
        var summary = new ReconciliationSummary
        {
            Local = local.Count,
            Registry = registry.Count,
            Matched = Count(CaseState.Matched),
            Behind = Count(CaseState.Behind),
            Ahead = Count(CaseState.Ahead),
            Conflict = Count(CaseState.Conflict),
            Missing = Count(CaseState.Missing),
            RegistryOnly = Count(CaseState.RegistryOnly),
            Withdrawn = Count(CaseState.Withdrawn),
            Ascertainment = ReconciliationSummary.Share(
                Count(CaseState.Matched) + Count(CaseState.Behind) + Count(CaseState.Ahead) + Count(CaseState.Conflict), local.Count - Count(CaseState.Withdrawn)),
        };

        return new ReconciliationReport
        {
            OrganisationCode = organisationCode,
            AsOf = asOf,
            Summary = summary,
            Cases = cases,
            FollowUps = followUps,
            ByProcedureMonth = months.Select(m => new MonthlyAscertainment { Month = m.Key, Local = m.Value.Local, OnRegistry = m.Value.OnRegistry, Withdrawn = m.Value.Withdrawn }).ToList(),
        };
    }

    /// <summary>
    /// Other content on the registry, judged as the registry's write rules would judge the local content: accepted
    /// (behind), refused as stale (ahead), or a conflicting edit (conflict). No history (withdrawn meanwhile): behind.
    /// </summary>
    private static CaseState Order(Submission submission, string hash, IReadOnlyList<CaseVersion>? versions)
    {
        if (versions is not { Count: > 0 })
        {
            return CaseState.Behind;
        }

        var current = versions[versions.Count - 1];
        if (submission.Submitter.RecordUpdatedAt is { } mine && current.RecordUpdatedAt is { } theirs)
        {
            return mine > theirs ? CaseState.Behind : mine < theirs ? CaseState.Ahead : CaseState.Conflict;
        }

        for (var i = 0; i < versions.Count - 1; i++)
        {
            if (string.Equals(versions[i].ContentHash, hash, StringComparison.Ordinal))
            {
                return CaseState.Ahead;
            }
        }

        return CaseState.Behind;
    }

    private static IEnumerable<FollowUpReconciliation> JudgeFollowUps(string id, Submission submission, DateTime asOf)
    {
        var recorded = new HashSet<FollowUpTimepoint>((submission.FollowUps ?? []).Where(f => f is not null).Select(f => f.Timepoint));
        var deaths = (submission.Outcome?.Complications ?? []).Where(c => c is not null && c.Type == ComplicationType.Death).Select(c => c.OnsetDate.Date).ToList();
        DateTime? death = deaths.Count == 0 ? null : deaths.Min();
        foreach (var timepoint in Timepoints)
        {
            var (start, end) = FollowUpWindow.Of(submission.Procedure.ProcedureDate, timepoint);
            var done = recorded.Contains(timepoint);
            if (!done && death is { } died && start > died)
            {
                continue;
            }

            var state = done ? FollowUpState.Done
                : death is { } d && d >= start && d <= end && asOf >= d ? FollowUpState.NotExpected
                : asOf < start ? FollowUpState.NotYetDue
                : asOf > end ? FollowUpState.Overdue
                : FollowUpState.Due;
            yield return new FollowUpReconciliation { LocalRecordId = id, Timepoint = timepoint, WindowStart = start, WindowEnd = end, State = state };
        }
    }

    private static async IAsyncEnumerable<Submission> ToAsync(IEnumerable<Submission> local)
    {
        foreach (var submission in local)
        {
            yield return submission;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
