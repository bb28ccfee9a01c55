using System.Text.Json;

namespace RegistryClient.Cli.Validate;

/// <summary>
/// Splits a JSON array of submissions into its elements, each located in the file. One pass: positions advance from
/// the previous element, never from the start of the file, so 10,000 elements cost 10,000 small steps.
/// </summary>
internal static class ArrayElements
{
    /// <summary>The elements; if the array itself is malformed, the whole file is one document whose PARSE error the validator locates.</summary>
    public static IEnumerable<SubmissionDocument> Split(ReadOnlyMemory<byte> content)
    {
        var documents = new List<SubmissionDocument>();
        try
        {
            var reader = new Utf8JsonReader(content.Span, new JsonReaderOptions { MaxDepth = 1000 });
            reader.Read();
            var position = new Position();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                position.AdvanceTo(content.Span, start);
                documents.Add(new SubmissionDocument(documents.Count, content.Slice(start, end - start), position.Line, position.Column));
            }

            while (reader.Read())
            {
                // Reads to the end so that trailing garbage is a parse error, not silently ignored.
            }

            return documents;
        }
        catch (JsonException)
        {
            return [new SubmissionDocument(0, content, 1, 1)];
        }
    }

    /// <summary>Line and column (in characters) of a byte offset, moved forward only.</summary>
    private sealed class Position
    {
        private int _offset;

        public int Line { get; private set; } = 1;

        public int Column { get; private set; } = 1;

        public void AdvanceTo(ReadOnlySpan<byte> text, int offset)
        {
            foreach (var b in text[_offset..offset])
            {
                if (b == (byte)'\n')
                {
                    Line++;
                    Column = 1;
                }
                else if ((b & 0xC0) != 0x80)
                {
                    Column++;
                }
            }

            _offset = offset;
        }
    }
}
