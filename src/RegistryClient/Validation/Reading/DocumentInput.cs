using System.Text;
using RegistryClient.Validation.Json;

namespace RegistryClient.Validation.Reading;

/// <summary>
/// Reading a document within the validator's limits: the byte-order mark, the size limit for streams, strict UTF-8,
/// and the well-formedness checks the schema authority cannot make (syntax, nesting depth, repeated properties).
/// </summary>
internal static class DocumentInput
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> utf8) =>
        utf8.Span.StartsWith(Utf8Bom) ? utf8.Slice(Utf8Bom.Length) : utf8;

    /// <summary>Reads at most <paramref name="maxDocumentBytes"/> (plus a byte-order mark) and one byte more, so an endless stream stops.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(Stream utf8Json, int maxDocumentBytes, CancellationToken cancellationToken)
    {
        var limit = (long)maxDocumentBytes + Utf8Bom.Length + 1;
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < limit
               && (read = await utf8Json.ReadAsync(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The document as text, or the byte offset of the first byte sequence that is not UTF-8.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> document, out string text, out int badByteOffset)
    {
        try
        {
            text = StrictUtf8.GetString(document.ToArray());
            badByteOffset = -1;
            return true;
        }
        catch (DecoderFallbackException ex)
        {
            text = "";
            badByteOffset = Math.Max(ex.Index, 0);
            return false;
        }
    }

    /// <summary>Malformed JSON, a nesting deeper than allowed, or a property given twice: located, never thrown.</summary>
    public static ValidationIssue? ReadProblem(ReadOnlyMemory<byte> document, JsonLocations locations, int maxDepth)
    {
        var reader = new Utf8JsonReader(document.Span, new JsonReaderOptions { MaxDepth = maxDepth + 2 });
        var names = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth + 1 > maxDepth:
                        return Issues.At(IssueCodes.Limit, locations.At(reader.TokenStartIndex),
                            $"The document nests deeper than {maxDepth} levels; it was not read further.");
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName when !names.Peek().Add(reader.GetString()!):
                        return Issues.At(IssueCodes.Schema, locations.At(reader.TokenStartIndex),
                            $"The property {Redaction.PropertyName(reader.GetString()!)} is given twice; a submission must be unambiguous.");
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            var position = locations.OfReaderError(ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
            return Issues.At(IssueCodes.Parse, position, "Not valid JSON: " + Redaction.ReaderMessage(ex.Message));
        }
        catch (InvalidOperationException)
        {
            // A property name that is not valid UTF-8 or holds a lone escaped surrogate cannot be read as a string.
            return Issues.At(IssueCodes.Parse, locations.At(reader.TokenStartIndex), "Not valid JSON: a property name is not valid text.");
        }
    }
}
