using System.Globalization;
using RegistryClient.Model;
using RegistryClient.Reconciliation;

namespace RegistryClient.Cli.Reconcile;

/// <summary>One case or follow-up needing action, for a data manager. Named by <c>localRecordId</c> only.</summary>
internal sealed record WorkItem(
    string LocalRecordId, string Item, string State, DateTime? WindowStart, DateTime? WindowEnd, string? RegistryId, int? RegistryVersion, string Action,
    string? ActivityRef = null, DateTime? ProcedureDate = null);

/// <summary>What needs doing after a reconciliation: cases first (missing, conflict, behind, ahead, registry-only), then follow-ups (overdue, due).</summary>
internal static class Worklist
{
    public const string DateFormat = "yyyy-MM-dd";

    public static IReadOnlyList<WorkItem> Cases(ReconciliationReport report) => report.Cases
        .Where(c => c.State is CaseState.Missing or CaseState.Conflict or CaseState.Behind or CaseState.Ahead or CaseState.RegistryOnly)
        .OrderBy(c => c.State switch { CaseState.Missing => 0, CaseState.Conflict => 1, CaseState.Behind => 2, CaseState.Ahead => 3, _ => 4 })
        .ThenBy(c => c.LocalRecordId, StringComparer.Ordinal)
        .Select(c => new WorkItem(c.LocalRecordId, "case", RegistryCode.Of(c.State), null, null, c.RegistryId, c.RegistryVersion, c.State switch
        {
            CaseState.Missing => "Submit the case: the registry does not hold it.",
            CaseState.Behind => $"Submit the current record: the registry holds version {c.RegistryVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"} with older content.",
            CaseState.Conflict => $"Decide which is right: the registry's version {c.RegistryVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"} has other content with the same recordUpdatedAt; correct the record and send it with a newer one.",
            CaseState.Ahead => $"Refresh the local list: the registry's version {c.RegistryVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"} is newer than this record (another system, or a stale export).",
            _ => "Check the registry's case: it is not in the local list (add it to the list, or withdraw it if entered in error).",
        }))
        .ToList();

    public static IReadOnlyList<WorkItem> FollowUps(ReconciliationReport report) => report.FollowUps
        .Where(f => f.State is FollowUpState.Overdue or FollowUpState.Due)
        .OrderBy(f => f.State == FollowUpState.Overdue ? 0 : 1)
        .ThenBy(f => f.WindowEnd)
        .ThenBy(f => f.LocalRecordId, StringComparer.Ordinal)
        .Select(f => new WorkItem(f.LocalRecordId, RegistryCode.Of(f.Timepoint), RegistryCode.Of(f.State), f.WindowStart, f.WindowEnd, null, null,
            f.State == FollowUpState.Overdue
                ? $"Record the {Spoken(f.Timepoint)} follow-up: its window closed on {Date(f.WindowEnd)}."
                : $"Record the {Spoken(f.Timepoint)} follow-up by {Date(f.WindowEnd)}."))
        .ToList();

    /// <summary>
    /// The coded activity needing action (with <c>--activity</c>): coded episodes not recorded locally first (named by
    /// the activity's reference), then ambiguous ones, then local cases never coded (a coding gap).
    /// </summary>
    public static IReadOnlyList<WorkItem> Activity(ReconciliationReport report) => [.. CodedEpisodes(report), .. CodingGaps(report)];

    /// <summary>Coded episodes not recorded locally, then ambiguous ones: named by the activity's own reference.</summary>
    public static IReadOnlyList<WorkItem> CodedEpisodes(ReconciliationReport report) =>
    [
        .. (report.ActivityEpisodes ?? []).Where(e => e.State == ActivityState.NotRecorded).Select(e => new WorkItem(
            "", "activity", RegistryCode.Of(e.State), null, null, null, null,
            $"Record the case and submit it: the activity codes a PMT for acute leg DVT on {Date(e.ProcedureDate)} that the local list lacks (NICE HTG516 1.3).",
            e.ActivityRef, e.ProcedureDate)),
        .. (report.ActivityEpisodes ?? []).Where(e => e.State == ActivityState.Ambiguous).Select(e => new WorkItem(
            "", "activity", RegistryCode.Of(e.State), null, null, null, null,
            $"Decide which local case this is: it could be {string.Join(" or ", (e.Candidates ?? []).Select(Id))}, and nothing was matched.",
            e.ActivityRef, e.ProcedureDate)),
    ];

    /// <summary>Local cases no coded episode matched: a coding gap, reported apart from case finding.</summary>
    public static IReadOnlyList<WorkItem> CodingGaps(ReconciliationReport report) =>
    [
        .. report.Cases.Where(c => c.Coding == ActivityState.NotCoded).Select(c => new WorkItem(
            c.LocalRecordId, "coding", RegistryCode.Of(ActivityState.NotCoded), null, null, c.RegistryId, c.RegistryVersion,
            "Ask the coding team to code the procedure: no coded activity matches this case (a coding gap, not counted against ascertainment).")),
    ];

    public static IReadOnlyList<WorkItem> All(ReconciliationReport report) => [.. Cases(report), .. Activity(report), .. FollowUps(report)];

    public static string Date(DateTime date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static string Date(DateTime? date) => date is { } d ? Date(d) : "";

    /// <summary>The one place a <c>localRecordId</c> is written into a line of text output.</summary>
    public static string Id(string localRecordId) => OutputText.ForLine(localRecordId);

    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A timepoint as a sentence says it ("the 30-day follow-up"); the code stays in the item column.</summary>
    private static string Spoken(FollowUpTimepoint timepoint) => timepoint switch
    {
        FollowUpTimepoint.Days30 => "30-day",
        FollowUpTimepoint.Months6 => "6-month",
        FollowUpTimepoint.Months12 => "12-month",
        FollowUpTimepoint.Months24 => "24-month",
        _ => RegistryCode.Of(timepoint),
    };
}
