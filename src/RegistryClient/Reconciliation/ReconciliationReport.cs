using System.Text.Json;
using System.Text.Json.Serialization;
using RegistryClient.Model;

namespace RegistryClient.Reconciliation;

/// <summary>How a case stands between the hospital's own list and the registry.</summary>
[JsonConverter(typeof(RegistryCodeConverter<CaseState>))]
public enum CaseState
{
    /// <summary>The registry holds the local content: the same content hash (<c>matched</c>).</summary>
    Matched,

    /// <summary>
    /// The registry holds the case with older content: an amendment is due (<c>behind</c>). The registry would accept
    /// the local content as the next version (newer by <c>recordUpdatedAt</c>, or without one not a version the case
    /// has moved past).
    /// </summary>
    Behind,

    /// <summary>
    /// The registry holds content newer than the local record (<c>ahead</c>): the local list is stale or another system
    /// wrote the case. Judged from the case's history: the local content is older by <c>recordUpdatedAt</c>, or
    /// equals a version the case has moved past. The registry would refuse it as stale; nothing is due here.
    /// </summary>
    Ahead,

    /// <summary>
    /// The registry holds other content with the same <c>recordUpdatedAt</c> (<c>conflict</c>): there is no way to
    /// tell which is newer, and a person must decide.
    /// </summary>
    Conflict,

    /// <summary>A local case the registry lacks: it should be submitted (<c>missing</c>).</summary>
    Missing,

    /// <summary>A registry case absent from the local list (<c>registryOnly</c>).</summary>
    RegistryOnly,

    /// <summary>A local case the registry holds as withdrawn: only its tombstone remains (<c>withdrawn</c>).</summary>
    Withdrawn,
}

/// <summary>How an expected follow-up stands on the reconciliation's date.</summary>
[JsonConverter(typeof(RegistryCodeConverter<FollowUpState>))]
public enum FollowUpState
{
    /// <summary>The local document records the follow-up (<c>done</c>).</summary>
    Done,

    /// <summary>The window is open and the follow-up is not recorded (<c>due</c>).</summary>
    Due,

    /// <summary>The window has closed and the follow-up is not recorded (<c>overdue</c>).</summary>
    Overdue,

    /// <summary>The window has not opened yet (<c>notYetDue</c>).</summary>
    NotYetDue,

    /// <summary>
    /// The patient died within the window before the follow-up was recorded (<c>notExpected</c>): death closed the
    /// window, and no later assessment can be recorded (rule VR017). Nothing is due.
    /// </summary>
    NotExpected,
}

/// <summary>How an episode stands between the coded clinical activity and the local list (case finding, NICE HTG516 1.3).</summary>
[JsonConverter(typeof(RegistryCodeConverter<ActivityState>))]
public enum ActivityState
{
    /// <summary>Coded and recorded locally (<c>coded</c>): the case's registry state says the rest.</summary>
    Coded,

    /// <summary>Coded but not in the local list (<c>notRecorded</c>): a patient the registry cannot hold until someone records the case.</summary>
    NotRecorded,

    /// <summary>Recorded locally but not coded (<c>notCoded</c>): a coding gap, reported separately and not counted against ascertainment.</summary>
    NotCoded,

    /// <summary>More than one episode on one side could be the other's (<c>ambiguous</c>): reported, never guessed.</summary>
    Ambiguous,
}

/// <summary>
/// The result of reconciling a hospital's own list of episodes with the registry's cases for one organisation, in the
/// shape of DESIGN.md, "Reconciliation". Names cases by <c>localRecordId</c> only: no patient identifier or date of
/// birth is ever part of it.
/// </summary>
public sealed record ReconciliationReport
{
    /// <summary>The organisation reconciled.</summary>
    public required string OrganisationCode { get; init; }

    /// <summary>The date the follow-ups were judged on.</summary>
    public required DateTime AsOf { get; init; }

    /// <summary>The counts and the ascertainment.</summary>
    public required ReconciliationSummary Summary { get; init; }

    /// <summary>The comparison with coded clinical activity, when one was made (<see cref="ActivityMatcher"/>); absent otherwise.</summary>
    public ActivitySummary? Activity { get; init; }

    /// <summary>Every case of either side, ordered by <c>localRecordId</c> (ordinal).</summary>
    public required IReadOnlyList<CaseReconciliation> Cases { get; init; }

    /// <summary>Every expected follow-up of every local case that is not withdrawn, by case and then timepoint.</summary>
    public required IReadOnlyList<FollowUpReconciliation> FollowUps { get; init; }

