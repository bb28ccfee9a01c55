using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Reconciliation;

/// <summary>
/// One procedure in the hospital's coded clinical activity (a PAS or theatre coding extract) whose codes count as
/// percutaneous mechanical thrombectomy for acute leg DVT: the independent source that case finding checks the local
/// list against (NICE HTG516 1.3). Holds a patient identifier for matching only; reports name it by
/// <see cref="Reference"/>.
/// </summary>
public sealed record CodedEpisode
{
    /// <summary>The activity's own reference for the row (spell, episode or theatre case id): the only name reports give it.</summary>
    public required string Reference { get; init; }

    /// <summary>The patient's NHS number (normalised, 10 digits), or null when <see cref="Pseudonym"/> is given.</summary>
    public string? NhsNumber { get; init; }

    /// <summary>The registry pseudonym of the patient's NHS number, when the extract is pseudonymised.</summary>
    public string? Pseudonym { get; init; }

    /// <summary>The date of the procedure.</summary>
    public required DateTime ProcedureDate { get; init; }

    /// <summary>The side treated, when the extract records it.</summary>
    public Side? Side { get; init; }
}

/// <summary>How coded activity is matched with the local episodes.</summary>
public sealed class ActivityMatchOptions
{
    /// <summary>How many days apart the coded and the local procedure dates may be and still match (default 3, at least 0).</summary>
    public int MatchDays { get; init; } = 3;

    /// <summary>
    /// The trust's pseudonymisation key (at least 32 bytes), needed when one side holds NHS numbers and the other
    /// pseudonyms: the NHS numbers are pseudonymised with it (<see cref="Pseudonym.Of"/>) to compare. Never logged.
    /// </summary>
    public byte[]? PseudonymKey { get; init; }
}

/// <summary>
/// Case finding against coded activity: adds to a reconciliation which coded procedures the local list holds
/// (then the registry state of the case as the reconciliation found it), which it lacks (<see cref="ActivityState.NotRecorded"/>),
/// and which local episodes were never coded (<see cref="ActivityState.NotCoded"/>, a coding gap, not counted against
/// ascertainment).
/// </summary>
/// <remarks>
/// A coded and a local episode match when they are the same patient (NHS number, or pseudonym), their procedure dates
/// are at most <see cref="ActivityMatchOptions.MatchDays"/> apart, and their sides agree when both have one (a
/// bilateral procedure agrees with either side). One activity episode matches at most one local episode: when the
/// possible pairs link more than one episode on either side (two coded procedures near one local episode, or one near
/// two), every episode so linked is <see cref="ActivityState.Ambiguous"/> and none is guessed.
/// </remarks>
public static class ActivityMatcher
{
    /// <summary>The reconciliation <paramref name="report"/> with the activity comparison added.</summary>
    /// <param name="report">The reconciliation of <paramref name="local"/> with the registry.</param>
    /// <param name="local">The local submissions the report was made from.</param>
    /// <param name="coded">The coded activity: the procedures whose codes count as PMT for acute leg DVT.</param>
    /// <param name="options">Matching options; defaults when null.</param>
    /// <exception cref="ArgumentException">The sides hold NHS numbers and pseudonyms and no key was given, the match window is negative, or two coded episodes share a reference.</exception>
    public static ReconciliationReport Apply(ReconciliationReport report, IEnumerable<Submission> local, IEnumerable<CodedEpisode> coded, ActivityMatchOptions? options = null)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        if (local is null)
        {
            throw new ArgumentNullException(nameof(local));
        }

        if (coded is null)
        {
            throw new ArgumentNullException(nameof(coded));
        }

        options ??= new ActivityMatchOptions();
        if (options.MatchDays < 0)
        {
            throw new ArgumentException("The match window is 0 days or more.", nameof(options));
        }

        var episodes = coded.ToList();
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (var episode in episodes)
        {
            if (!references.Add(episode.Reference))
            {
                throw new ArgumentException($"Two coded episodes share the reference {episode.Reference}: each row of the activity needs its own.", nameof(coded));
            }
        }

        var states = report.Cases.ToDictionary(c => c.LocalRecordId, c => c.State, StringComparer.Ordinal);
        var locals = local.Where(s => s is not null && states.TryGetValue(s.LocalRecordId, out var st) && st != CaseState.RegistryOnly).ToList();
        var patient = PatientKeys(locals, episodes, options.PseudonymKey);

        // Union-find over activity episodes (0..n-1) and local episodes (n..n+m-1), joined by every possible pair.
        var n = episodes.Count;
        var parent = Enumerable.Range(0, n + locals.Count).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        var byPatient = locals.Select((s, i) => (Key: patient.Local(s), Index: i)).Where(p => p.Key is not null).ToLookup(p => p.Key!, p => p.Index, StringComparer.Ordinal);
        for (var a = 0; a < n; a++)
        {
            var key = patient.Activity(episodes[a]);
            if (key is null)
            {
                continue;
            }

            foreach (var l in byPatient[key])
            {
                var submission = locals[l];
                if (Math.Abs((submission.Procedure.ProcedureDate.Date - episodes[a].ProcedureDate.Date).TotalDays) <= options.MatchDays
                    && SidesAgree(episodes[a].Side, submission.Presentation?.Side))
                {
                    parent[Find(a)] = Find(n + l);
                }
            }
        }

