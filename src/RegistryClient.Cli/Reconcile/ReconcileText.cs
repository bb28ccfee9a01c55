using System.Text;
using RegistryClient.Cli.Report;
using RegistryClient.Reconciliation;

namespace RegistryClient.Cli.Reconcile;

/// <summary>The text format: a summary a governance lead can paste into an email, then the cases needing action.</summary>
internal static class ReconcileText
{
    public static string Render(ReconciliationReport report, int unreadable)
    {
        var s = report.Summary;
        var followUps = report.FollowUps;
        int Count(FollowUpState state) => followUps.Count(f => f.State == state);
        var text = new StringBuilder();
        text.AppendLine($"Registry reconciliation for {report.OrganisationCode} as of {Worklist.Date(report.AsOf)}");
        text.AppendLine();
        text.AppendLine($"Case ascertainment: {Worklist.Percent(s.Ascertainment)} ({s.Matched + s.Behind + s.Ahead + s.Conflict} of {s.Local - s.Withdrawn} local cases are on the registry; withdrawn cases are not counted).");
        text.AppendLine($"Local cases: {s.Local}. Registry cases: {s.Registry}.");
        text.AppendLine($"Matched {s.Matched}, behind {s.Behind} (amendment due), ahead {s.Ahead} (the registry is newer), conflict {s.Conflict} (a person must decide), missing {s.Missing}, registry only {s.RegistryOnly}, withdrawn {s.Withdrawn}.");
        text.AppendLine($"Follow-ups expected: {followUps.Count}: {Count(FollowUpState.Done)} done, {Count(FollowUpState.Due)} due, {Count(FollowUpState.Overdue)} overdue, {Count(FollowUpState.NotYetDue)} not yet due, {Count(FollowUpState.NotExpected)} not expected (death closed the window).");
        if (report.Activity is { } a)
        {
            text.AppendLine($"Ascertainment against coded activity: {Worklist.Percent(a.Ascertainment)} ({a.OnRegistry} of {a.Coded - a.Withdrawn} coded episodes are on the registry; withdrawn cases are not counted).");
            text.AppendLine($"Coded episodes: {a.Coded}: {a.NotRecorded} not recorded locally, {a.Ambiguous} ambiguous. Local cases not coded (a coding gap, not counted against ascertainment): {a.NotCoded}.");
        }
        if (unreadable > 0)
        {
            text.AppendLine($"{unreadable} local episode(s) or row(s) could not be read and are not counted above (their errors went to standard error).");
        }

        text.AppendLine(report.IsComplete && unreadable == 0
            ? report.Activity is null
                ? "Every local case is on the registry as it stands locally, and no follow-up is overdue."
                : "Every coded episode and every local case is on the registry as it stands locally, and no follow-up is overdue."
            : "Action is needed: see below.");

        var cases = Worklist.Cases(report);
        if (cases.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"Cases needing action ({cases.Count}):");
            var width = cases.Max(c => Worklist.Id(c.LocalRecordId).Length);
            foreach (var item in cases)
            {
                text.AppendLine($"  {Worklist.Id(item.LocalRecordId).PadRight(width)}  {item.State,-12}  {item.Action}");
            }
        }

        if (report.Activity is not null)
        {
            var months = report.ByProcedureMonth.Where(m => m.Coded > 0 || m.Local > 0).ToList();
            text.AppendLine();
            text.AppendLine("Ascertainment by procedure month (local list; coded activity):");
            foreach (var m in months)
            {
                var local = m.Local > 0 ? $"{Worklist.Percent(m.Ascertainment),6} ({m.OnRegistry} of {m.Local - m.Withdrawn})" : "     - (none)";
                var coded = m.Coded > 0 ? $"{Worklist.Percent(m.CodedAscertainment),6} ({m.CodedOnRegistry} of {m.Coded - m.CodedWithdrawn})" : "     - (none)";
                text.AppendLine($"  {m.Month:yyyy-MM}  local {local,-20}  coded {coded}");
            }

            // Activity episodes are named by the activity's own reference, never by NHS number.
            var episodes = Worklist.CodedEpisodes(report);
            if (episodes.Count > 0)
            {
                text.AppendLine();
                text.AppendLine($"Coded episodes needing action ({episodes.Count}):");
                var width = episodes.Max(e => OutputText.ForLine(e.ActivityRef ?? "").Length);
                foreach (var item in episodes)
                {
                    text.AppendLine($"  activity {OutputText.ForLine(item.ActivityRef ?? "").PadRight(width)}  {item.State,-11}  {item.Action}");
                }
            }

            var gaps = Worklist.CodingGaps(report);
            if (gaps.Count > 0)
            {
                text.AppendLine();
                text.AppendLine($"Local cases not coded ({gaps.Count}; a coding gap for the coding team, not counted against ascertainment):");
                text.AppendLine("  " + string.Join(", ", gaps.Select(g => Worklist.Id(g.LocalRecordId))));
            }
        }

        var due = Worklist.FollowUps(report);
        if (due.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"Follow-ups needing action ({due.Count}):");
            var width = due.Max(c => Worklist.Id(c.LocalRecordId).Length);
            foreach (var item in due)
            {
                text.AppendLine($"  {Worklist.Id(item.LocalRecordId).PadRight(width)}  {item.Item,-8}  {item.State,-7}  window {Worklist.Date(item.WindowStart)} to {Worklist.Date(item.WindowEnd)}");
            }
        }

        return text.ToString();
    }
}