    /// <summary>
    /// Every coded episode of the activity compared (<see cref="ActivityMatcher"/>), by procedure date and then reference;
    /// absent when no activity was compared.
    /// </summary>
    public IReadOnlyList<ActivityEpisodeReconciliation>? ActivityEpisodes { get; init; }

    /// <summary>
    /// Ascertainment by the month of the procedure (local cases only; cases without a local document have no procedure
    /// date here), oldest month first: the trend a governance lead watches. Not part of the JSON contract.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<MonthlyAscertainment> ByProcedureMonth { get; init; } = [];

    /// <summary>
    /// Whether nothing needs doing: no case missing, behind or in conflict, no follow-up overdue, and, when activity
    /// was compared, every coded episode recorded and on the registry (withdrawn cases aside) and none ambiguous.
    /// </summary>
    [JsonIgnore]
    public bool IsComplete => Summary.Missing == 0 && Summary.Behind == 0 && Summary.Conflict == 0 && !FollowUps.Any(f => f.State == FollowUpState.Overdue)
        && (Activity is null || (Activity.NotRecorded == 0 && Activity.Ambiguous == 0 && Activity.OnRegistry == Activity.Coded - Activity.Withdrawn));

    /// <summary>The report as the one JSON object of DESIGN.md (camelCase, dates as <c>YYYY-MM-DD</c>, absent values omitted).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReconciliationJsonContext.Default.ReconciliationReport);

    /// <summary>Writes <see cref="ToJson"/>'s object as UTF-8 to <paramref name="utf8Json"/>.</summary>
    /// <param name="utf8Json">Where to write; left open.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    public Task WriteJsonAsync(Stream utf8Json, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(utf8Json, this, ReconciliationJsonContext.Default.ReconciliationReport, cancellationToken);
}

/// <summary>The counts of a reconciliation.</summary>
public sealed record ReconciliationSummary
{
    /// <summary>Cases in the local list (withdrawn ones included).</summary>
    public required int Local { get; init; }

    /// <summary>Cases the registry holds for the organisation (withdrawn ones included).</summary>
    public required int Registry { get; init; }

    /// <summary>Local cases the registry holds with the same content.</summary>
    public required int Matched { get; init; }

    /// <summary>Local cases the registry holds with older content (an amendment is due).</summary>
    public required int Behind { get; init; }

    /// <summary>Local cases the registry holds with newer content than the local record.</summary>
    public int Ahead { get; init; }

    /// <summary>Local cases the registry holds with other content and no way to tell which is newer.</summary>
    public int Conflict { get; init; }

    /// <summary>Local cases the registry lacks.</summary>
    public required int Missing { get; init; }

    /// <summary>Registry cases absent from the local list.</summary>
    public required int RegistryOnly { get; init; }

    /// <summary>Local cases the registry holds as withdrawn.</summary>
    public required int Withdrawn { get; init; }

    /// <summary>
    /// The share of local cases on the registry: (<see cref="Matched"/> + <see cref="Behind"/> + <see cref="Ahead"/> +
    /// <see cref="Conflict"/>) / (<see cref="Local"/> -
    /// <see cref="Withdrawn"/>), from 0 to 1. When no local case remains to ascertain (the denominator is 0), nothing
    /// is missing and the value is 1.
    /// </summary>
    public required double Ascertainment { get; init; }

    /// <summary>Computes <see cref="Ascertainment"/> as documented there.</summary>
    internal static double Share(int onRegistry, int expected) => expected <= 0 ? 1.0 : (double)onRegistry / expected;
}

/// <summary>One case and how it stands.</summary>
public sealed record CaseReconciliation
{
    /// <summary>The hospital's own id for the episode: the only name a report gives a case.</summary>
    public required string LocalRecordId { get; init; }

    /// <summary>How the case stands.</summary>
    public required CaseState State { get; init; }

    /// <summary>The registry's id for the case; absent when the case is missing.</summary>
    public string? RegistryId { get; init; }

    /// <summary>The version the registry holds; absent when the case is missing.</summary>
    public int? RegistryVersion { get; init; }

    /// <summary>
    /// How the local case stands against the coded activity (coded, notCoded or ambiguous), when activity was
    /// compared; absent for registry-only cases and without activity.
    /// </summary>
    public ActivityState? Coding { get; init; }

    /// <summary>The activity's own reference of the coded episode that matched this case, when one did.</summary>
    public string? ActivityRef { get; init; }
}

/// <summary>The counts of a comparison with coded clinical activity.</summary>
public sealed record ActivitySummary
{
    /// <summary>Coded episodes: activity rows whose codes count as PMT for acute leg DVT.</summary>
    public required int Coded { get; init; }

