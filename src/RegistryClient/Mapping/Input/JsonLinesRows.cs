using RegistryClient.Model;
using System.Runtime.CompilerServices;

namespace RegistryClient.Mapping;

/// <summary>
/// Streams JSON lines, one object per line. The first object's property names are the header (write every column
/// on it, null when empty); later lines may leave properties out, which read as empty. Strings are trimmed; numbers
/// and booleans keep their JSON text.
/// </summary>
internal static class JsonLinesRows
{
    public static async IAsyncEnumerable<SourceRow> ReadAsync(Stream input, InputSettings settings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (body, encodingName, problem) = await InputEncodings.OpenAsync(input, settings.Encoding, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            yield return new SourceRow { Row = 1, IsHeader = true, Problem = problem };
            yield break;
        }

        using var reader = new StreamReader(body, InputEncodings.Create(encodingName), detectEncodingFromByteOrderMarks: false);
        Dictionary<string, int>? columns = null;
        var line = 0;
        var row = new SourceRow();
        var local = LocalInput.IsLocal(input);
        while ((local ? reader.ReadLine() : await reader.ReadLineAsync().ConfigureAwait(false)) is { } text)
        {
            cancellationToken.ThrowIfCancellationRequested();
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            row.Row = line;
            row.Problem = null;
            row.ClearFaults();
            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            }
            catch (JsonException)
            {
                row.Problem = "is not valid JSON";
            }

            using (document)
            {
                if (document is { RootElement.ValueKind: not JsonValueKind.Object })
                {
                    row.Problem = "is not a JSON object";
                }

                if (columns is null)
                {
                    if (document is not { RootElement.ValueKind: JsonValueKind.Object } first)
                    {
                        yield return new SourceRow { Row = line, IsHeader = true, Problem = "The first line is not a JSON object, so it names no columns." };
                        yield break;
                    }

                    var names = first.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
                    columns = new Dictionary<string, int>(StringComparer.Ordinal);
                    for (var i = 0; i < names.Length; i++)
                    {
                        columns[names[i]] = i;
                    }

                    yield return new SourceRow { Row = line, IsHeader = true, Values = names };
                    row.Values = new string[names.Length];
                }

                Array.Clear(row.Values, 0, row.Values.Length);
                if (row.Problem is null)
                {
                    foreach (var property in document!.RootElement.EnumerateObject())
                    {
                        if (!columns.TryGetValue(property.Name, out var i))
                        {
                            continue; // a column the first line did not have: the profile cannot name it
                        }

                        var value = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString()!.Trim(),
                            JsonValueKind.Null => "",
                            _ => property.Value.GetRawText(),
                        };
                        row.Values[i] = value;
                        if (value.IndexOf(InputEncodings.Undecodable) >= 0)
                        {
                            row.Refuse(i, CellFault.Encoding);
                        }
                        else if (ControlCharacters.In(value))
                        {
                            row.Refuse(i, CellFault.ControlCharacter);
                        }
                    }
                }
            }

            for (var i = 0; i < row.Values.Length; i++)
            {
                row.Values[i] ??= "";
            }

            yield return row;
        }
    }
}
