using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using RegistryClient.Model;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Report;

/// <summary>Renders <see cref="ReportData"/> as one self-contained HTML page: inline CSS and SVG, no scripts, no fetches.</summary>
internal static class HtmlReport
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string Render(ReportData data, DateTimeOffset generated)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Venous registry submissions: data-quality report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:62rem;color:#1b1b1b;line-height:1.4;padding:0 1rem}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #005eb8;padding-bottom:.2rem}
            .muted{color:#5a5a5a}.tiles{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
            .tile{border:1px solid #d8dde0;border-radius:6px;padding:.6rem 1rem;min-width:8rem}.tile b{display:block;font-size:1.6rem}
            table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e8edee;vertical-align:top}
            th{background:#f0f4f5}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.zero td{color:#8a8a8a}
            .error{color:#b3261e;font-weight:600}.warning{color:#8a5300;font-weight:600}
            .bar{display:inline-block;height:.7rem;background:#005eb8;vertical-align:middle}.charts{display:flex;gap:2rem;flex-wrap:wrap}
            figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
            </style></head><body>
            """);
        html.Append("<h1>Venous registry submissions: data-quality report</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Generated {E(generated.ToString("d MMMM yyyy HH:mm zzz", CultureInfo.InvariantCulture))} by RegistryClient. ");
        html.Append("NICE HTG516 asks that every patient having percutaneous mechanical thrombectomy for acute leg DVT is entered onto the registry, and that clot site, symptom severity and age are reported (rec 1.3, 1.4). ");
        html.Append("This page holds counts only: no NHS number, pseudonym, date or other patient detail.</p>");

        html.Append("<div class=\"tiles\">");
        Tile(html, "documents", "Submissions", data.Documents);
        Tile(html, "valid", "Valid", data.Valid);
        Tile(html, "invalid", "Invalid", data.Documents - data.Valid);
        Tile(html, "follow-ups", "Follow-up assessments", data.FollowUps);
        html.Append("</div>");

        RulesTable(html, data);

        html.Append("<h2>Case mix</h2><div class=\"charts\">");
        Chart(html, "chart-dvt-class", "DVT class (NICE rec 1.1)", Order(data.DvtClass, RegistryCode.All<DvtClass>()));
        Chart(html, "chart-severity", "Symptom severity (NICE rec 1.4)", Order(data.Severity, RegistryCode.All<SeverityGrade>()));
        Chart(html, "chart-age", "Age at procedure (NICE rec 1.4)", data.AgeBands.Select(b => (AgeLabel(b.Key), b.Value)).ToList());
        html.Append("</div>");

        Completeness(html, data);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void RulesTable(StringBuilder html, ReportData data)
    {
        html.Append("<h2>Issues by rule</h2><p class=\"muted\">Each clinical rule, the paragraph of NICE HTG516 (or the standard) it enforces, and how many submissions break it.</p>");
        html.Append("<table id=\"rules\"><thead><tr><th>Code</th><th>Severity</th><th>Rule</th><th>Source</th><th>Submissions</th><th>Issues</th></tr></thead><tbody>");
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
            html.Append(CultureInfo.InvariantCulture,
                $"<tr id=\"rule-{E(code)}\"{(documents == 0 ? " class=\"zero\"" : "")}><td>{E(code)}</td><td class=\"{E(severity)}\">{E(severity)}</td><td>{E(title)}</td><td>{E(source)}</td><td class=\"n\" data-count=\"{documents}\">{documents}</td><td class=\"n\">{issues}</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Completeness(StringBuilder html, ReportData data)
    {
        html.Append("<h2>Field completeness</h2><p class=\"muted\">The share of submissions (for follow-ups, of follow-up assessments) that give each field. Optional fields may rightly be absent.</p>");
        foreach (var (section, _, fields) in ReportData.SectionFields)
        {
            var denominator = section is "followUps" ? data.FollowUps : data.Documents;
            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(section)} <span class=\"muted\">({data.SectionCount.GetValueOrDefault(section)} of {denominator})</span></h3>");
            html.Append(CultureInfo.InvariantCulture, $"<table id=\"completeness-{E(section)}\"><thead><tr><th>Field</th><th>Given</th><th>Share</th></tr></thead><tbody>");
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

    private static void Tile(StringBuilder html, string id, string label, int value) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile\"><b id=\"{id}\">{value}</b>{E(label)}</div>");

    /// <summary>A horizontal bar chart as inline SVG, with a text alternative.</summary>
    private static void Chart(StringBuilder html, string id, string caption, IReadOnlyList<(string Label, int Count)> bars)
    {
        const int barHeight = 22, labelWidth = 130, maxBar = 200;
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Count));
        var height = Math.Max(1, bars.Count) * barHeight + 4;
        html.Append(CultureInfo.InvariantCulture, $"<figure><figcaption>{E(caption)}</figcaption><svg id=\"{id}\" role=\"img\" width=\"{labelWidth + maxBar + 50}\" height=\"{height}\" ");
        html.Append(CultureInfo.InvariantCulture, $"aria-label=\"{E(caption + ": " + string.Join(", ", bars.Select(b => $"{b.Label} {b.Count}")))}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, count) = bars[i];
            var y = i * barHeight + 2;
            var width = (int)Math.Round(maxBar * (double)count / max);
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{labelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\" font-size=\"13\">{E(label)}</text>" +
                $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{width}\" height=\"{barHeight - 6}\" fill=\"#005eb8\" data-label=\"{E(label)}\" data-count=\"{count}\"/>" +
                $"<text x=\"{labelWidth + width + 6}\" y=\"{y + 15}\" font-size=\"13\">{count}</text>");
        }

        html.Append("</svg></figure>");
    }

    private static List<(string, int)> Order(Dictionary<string, int> counts, IReadOnlyList<string> codes) =>
        codes.Select(c => (c, counts.GetValueOrDefault(c))).Concat(counts.Where(c => !codes.Contains(c.Key)).Select(c => (c.Key, c.Value))).ToList();

    private static string AgeLabel(int band) => band switch
    {
        16 => "16-29",
        75 => "75 and over",
        _ => $"{band}-{band + 14}",
    };

    private static string E(string text) => Encoder.Encode(text);
}