        var members = Enumerable.Range(0, n + locals.Count).GroupBy(Find).ToDictionary(g => g.Key, g => g.ToList());
        var caseCoding = new Dictionary<string, (ActivityState State, string? Ref)>(StringComparer.Ordinal);
        var results = new List<ActivityEpisodeReconciliation>(n);
        foreach (var group in members.Values)
        {
            var activity = group.Where(i => i < n).ToList();
            var matched = group.Where(i => i >= n).Select(i => locals[i - n].LocalRecordId).OrderBy(id => id, StringComparer.Ordinal).ToList();
            if (activity.Count == 0)
            {
                caseCoding[matched[0]] = (ActivityState.NotCoded, null);
                continue;
            }

            var state = matched.Count == 0 ? ActivityState.NotRecorded : activity.Count == 1 && matched.Count == 1 ? ActivityState.Coded : ActivityState.Ambiguous;
            foreach (var a in activity)
            {
                results.Add(new ActivityEpisodeReconciliation
                {
                    ActivityRef = episodes[a].Reference,
                    State = state,
                    ProcedureDate = episodes[a].ProcedureDate.Date,
                    LocalRecordId = state == ActivityState.Coded ? matched[0] : null,
                    RegistryState = state == ActivityState.Coded ? states[matched[0]] : null,
                    Candidates = state == ActivityState.Ambiguous ? matched : null,
                });
            }

            foreach (var id in matched)
            {
                caseCoding[id] = (state, state == ActivityState.Coded ? episodes[activity[0]].Reference : null);
            }
        }

        results.Sort((x, y) => x.ProcedureDate != y.ProcedureDate ? x.ProcedureDate.CompareTo(y.ProcedureDate) : string.CompareOrdinal(x.ActivityRef, y.ActivityRef));
        int Count(ActivityState s) => results.Count(r => r.State == s);
        static bool OnRegistry(CaseState? s) => s is CaseState.Matched or CaseState.Behind or CaseState.Ahead or CaseState.Conflict;
        var onRegistry = results.Count(r => OnRegistry(r.RegistryState));
        var withdrawn = results.Count(r => r.RegistryState == CaseState.Withdrawn);
        var summary = new ActivitySummary
        {
            Coded = results.Count,
            OnRegistry = onRegistry,
            NotRecorded = Count(ActivityState.NotRecorded),
            NotCoded = caseCoding.Values.Count(c => c.State == ActivityState.NotCoded),
            Ambiguous = Count(ActivityState.Ambiguous),
            Withdrawn = withdrawn,
            Ascertainment = ReconciliationSummary.Share(onRegistry, results.Count - withdrawn),
        };

        var months = report.ByProcedureMonth.ToDictionary(m => m.Month);
        foreach (var month in results.GroupBy(r => new DateTime(r.ProcedureDate.Year, r.ProcedureDate.Month, 1, 0, 0, 0, DateTimeKind.Unspecified)))
        {
            var existing = months.TryGetValue(month.Key, out var m) ? m : new MonthlyAscertainment { Month = month.Key, Local = 0, OnRegistry = 0, Withdrawn = 0 };
            months[month.Key] = existing with
            {
                Coded = month.Count(),
                CodedOnRegistry = month.Count(r => OnRegistry(r.RegistryState)),
                CodedWithdrawn = month.Count(r => r.RegistryState == CaseState.Withdrawn),
            };
        }

        return report with
        {
            Activity = summary,
            Cases = report.Cases.Select(c => caseCoding.TryGetValue(c.LocalRecordId, out var coding) ? c with { Coding = coding.State, ActivityRef = coding.Ref } : c).ToList(),
            ActivityEpisodes = results,
            ByProcedureMonth = months.Values.OrderBy(m => m.Month).ToList(),
        };
    }

    private static bool SidesAgree(Side? coded, Side? recorded) =>
        coded is not { } a || recorded is not { } b || a == b || a == Side.Bilateral || b == Side.Bilateral;

    /// <summary>
    /// How patients are compared: by NHS number when both sides hold them (or both pseudonyms), otherwise every NHS
    /// number is pseudonymised with the trust's key so that the two meet.
    /// </summary>
    private static (Func<Submission, string?> Local, Func<CodedEpisode, string?> Activity) PatientKeys(
        IReadOnlyList<Submission> locals, IReadOnlyList<CodedEpisode> episodes, byte[]? key)
    {
        var anyNhs = locals.Any(s => s.Patient?.NhsNumber is not null) || episodes.Any(e => e.NhsNumber is not null);
        var anyPseudonym = locals.Any(s => s.Patient?.Pseudonym is not null) || episodes.Any(e => e.Pseudonym is not null);
        if (!(anyNhs && anyPseudonym))
        {
            return (s => s.Patient?.NhsNumber is { } nhs ? NhsNumber.Normalise(nhs) : s.Patient?.Pseudonym,
                e => e.NhsNumber is { } nhs ? NhsNumber.Normalise(nhs) : e.Pseudonym);
        }

        if (key is not { Length: >= 32 })
        {
            throw new ArgumentException(
                "One side holds NHS numbers and the other pseudonyms: give the trust's pseudonymisation key (at least 32 bytes) to compare them.", nameof(key));
        }

        var cache = new Dictionary<string, string>(StringComparer.Ordinal);
        string Of(string nhs) => cache.TryGetValue(nhs, out var p) ? p : cache[nhs] = Mapping.Pseudonym.Of(nhs, key);
        return (s => s.Patient?.NhsNumber is { } nhs ? Of(nhs) : s.Patient?.Pseudonym, e => e.NhsNumber is { } nhs ? Of(nhs) : e.Pseudonym);
    }
}
