using System.Globalization;
using System.Text;
using RegistryClient.Model;
using RegistryClient.Validation;
using static RegistryClient.Cli.Report.HtmlPage;

namespace RegistryClient.Cli.Report;

/// <summary>
/// Renders <see cref="ReportData"/> as one self-contained HTML page: inline CSS and SVG, no scripts, no fetches. Only
/// registry codes, counts and localRecordIds appear: never a field's value.
/// </summary>
internal static class HtmlReport
{
    public static string Render(ReportData data, DateTimeOffset generated)
    {
        var html = new StringBuilder();
        Begin(html, "Venous registry submissions: data-quality report");
        html.Append("<h1>Venous registry submissions: data-quality report</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Generated {E(generated.ToString("d MMMM yyyy HH:mm zzz", CultureInfo.InvariantCulture))} by RegistryClient. ");
        html.Append("NICE HTG516 asks that every patient having percutaneous mechanical thrombectomy for acute leg DVT is entered onto the registry, and that clot site, symptom severity and age are reported (rec 1.3, 1.4). ");
        html.Append("This page holds registry codes, counts and local record ids only: no NHS number, pseudonym, date or other value of any field.</p>");

        html.Append("<div class=\"tiles\">");
        Tile(html, "documents", "Submissions", Num(data.Documents));
        Tile(html, "valid", "Valid", Num(data.Valid));
        Tile(html, "invalid", "Invalid", Num(data.Documents - data.Valid));
        Tile(html, "follow-ups", "Follow-up assessments", Num(data.FollowUps));
        html.Append("</div>");

        RulesTable(html, data);
        RecordTable(html, data);

        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Case mix</h2><p class=\"muted\" id=\"case-mix-basis\">Each chart counts all {data.Documents} submissions read, <strong>invalid ones included</strong> ({data.Documents - data.Valid} invalid), so that a field broken in many records still shows. ");
        html.Append(CultureInfo.InvariantCulture, $"A value that is not one of the registry's codes is counted as \u201c{E(ReportData.NotACode)}\u201d and never shown.</p><div class=\"charts\">");
        BarChart(html, "chart-dvt-class", "DVT class (NICE rec 1.1)", Order(data.DvtClass, RegistryCode.All<DvtClass>()));
        BarChart(html, "chart-severity", "Symptom severity (NICE rec 1.4)", Order(data.Severity, RegistryCode.All<SeverityGrade>()));
        BarChart(html, "chart-age", "Age at procedure (NICE rec 1.4)", data.AgeBands.Select(b => (AgeLabel(b.Key), b.Value)).ToList());
        html.Append("</div>");

