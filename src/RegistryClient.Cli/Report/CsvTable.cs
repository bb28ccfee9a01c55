using System.Globalization;
using CsvHelper;

namespace RegistryClient.Cli.Report;

/// <summary>
/// Writes a worklist as RFC 4180 CSV (CRLF, fields quoted when needed) that is safe to open in a spreadsheet: a cell
/// that starts with <c>= + - @</c> (or a tab or carriage return) is prefixed with a single quote, so it is never run as
/// a formula; characters that cannot be represented are replaced.
/// </summary>
internal static class CsvTable
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows, CancellationToken cancellationToken)
    {
        var options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(output, options, true);
        await csv.WriteRecordAsync(header.ToArray(), cancellationToken);
        foreach (var row in rows)
        {
            await csv.WriteRecordAsync(row.Select(cell => OutputText.ForLine(cell ?? "")).ToArray(), cancellationToken);
        }

        await csv.FlushAsync();
    }
}
