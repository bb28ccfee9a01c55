using RegistryClient.Model;
using System.Runtime.CompilerServices;
using CsvHelper;

namespace RegistryClient.Mapping;

/// <summary>
/// Streams CSV rows (CsvHelper: quotes, embedded separators and newlines) in the declared encoding. UTF-8 is read as
/// bytes and each used cell is checked to be well-formed; other encodings are transcoded with a decoder that marks
/// undecodable bytes, so either way a bad byte is reported at its row and column, never passed on as U+FFFD.
/// </summary>
internal static class CsvRows
{
    public static async IAsyncEnumerable<SourceRow> ReadAsync(Stream input, InputSettings settings, Func<string[], bool[]> wanted,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (body, encodingName, problem) = await InputEncodings.OpenAsync(input, settings.Encoding, cancellationToken).ConfigureAwait(false);
        var row = new SourceRow { Row = 1, IsHeader = true };
        if (problem is not null)
        {
            row.Problem = problem;
            yield return row;
            yield break;
        }

        CsvMalformedRecord? malformed = null;
        var options = new CsvReaderOptions
        {
            Separator = settings.Delimiter[0],
            TrimWhitespace = true,
            TrackLineNumbers = true,
            Encoding = encodingName == "utf-8" ? null : InputEncodings.Create(encodingName),
            FieldCountMismatch = CsvFieldCountHandling.Allow, // reported per row below, with the row's number
            MalformedData = CsvMalformedDataHandling.Recover,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            MaxRecordSize = 4 * 1024 * 1024,
            IncludeValuesInExceptions = false,
            PoolStrings = true, // exports repeat their codes (Yes, LA, Femoral...) in every row: one string each
            OnMalformedRecord = record => malformed = record,
        };
        using var csv = CsvReader.Create(body, options, true);
        var local = LocalInput.IsLocal(input);
        if (local)
        {
            csv.ReadHeader();
        }
        else
        {
            await csv.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        var header = csv.Headers.ToArray();
        row.Values = header;
        if (header.Any(h => h.IndexOf(InputEncodings.Undecodable) >= 0 || h.IndexOf('\uFFFD') >= 0))
        {
            row.Problem = $"The header row has bytes that are not valid {encodingName}; declare the export's encoding in input.encoding.";
        }

        yield return row;
        if (header.Length == 0 || row.Problem is not null)
        {
            yield break;
        }

        var use = wanted(header);
        row = new SourceRow { Values = new string[header.Length] };
        var checkUtf8 = options.Encoding is null;
        while (local ? csv.Read() : await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            row.Row = (int)csv.LineNumber;
            row.Problem = null;
            row.ClearFaults();
            var fields = csv.FieldCount;
            for (var i = 0; i < header.Length; i++)
            {
                if (!use[i] || i >= fields)
                {
                    row.Values[i] = "";
                    continue;
                }

                var span = csv.GetSpan(i);
                if (span.IsEmpty)
                {
                    row.Values[i] = "";
                    continue;
                }

                if (checkUtf8 ? !InputEncodings.IsValidUtf8(span) : span.IndexOf(UndecodableUtf8) >= 0)
                {
                    row.Refuse(i, CellFault.Encoding);
                    continue;
                }

                row.Values[i] = csv.GetString(i);
                if (ControlCharacters.In(row.Values[i]))
                {
                    row.Refuse(i, CellFault.ControlCharacter); // never passed on: a NUL is a mis-exported byte, not data
                }
            }

            if (malformed is { Reason: not CsvMalformedReason.FieldCountMismatch } bad)
            {
                row.Problem = bad.Reason switch
                {
                    CsvMalformedReason.UnterminatedQuote => "has a quote that is never closed",
                    CsvMalformedReason.StrayQuote => "has a stray quote in an unquoted field",
                    _ => "has malformed quoting",
                };
            }
            else if (fields != header.Length)
            {
                row.Problem = $"has {fields} field(s) but the header has {header.Length}: the row is truncated or has an unquoted separator";
            }

            malformed = null;
            yield return row;
        }
    }

    private static ReadOnlySpan<byte> UndecodableUtf8 => [0xEF, 0xBF, 0xBF];
}