    /// <summary>Coded episodes matched to a local case the registry holds (matched, behind, ahead or in conflict).</summary>
    public required int OnRegistry { get; init; }

    /// <summary>Coded episodes not in the local list.</summary>
    public required int NotRecorded { get; init; }

    /// <summary>Local cases no coded episode matched (a coding gap; not counted against ascertainment).</summary>
    public required int NotCoded { get; init; }

    /// <summary>Coded episodes that could be more than one local case, or share one with another coded episode.</summary>
    public required int Ambiguous { get; init; }

    /// <summary>Coded episodes matched to a local case the registry holds as withdrawn (not expected on the registry).</summary>
    public int Withdrawn { get; init; }

    /// <summary>
    /// The share of coded episodes on the registry: <see cref="OnRegistry"/> / (<see cref="Coded"/> - <see cref="Withdrawn"/>),
    /// from 0 to 1; 1 when that is 0.
    /// </summary>
    public required double Ascertainment { get; init; }
}

/// <summary>One coded episode of the activity and how it stands. Named by the activity's own reference only.</summary>
public sealed record ActivityEpisodeReconciliation
{
    /// <summary>The activity's own reference for the row.</summary>
    public required string ActivityRef { get; init; }

    /// <summary>Coded (recorded locally), notRecorded or ambiguous.</summary>
    public required ActivityState State { get; init; }

    /// <summary>The coded procedure date.</summary>
    public required DateTime ProcedureDate { get; init; }

    /// <summary>The local case it matched, when <see cref="State"/> is coded.</summary>
    public string? LocalRecordId { get; init; }

    /// <summary>The registry state of that case, when <see cref="State"/> is coded.</summary>
    public CaseState? RegistryState { get; init; }

    /// <summary>The local cases it could be, when <see cref="State"/> is ambiguous (none of them chosen).</summary>
    public IReadOnlyList<string>? Candidates { get; init; }
}

/// <summary>One expected follow-up of a local case and how it stands.</summary>
public sealed record FollowUpReconciliation
{
    /// <summary>The case.</summary>
    public required string LocalRecordId { get; init; }

    /// <summary>The timepoint.</summary>
    public required FollowUpTimepoint Timepoint { get; init; }

    /// <summary>The first day of the window (rule VR016), inclusive.</summary>
    public required DateTime WindowStart { get; init; }

    /// <summary>The last day of the window (rule VR016), inclusive.</summary>
    public required DateTime WindowEnd { get; init; }

    /// <summary>How it stands on the reconciliation's date.</summary>
    public required FollowUpState State { get; init; }
}

/// <summary>Ascertainment of the local cases whose procedure fell in one calendar month.</summary>
public sealed record MonthlyAscertainment
{
    /// <summary>The first day of the month.</summary>
    public required DateTime Month { get; init; }

    /// <summary>Local cases with a procedure in the month (withdrawn ones included).</summary>
    public required int Local { get; init; }

    /// <summary>Of those, the ones the registry holds (matched, behind, ahead or in conflict).</summary>
    public required int OnRegistry { get; init; }

    /// <summary>Of those, the ones withdrawn.</summary>
    public required int Withdrawn { get; init; }

    /// <summary><see cref="OnRegistry"/> / (<see cref="Local"/> - <see cref="Withdrawn"/>); 1 when that is 0, as in <see cref="ReconciliationSummary.Ascertainment"/>.</summary>
    public double Ascertainment => ReconciliationSummary.Share(OnRegistry, Local - Withdrawn);

    /// <summary>Coded episodes with a coded procedure date in the month (0 without activity).</summary>
    public int Coded { get; init; }

    /// <summary>Of those, the ones on the registry.</summary>
    public int CodedOnRegistry { get; init; }

    /// <summary>Of those, the ones whose case is withdrawn.</summary>
    public int CodedWithdrawn { get; init; }

    /// <summary><see cref="CodedOnRegistry"/> / (<see cref="Coded"/> - <see cref="CodedWithdrawn"/>); 1 when that is 0, as in <see cref="ActivitySummary.Ascertainment"/>.</summary>
    public double CodedAscertainment => ReconciliationSummary.Share(CodedOnRegistry, Coded - CodedWithdrawn);
}

/// <summary>Source-generated serialisation of the reconciliation report (DESIGN.md's property names and order).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(IsoDateConverter)])]
[JsonSerializable(typeof(ReconciliationReport))]
internal sealed partial class ReconciliationJsonContext : JsonSerializerContext;
