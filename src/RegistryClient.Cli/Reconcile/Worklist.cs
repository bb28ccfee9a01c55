using System.Globalization;
using RegistryClient.Model;
using RegistryClient.Reconciliation;

namespace RegistryClient.Cli.Reconcile;

/// <summary>One case or follow-up needing action, for a data manager. Named by <c>localRecordId</c> only.</summary>
internal sealed record WorkItem(
    string LocalRecordId, string Item, string State, DateTime? WindowStart, DateTime? WindowEnd, string? RegistryId, int? RegistryVersion, string Action);

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
                ? $"Record the {RegistryCode.Of(f.Timepoint)} follow-up: its window closed on {Date(f.WindowEnd)}."
                : $"Record the {RegistryCode.Of(f.Timepoint)} follow-up by {Date(f.WindowEnd)}."))
        .ToList();

    public static IReadOnlyList<WorkItem> All(ReconciliationReport report) => [.. Cases(report), .. FollowUps(report)];

    public static string Date(DateTime date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static string Date(DateTime? date) => date is { } d ? Date(d) : "";

    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
