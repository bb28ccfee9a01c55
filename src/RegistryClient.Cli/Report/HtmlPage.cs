using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace RegistryClient.Cli.Report;

/// <summary>
/// The page style <c>registry report</c> and <c>registry reconcile</c> share: one self-contained HTML page, inline CSS
/// and SVG, no fetches (the only script, where a page has one, is inline). Colours meet WCAG 2.1 AA contrast.
/// </summary>
internal static class HtmlPage
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static void Begin(StringBuilder html, string title)
    {
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            """);
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>");
        html.Append("""
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:76rem;color:#1b1b1b;background:#fff;line-height:1.4;padding:0 1rem}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #005eb8;padding-bottom:.2rem}
            .muted{color:#4c4c4c}.tiles{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
            .tile{border:1px solid #d8dde0;border-radius:6px;padding:.6rem 1rem;min-width:8rem}.tile b{display:block;font-size:1.6rem}
            table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e8edee;vertical-align:top}
            th{background:#f0f4f5}td{overflow-wrap:break-word}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.zero td{color:#595959}
            td.code,th.code,td.state{white-space:nowrap}.s-overdue,.s-missing,.s-conflict,.s-notRecorded{color:#a4231b;font-weight:600}.s-due,.s-behind,.s-ambiguous{color:#7a4a00;font-weight:600}table.fields{table-layout:fixed}table.fields col.field{width:55%}table.fields col.given{width:15%}
            .error{color:#a4231b;font-weight:600}.warning{color:#7a4a00;font-weight:600}.information{color:#1b1b1b}
            .bar{display:inline-block;height:.7rem;background:#005eb8;vertical-align:middle}.charts{display:flex;gap:2rem;flex-wrap:wrap}
            figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
            table.bars{width:auto;margin:0}table.bars th{background:none;font-weight:normal;text-align:right;padding:.15rem .5rem .15rem 0;border:0}table.bars td{padding:.15rem 0;border:0;white-space:nowrap}table.bars svg{vertical-align:middle}
            th button{font:inherit;font-weight:600;background:none;border:0;padding:0;color:#003d78;text-decoration:underline;cursor:pointer}
            a{color:#003d78}code{font-family:ui-monospace,Consolas,monospace;font-size:.9em}
            </style></head><body><main>
            """);
    }

    public static void End(StringBuilder html) => html.Append("</main></body></html>\n");

    public static void Tile(StringBuilder html, string id, string label, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile\"><b id=\"{E(id)}\">{E(value)}</b>{E(label)}</div>");

    /// <summary>A horizontal bar chart of counts: inline SVG bars, labels and counts as text (so contrast checkers can read them).</summary>
    public static void BarChart(StringBuilder html, string id, string caption, IReadOnlyList<(string Label, int Count)> bars)
    {
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Count));
        Bars(html, id, caption, bars.Select(b => (b.Label, (double)b.Count / max, b.Count.ToString(CultureInfo.InvariantCulture),
            $"data-label=\"{E(b.Label)}\" data-count=\"{b.Count}\"")).ToList());
    }

    /// <summary>
    /// A horizontal bar chart: one row a bar, its label and value as HTML text, the bar as inline SVG (a track and a
    /// filled share, <paramref name="bars"/>' Share 0-1), the whole with a text alternative.
    /// </summary>
    public static void Bars(StringBuilder html, string id, string caption, IReadOnlyList<(string Label, double Share, string Value, string Data)> bars)
    {
        const int width = 220, height = 14;
        html.Append(CultureInfo.InvariantCulture,
            $"<figure id=\"{E(id)}\" class=\"chart\"><figcaption>{E(caption)}</figcaption><table class=\"bars\" aria-label=\"{E(caption + ": " + string.Join(", ", bars.Select(b => $"{b.Label} {b.Value}")))}\"><tbody>");
        foreach (var (label, share, value, data) in bars)
        {
            var filled = (int)Math.Round(width * Math.Clamp(share, 0, 1));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><th scope=\"row\">{E(label)}</th><td><svg width=\"{width}\" height=\"{height}\" aria-hidden=\"true\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\">" +
                $"<rect width=\"{width}\" height=\"{height}\" fill=\"#e8edee\"/><rect width=\"{filled}\" height=\"{height}\" fill=\"#005eb8\" {data}/></svg> {E(value)}</td></tr>");
        }

        html.Append("</tbody></table></figure>");
    }

    /// <summary>
    /// HTML-encodes text. Characters HTML cannot carry are made visible first (<see cref="OutputText.ForLine"/>), so a
    /// hostile id can neither break the page nor the encoder.
    /// </summary>
    public static string E(string? text) => Encoder.Encode(OutputText.ForLine(text ?? ""));

    /// <summary>
    /// A path or JSON Pointer, encoded, that may break only after a <c>/</c>: a narrow column then wraps it between its
    /// segments, never inside a name (<c>/followUps/2/quali|tyOfLife</c>).
    /// </summary>
    public static string Path(string? text) => E(text).Replace("/", "/<wbr>", StringComparison.Ordinal);
}