        Completeness(html, data);
        End(html);
        return html.ToString();
    }

    private static void RulesTable(StringBuilder html, ReportData data)
    {
        html.Append("<h2>Issues by rule</h2><p class=\"muted\">Each clinical rule, the paragraph of NICE HTG516 (or the standard) it enforces, and how many submissions break it. A count links to those records below.</p>");
        html.Append("<table id=\"rules\"><thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Severity</th><th scope=\"col\">Rule</th><th scope=\"col\">Source</th><th scope=\"col\">Submissions</th><th scope=\"col\">Issues</th></tr></thead><tbody>");
        var rows = new List<(string Code, string Severity, string Title, string Source)>
        {
            (IssueCodes.Parse, "error", "The document is not readable JSON", "RFC 8259"),
            (IssueCodes.Schema, "error", "The document breaks the submission JSON Schema (missing, unknown or malformed fields)", "schemas/venous-registry-submission.v1.schema.json"),
            (IssueCodes.Limit, "error", "The document is too large or too deeply nested", "resource limits"),
        };
        rows.AddRange(SubmissionValidator.Rules.Select(r => (r.Code, RegistryCode.Of(r.Severity), r.Title, r.Source)));
        foreach (var (code, severity, title, source) in rows)
        {
            var (documents, issues) = data.ByRule.GetValueOrDefault(code);
            var count = documents == 0 ? Num(documents) : $"<a href=\"#issues-{E(code)}\">{documents}</a>";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr id=\"rule-{E(code)}\"{(documents == 0 ? " class=\"zero\"" : "")}><td class=\"code\">{E(code)}</td><td class=\"{E(severity)}\">{E(severity)}</td><td>{E(title)}</td><td>{HtmlPage.Path(source)}</td><td class=\"n\" data-count=\"{documents}\">{count}</td><td class=\"n\">{issues}</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    /// <summary>Every issue of every record, sorted by rule (in the rules table's order), each rule's first row an anchor.</summary>
    private static void RecordTable(StringBuilder html, ReportData data)
    {
        var issues = data.RecordIssues;
        html.Append("<h2 id=\"records\">Issues by record</h2><p class=\"muted\">The records to fix, sorted by rule: the local record id, the rule, and the JSON Pointer of the field at fault. ");
        html.Append("Field values are never shown; a property the schema does not define is shown as \u201c(unknown property)\u201d. <code>registry report --csv FILE</code> exports this table.</p>");
        if (issues.Count == 0)
        {
            html.Append("<p id=\"record-issues\">No record has an issue.</p>");
            return;
        }

        html.Append("<table id=\"record-issues\"><thead><tr><th scope=\"col\">Local record id</th><th scope=\"col\">Code</th><th scope=\"col\">Severity</th><th scope=\"col\">JSON Pointer</th><th scope=\"col\">Message</th></tr></thead><tbody>");
        string? previous = null;
        foreach (var issue in issues)
        {
            var anchor = issue.Code == previous ? "" : $" id=\"issues-{E(issue.Code)}\"";
            previous = issue.Code;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr{anchor} data-code=\"{E(issue.Code)}\"><td>{HtmlPage.Path(issue.Record)}</td><td class=\"code\"><a href=\"#rule-{E(issue.Code)}\">{E(issue.Code)}</a></td><td class=\"{E(issue.Severity)}\">{E(issue.Severity)}</td><td><code>{(issue.Pointer.Length == 0 ? "(the document)" : HtmlPage.Path(issue.Pointer))}</code></td><td>{E(issue.Message)}</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Completeness(StringBuilder html, ReportData data)
    {
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Field completeness</h2><p class=\"muted\" id=\"completeness-basis\">The share of records that give each field. The denominator is every submission read ({data.Documents}, invalid ones included); ");
        html.Append(CultureInfo.InvariantCulture,
            $"for follow-ups it is every follow-up assessment found ({data.FollowUps}). A section missing from a record counts as every one of its fields missing. Optional fields may rightly be absent.</p>");
        foreach (var (section, _, fields) in ReportData.SectionFields)
        {
            var denominator = section is "followUps" ? data.FollowUps : data.Documents;
            var unit = section is "followUps" ? "follow-up assessments" : "submissions";
            html.Append(CultureInfo.InvariantCulture,
                $"<h3>{E(section)} <span class=\"muted\">(present in {data.SectionCount.GetValueOrDefault(section)} of {denominator} {unit}; shares below are of {denominator})</span></h3>");
            html.Append(CultureInfo.InvariantCulture, $"<table class=\"fields\" id=\"completeness-{E(section)}\"><colgroup><col class=\"field\"><col class=\"given\"><col></colgroup><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Given</th><th scope=\"col\">Share</th></tr></thead><tbody>");
            foreach (var field in fields)
            {
                var present = data.Present.GetValueOrDefault((section, field));
                var share = denominator == 0 ? 0 : 100.0 * present / denominator;
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{E(field)}</td><td class=\"n\">{present}</td><td><span class=\"bar\" style=\"width:{share * 1.5:0}px\"></span> {share:0}%</td></tr>");
            }

            html.Append("</tbody></table>");
        }
    }

    private static List<(string, int)> Order(Dictionary<string, int> counts, IReadOnlyList<string> codes) =>
        codes.Select(c => (c, counts.GetValueOrDefault(c))).Concat(counts.Where(c => !codes.Contains(c.Key)).Select(c => (c.Key, c.Value))).ToList();

    private static string AgeLabel(int band) => band switch
    {
        16 => "16-29",
        75 => "75 and over",
        _ => $"{band}-{band + 14}",
    };

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
