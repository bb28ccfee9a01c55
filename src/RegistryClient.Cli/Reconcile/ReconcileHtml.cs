using System.Globalization;
using System.Text;
using RegistryClient.Cli.Report;
using RegistryClient.Model;
using RegistryClient.Reconciliation;
using static RegistryClient.Cli.Report.HtmlPage;

namespace RegistryClient.Cli.Reconcile;

/// <summary>The html format: one self-contained page in the style of <c>registry report</c>.</summary>
internal static class ReconcileHtml
{
    public static string Render(ReconciliationReport report, int unreadable, DateTimeOffset generated)
    {
        var s = report.Summary;
        var html = new StringBuilder();
        var title = $"Venous registry reconciliation: {report.OrganisationCode}";
        Begin(html, title);
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(title)}</h1>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"muted\">As of {E(Worklist.Date(report.AsOf))}; generated {E(generated.ToString("d MMMM yyyy HH:mm zzz", CultureInfo.InvariantCulture))} by RegistryClient. ");
        html.Append("NICE HTG516 1.3 asks that every patient having percutaneous mechanical thrombectomy for acute leg DVT is entered onto the registry. ");
        html.Append("This page compares the hospital's own list of episodes with the registry's cases, and lists the follow-ups due (windows of rule VR016). ");
        if (report.Activity is not null)
        {
            html.Append("It also compares both with the hospital's coded clinical activity (case finding): coded episodes are named by the activity's own reference. ");
        }

        html.Append("Cases are named by local record id only: no NHS number, pseudonym or date of birth.</p>");

        html.Append("<div class=\"tiles\">");
        Tile(html, "ascertainment", report.Activity is null ? "Ascertainment" : "Ascertainment (local list)", Worklist.Percent(s.Ascertainment));
        if (report.Activity is { } a)
        {
            Tile(html, "coded-ascertainment", "Ascertainment (coded activity)", Worklist.Percent(a.Ascertainment));
            Tile(html, "coded", "Coded episodes", Num(a.Coded));
            Tile(html, "not-recorded", "Coded, not recorded", Num(a.NotRecorded));
            Tile(html, "ambiguous", "Ambiguous", Num(a.Ambiguous));
            Tile(html, "not-coded", "Recorded, not coded", Num(a.NotCoded));
        }

        Tile(html, "local", "Local cases", Num(s.Local));
        Tile(html, "registry", "Registry cases", Num(s.Registry));
        Tile(html, "matched", "Matched", Num(s.Matched));
        Tile(html, "behind", "Behind (amend)", Num(s.Behind));
        Tile(html, "ahead", "Ahead (registry newer)", Num(s.Ahead));
        Tile(html, "conflict", "Conflict (decide)", Num(s.Conflict));
        Tile(html, "missing", "Missing", Num(s.Missing));
        Tile(html, "registry-only", "Registry only", Num(s.RegistryOnly));
        Tile(html, "withdrawn", "Withdrawn", Num(s.Withdrawn));
        Tile(html, "overdue", "Follow-ups overdue", Num(report.FollowUps.Count(f => f.State == FollowUpState.Overdue)));
        Tile(html, "due", "Follow-ups due", Num(report.FollowUps.Count(f => f.State == FollowUpState.Due)));
        html.Append("</div>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"muted\">Ascertainment = (matched + behind + ahead + conflict) / (local - withdrawn) = ({s.Matched} + {s.Behind} + {s.Ahead} + {s.Conflict}) / ({s.Local} - {s.Withdrawn}); 100% when no local case remains to count.</p>");
        if (report.Activity is { } act)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<p class=\"muted\">Ascertainment against coded activity = coded episodes on the registry / (coded episodes - those withdrawn) = {act.OnRegistry} / ({act.Coded} - {act.Withdrawn}). It counts the patients the hospital's own list never reached; local cases not coded are a coding gap and do not count against it.</p>");
        }

        if (unreadable > 0)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<p id=\"unreadable\"><strong>{unreadable} local episode(s) or row(s) could not be read and are not counted on this page.</strong> Their located errors went to standard error; fix them and run again.</p>");
        }

        html.Append("<h2>Ascertainment by procedure month</h2>");
        MonthChart(html, report.ByProcedureMonth.Where(m => m.Local > 0).ToList());
        if (report.Activity is not null)
        {
            html.Append("<h2>Ascertainment against coded activity by procedure month</h2>");
            var coded = report.ByProcedureMonth.Where(m => m.Coded > 0).ToList();
            if (coded.Count == 0)
            {
                html.Append("<p id=\"chart-coded-ascertainment\">No coded episode to chart.</p>");
            }
            else
            {
                Bars(html, "chart-coded-ascertainment", "Share of each month's coded episodes that the registry holds (withdrawn cases not counted)",
                    coded.Select(m => (Month(m.Month), m.CodedAscertainment, $"{Worklist.Percent(m.CodedAscertainment)} ({m.CodedOnRegistry} of {m.Coded - m.CodedWithdrawn})",
                        $"data-month=\"{E(Month(m.Month))}\" data-on-registry=\"{m.CodedOnRegistry}\" data-expected=\"{m.Coded - m.CodedWithdrawn}\"")).ToList());
            }
        }

        if (report.Activity is not null)
        {
            html.Append("<h2>Coded episodes not recorded locally</h2><p class=\"muted\">The patients NICE HTG516 1.3 is about: coded as PMT for acute leg DVT but absent from the hospital's own list. They are named by the activity's own reference; record each one, and settle each ambiguous one by hand.</p>");
            Table(html, "activity-worklist", ["Activity reference", "State", "Procedure date", "Action"], [Cell.Text, Cell.State, Cell.Date, Cell.Text],
                Worklist.CodedEpisodes(report).Select(w => new[] { w.ActivityRef ?? "", w.State, Worklist.Date(w.ProcedureDate), w.Action }).ToList(),
                "Every coded episode is recorded locally.");
        }

        html.Append("<h2>Cases needing action</h2>");
        var cases = Worklist.Cases(report);
        Table(html, "cases-worklist", ["Local record id", "State", "Registry id", "Registry version", "Action"], [Cell.Text, Cell.State, Cell.Text, Cell.Text, Cell.Text],
            cases.Select(c => new[] { c.LocalRecordId, c.State, c.RegistryId ?? "", c.RegistryVersion?.ToString(CultureInfo.InvariantCulture) ?? "", c.Action }).ToList(),
            "No case needs action.");

        if (report.Activity is not null)
        {
            html.Append("<h2>Local cases not coded</h2><p class=\"muted\">A coding gap for the coding team: these cases are in the local list but no coded activity matches them. They do not count against ascertainment.</p>");
            Table(html, "coding-gaps", ["Local record id", "State", "Action"], [Cell.Text, Cell.State, Cell.Text],
                Worklist.CodingGaps(report).Select(w => new[] { w.LocalRecordId, w.State, w.Action }).ToList(),
                "Every local case is coded.");
        }

        html.Append("<h2>Follow-ups needing action</h2>");
        var followUps = Worklist.FollowUps(report);
        Table(html, "follow-ups-worklist", ["Local record id", "Timepoint", "State", "Window opens", "Window closes", "Action"],
            [Cell.Text, Cell.Timepoint, Cell.State, Cell.Date, Cell.Date, Cell.Text],
            followUps.Select(f => new[] { f.LocalRecordId, f.Item, f.State, Worklist.Date(f.WindowStart), Worklist.Date(f.WindowEnd), f.Action }).ToList(),
            "No follow-up is due or overdue.");

        html.Append("<h2>Follow-ups by timepoint</h2><p class=\"muted\">Every expected follow-up of the local cases that are not withdrawn; none is expected after a recorded death, and a death within a window closes it (not expected).</p>");
        var states = RegistryCode.All<FollowUpState>();
        Table(html, "follow-ups-by-timepoint", ["Timepoint", .. states.Select(Label)], [Cell.Timepoint, .. states.Select(_ => Cell.Text)],
            RegistryCode.All<FollowUpTimepoint>().Select(t => new[] { t }.Concat(states.Select(st =>
                Num(report.FollowUps.Count(f => RegistryCode.Of(f.Timepoint) == t && RegistryCode.Of(f.State) == st)))).ToArray()).ToList(),
            "");
        End(html);
        return html.ToString();
    }

    private static void MonthChart(StringBuilder html, IReadOnlyList<MonthlyAscertainment> months)
    {
        if (months.Count == 0)
        {
            html.Append("<p id=\"chart-ascertainment\">No local case to chart.</p>");
            return;
        }

        Bars(html, "chart-ascertainment", "Share of each month's local cases that the registry holds (withdrawn cases not counted)",
            months.Select(m => (Month(m.Month), m.Ascertainment, $"{Worklist.Percent(m.Ascertainment)} ({m.OnRegistry} of {m.Local - m.Withdrawn})",
                $"data-month=\"{E(Month(m.Month))}\" data-on-registry=\"{m.OnRegistry}\" data-expected=\"{m.Local - m.Withdrawn}\"")).ToList());
    }

    /// <summary>How a column's cells read: as they are, a date (never wrapped), or a registry code shown in words.</summary>
    private enum Cell
    {
        Text,
        Date,
        State,
        Timepoint,
    }

    private static void Table(StringBuilder html, string id, IReadOnlyList<string> header, IReadOnlyList<Cell> kinds, IReadOnlyList<string[]> rows, string empty)
    {
        if (rows.Count == 0 && empty.Length > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"{E(id)}\">{E(empty)}</p>");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<table id=\"{E(id)}\"><thead><tr>");
        foreach (var name in header)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\">{E(name)}</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
            {
                // A code is shown in words ("not yet due", "30 days") and kept as data-code for whoever reads the page by machine.
                var cell = E(row[i]);
                html.Append((i < kinds.Count ? kinds[i] : Cell.Text) switch
                {
                    Cell.State => "<td class=\"state s-" + cell + "\" data-code=\"" + cell + "\">" + E(Label(row[i])) + "</td>",
                    Cell.Timepoint => "<td class=\"state\" data-code=\"" + cell + "\">" + E(Label(row[i])) + "</td>",
                    Cell.Date => "<td class=\"state\">" + cell + "</td>",
                    _ => "<td>" + cell + "</td>",
                });
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    /// <summary>A registry code in the words a governance lead reads; a code this page does not know is shown as it is.</summary>
    private static string Label(string code) => code switch
    {
        "registryOnly" => "registry only",
        "notRecorded" => "not recorded",
        "notCoded" => "not coded",
        "notYetDue" => "not yet due",
        "notExpected" => "not expected",
        "days30" => "30 days",
        "months6" => "6 months",
        "months12" => "12 months",
        "months24" => "24 months",
        _ => code,
    };

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Month(DateTime month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
