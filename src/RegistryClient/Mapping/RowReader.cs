using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace RegistryClient.Mapping;

/// <summary>One input row: its number (as a spreadsheet counts, the CSV header being row 1), its cells (looked up by
/// column through an index shared by every row of the file), or why it could not be read.</summary>
internal sealed record SourceRow(int Row, string[] Values, IReadOnlyDictionary<string, int> Columns, string? Problem)
{
    public string Cell(string column) => Columns.TryGetValue(column, out var i) && i < Values.Length ? Values[i] : "";
}

/// <summary>Streams rows from CSV (CsvHelper: quotes, embedded separators and newlines, BOM) or JSON lines.</summary>
internal static class RowReader
{
    public static IAsyncEnumerable<SourceRow> ReadAsync(Stream input, InputSettings settings, CancellationToken cancellationToken) =>
        settings.Format == "jsonl" ? ReadJsonLinesAsync(input, cancellationToken) : ReadCsvAsync(input, settings.Delimiter, cancellationToken);

    private static async IAsyncEnumerable<SourceRow> ReadCsvAsync(Stream input, string delimiter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CsvMalformedRecord? malformed = null;
        var options = new CsvReaderOptions
        {
            Separator = delimiter[0],
            TrimWhitespace = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // reported per row below, with the row's number
            MalformedData = CsvMalformedDataHandling.Recover,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            OnMalformedRecord = record => malformed = record,
        };
        using var csv = CsvReader.Create(input, options, true);
        await csv.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        var header = csv.Headers.ToArray();
        if (header.Length == 0)
        {
            yield break;
        }

        var columns = new Dictionary<string, int>(header.Length, StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            columns[header[i]] = i; // a repeated header name resolves to its last column
        }

        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var record = new string[csv.FieldCount];
            for (var i = 0; i < record.Length; i++)
            {
                record[i] = csv.GetString(i) ?? "";
            }

            var row = (int)csv.LineNumber;
            string? problem = null;
            if (malformed is { Reason: not CsvMalformedReason.FieldCountMismatch } bad)
            {
                problem = bad.Reason switch
                {
                    CsvMalformedReason.UnterminatedQuote => "has a quote that is never closed",
                    CsvMalformedReason.StrayQuote => "has a stray quote in an unquoted field",
                    _ => "has malformed quoting",
                };
            }
            else if (record.Length != header.Length)
            {
                problem = $"has {record.Length} field(s) but the header has {header.Length}: the row is truncated or has an unquoted separator";
            }

            malformed = null;
            yield return new SourceRow(row, record, columns, problem);
        }
    }

    private static async IAsyncEnumerable<SourceRow> ReadJsonLinesAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(input, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var row = 0;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            Dictionary<string, int>? columns = null;
            var values = new List<string>();
            string? problem = null;
            try
            {
                using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    problem = "is not a JSON object";
                }
                else
                {
                    columns = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        columns[property.Name] = values.Count;
                        values.Add(property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString()!.Trim(),
                            JsonValueKind.Null => "",
                            _ => property.Value.GetRawText(),
                        });
                    }
                }
            }
            catch (JsonException)
            {
                problem = "is not valid JSON";
            }

            yield return new SourceRow(row, values.ToArray(), columns ?? new Dictionary<string, int>(), problem);
        }
    }
}
