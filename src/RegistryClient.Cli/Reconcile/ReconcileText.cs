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
        text.AppendLine($"Follow-ups expected: {followUps.Count}: {Count(FollowUpState.Done)} done, {Count(FollowUpState.Due)} due, {Count(FollowUpState.Overdue)} overdue, {Count(FollowUpState.NotYetDue)} not yet due.");
        if (unreadable > 0)
        {
            text.AppendLine($"{unreadable} local episode(s) or row(s) could not be read and are not counted above (their errors went to standard error).");
        }

        text.AppendLine(report.IsComplete && unreadable == 0
            ? "Every local case is on the registry as it stands locally, and no follow-up is overdue."
            : "Action is needed: see below.");

        var cases = Worklist.Cases(report);
        if (cases.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"Cases needing action ({cases.Count}):");
            var width = cases.Max(c => OutputText.ForLine(c.LocalRecordId).Length);
            foreach (var item in cases)
            {
                text.AppendLine($"  {OutputText.ForLine(item.LocalRecordId).PadRight(width)}  {item.State,-12}  {item.Action}");
            }
        }

        var due = Worklist.FollowUps(report);
        if (due.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"Follow-ups needing action ({due.Count}):");
            var width = due.Max(c => OutputText.ForLine(c.LocalRecordId).Length);
            foreach (var item in due)
            {
                text.AppendLine($"  {OutputText.ForLine(item.LocalRecordId).PadRight(width)}  {item.Item,-8}  {item.State,-7}  window {Worklist.Date(item.WindowStart)} to {Worklist.Date(item.WindowEnd)}");
            }
        }

        return text.ToString();
    }
}
