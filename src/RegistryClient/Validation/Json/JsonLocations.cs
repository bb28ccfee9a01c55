using System.Buffers;

namespace RegistryClient.Validation.Json;

/// <summary>
/// Maps byte offsets and JSON Pointers of a UTF-8 document to 1-based lines and columns (columns counted in characters),
/// so that every issue can say <c>path:line:column</c>. Built only for documents that have issues.
/// </summary>
internal sealed class JsonLocations
{
    private readonly ReadOnlyMemory<byte> _utf8;
    private readonly int[] _lineStarts;
    private readonly Dictionary<string, int> _valueOffsets;

    private JsonLocations(ReadOnlyMemory<byte> utf8, int[] lineStarts, Dictionary<string, int> valueOffsets)
    {
        _utf8 = utf8;
        _lineStarts = lineStarts;
        _valueOffsets = valueOffsets;
    }

    /// <summary>Indexes a document that is known to be well-formed JSON within <paramref name="maxDepth"/>.</summary>
    public static JsonLocations Build(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            IndexValues(utf8.Span, maxDepth, offsets);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // A malformed document (bad JSON, or bad UTF-8 inside a string) still gets line and column for its PARSE
            // issue; pointers resolve to the root.
        }

        return new JsonLocations(utf8, LineStarts(utf8.Span), offsets);
    }

    /// <summary>Line and column of a byte offset.</summary>
    public (int Line, int Column) At(long byteOffset)
    {
        var offset = (int)Math.Min(Math.Max(byteOffset, 0), _utf8.Length);
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        var start = _lineStarts[line];
        return (line + 1, CountCharacters(_utf8.Span.Slice(start, offset - start)) + 1);
    }

    /// <summary>Line and column of the value at <paramref name="pointer"/>, or of its nearest existing ancestor.</summary>
    public (int Line, int Column) Of(string pointer)
    {
        for (var p = pointer; p is not null; p = JsonPointer.Parent(p))
        {
            if (_valueOffsets.TryGetValue(p, out var offset))
            {
                return At(offset);
            }
        }

        return At(0);
    }

    /// <summary>Line and column of a reader error: 0-based line and byte position in that line, as <see cref="JsonException"/> reports them.</summary>
    public (int Line, int Column) OfReaderError(long zeroBasedLine, long bytePositionInLine)
    {
        var line = (int)Math.Min(Math.Max(zeroBasedLine, 0), _lineStarts.Length - 1);
        var start = _lineStarts[line];
        var length = (int)Math.Min(Math.Max(bytePositionInLine, 0), _utf8.Length - start);
        return (line + 1, CountCharacters(_utf8.Span.Slice(start, length)) + 1);
    }

    private static void IndexValues(ReadOnlySpan<byte> utf8, int maxDepth, Dictionary<string, int> offsets)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        var containers = new Stack<(string Pointer, int NextIndex, bool IsArray)>();
        string? pendingName = null;

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pendingName = reader.GetString();
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    containers.Pop();
                    continue;
            }

            // A value: work out its pointer from its container.
            string pointer;
            if (containers.Count == 0)
            {
                pointer = string.Empty;
            }
            else if (containers.Peek().IsArray)
            {
                var (parent, index, _) = containers.Pop();
                containers.Push((parent, index + 1, true));
                pointer = JsonPointer.Append(parent, index);
            }
            else
            {
                pointer = JsonPointer.Append(containers.Peek().Pointer, pendingName ?? string.Empty);
            }

            if (!offsets.ContainsKey(pointer))
            {
                offsets[pointer] = (int)reader.TokenStartIndex;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                containers.Push((pointer, 0, reader.TokenType == JsonTokenType.StartArray));
            }
        }
    }

    private static int[] LineStarts(ReadOnlySpan<byte> utf8)
    {
        var starts = new List<int> { 0 };
        for (var i = utf8.IndexOf((byte)'\n'); i >= 0;)
        {
            starts.Add(i + 1);
            var next = utf8.Slice(i + 1).IndexOf((byte)'\n');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return starts.ToArray();
    }

    // Characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start a character.
    private static int CountCharacters(ReadOnlySpan<byte> utf8)
    {
        var count = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) != 0x80)
            {
                count++;
            }
        }

        return count;
    }
}
