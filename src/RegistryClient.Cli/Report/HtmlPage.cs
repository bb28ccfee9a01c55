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
            body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:62rem;color:#1b1b1b;background:#fff;line-height:1.4;padding:0 1rem}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #005eb8;padding-bottom:.2rem}
            .muted{color:#4c4c4c}.tiles{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
            .tile{border:1px solid #d8dde0;border-radius:6px;padding:.6rem 1rem;min-width:8rem}.tile b{display:block;font-size:1.6rem}
            table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e8edee;vertical-align:top}
            th{background:#f0f4f5}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.zero td{color:#595959}
            .error{color:#a4231b;font-weight:600}.warning{color:#7a4a00;font-weight:600}.information{color:#1b1b1b}
            .bar{display:inline-block;height:.7rem;background:#005eb8;vertical-align:middle}.charts{display:flex;gap:2rem;flex-wrap:wrap}
            figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
            th button{font:inherit;font-weight:600;background:none;border:0;padding:0;color:#003d78;text-decoration:underline;cursor:pointer}
            a{color:#003d78}code{font-family:ui-monospace,Consolas,monospace;font-size:.9em}
            </style></head><body>
            """);
    }

    public static void End(StringBuilder html) => html.Append("</body></html>\n");

    public static void Tile(StringBuilder html, string id, string label, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile\"><b id=\"{E(id)}\">{E(value)}</b>{E(label)}</div>");

    /// <summary>A horizontal bar chart as inline SVG, with a text alternative.</summary>
    public static void BarChart(StringBuilder html, string id, string caption, IReadOnlyList<(string Label, int Count)> bars)
    {
        const int barHeight = 22, labelWidth = 150, maxBar = 200;
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Count));
        var height = Math.Max(1, bars.Count) * barHeight + 4;
        html.Append(CultureInfo.InvariantCulture, $"<figure><figcaption>{E(caption)}</figcaption><svg id=\"{E(id)}\" role=\"img\" width=\"{labelWidth + maxBar + 50}\" height=\"{height}\" ");
        html.Append(CultureInfo.InvariantCulture, $"aria-label=\"{E(caption + ": " + string.Join(", ", bars.Select(b => $"{b.Label} {b.Count}")))}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, count) = bars[i];
            var y = i * barHeight + 2;
            var width = (int)Math.Round(maxBar * (double)count / max);
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{labelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1b1b1b\">{E(label)}</text>" +
                $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{width}\" height=\"{barHeight - 6}\" fill=\"#005eb8\" data-label=\"{E(label)}\" data-count=\"{count}\"/>" +
                $"<text x=\"{labelWidth + width + 6}\" y=\"{y + 15}\" font-size=\"13\" fill=\"#1b1b1b\">{count}</text>");
        }

        html.Append("</svg></figure>");
    }

    /// <summary>
    /// HTML-encodes text. Characters HTML cannot carry (lone surrogates, control characters) become U+FFFD first, so a
    /// hostile id can neither break the page nor the encoder.
    /// </summary>
    public static string E(string? text) => Encoder.Encode(TextSafety.Printable(text ?? ""));
}

/// <summary>Makes text safe to print in any output: what cannot be represented is replaced, never thrown on.</summary>
internal static class TextSafety
{
    /// <summary>Replaces lone surrogates and control characters (C0 other than tab, DEL, C1) with U+FFFD.</summary>
    public static string Printable(string text)
    {
        StringBuilder? result = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var ok = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : char.IsLowSurrogate(c) ? i > 0 && char.IsHighSurrogate(text[i - 1])
                : c == '\t' || !(c < 0x20 || c is >= '\u007f' and <= '\u009f');
            if (!ok && result is null)
            {
                result = new StringBuilder(text.Length).Append(text, 0, i);
            }

            result?.Append(ok ? c : '\uFFFD');
        }

        return result?.ToString() ?? text;
    }
}
