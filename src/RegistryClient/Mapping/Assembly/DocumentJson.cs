using System.Buffers.Text;

namespace RegistryClient.Mapping;

/// <summary>
/// Writes a mapped document's JSON straight into the writer's buffer: property names as bytes encoded once per plan,
/// plain ASCII text (almost every cell) copied as it is, and the rest (text that needs escaping, fractional numbers,
/// profile constants of another shape) through a <see cref="Utf8JsonWriter"/>, so the bytes are the ones that writer
/// would give. It writes what the document writer asks, in order, keeping only the separators' state: no validation.
/// </summary>
internal sealed class DocumentJson
{
    private readonly ByteBuffer _buffer;
    private readonly ByteBuffer _scratch = new();
    private readonly Utf8JsonWriter _values;
    private bool _comma;

    public DocumentJson(ByteBuffer buffer)
    {
        _buffer = buffer;
        _values = new Utf8JsonWriter(_scratch, new JsonWriterOptions { SkipValidation = true });
    }

    public void Reset()
    {
        _buffer.Reset();
        _comma = false;
    }

    public void StartObject() => Open((byte)'{');

    public void EndObject() => Close((byte)'}');

    public void StartArray() => Open((byte)'[');

    public void EndArray() => Close((byte)']');

    /// <summary>A property's name: <paramref name="quotedName"/> is <c>"name":</c>, encoded.</summary>
    public void Name(ReadOnlySpan<byte> quotedName)
    {
        var span = _buffer.GetSpan(quotedName.Length + 1);
        var at = 0;
        if (_comma)
        {
            span[at++] = (byte)',';
        }

        quotedName.CopyTo(span.Slice(at));
        _buffer.Advance(at + quotedName.Length);
        _comma = false;
    }

    /// <summary>A value already encoded as JSON (a profile's constant text, quoted and escaped).</summary>
    public void Raw(ReadOnlySpan<byte> json)
    {
        var span = _buffer.GetSpan(json.Length + 1);
        var at = Separate(span);
        json.CopyTo(span.Slice(at));
        _buffer.Advance(at + json.Length);
        _comma = true;
    }

    public void String(string text)
    {
        // Text that is printable ASCII, without the characters the default encoder escapes, is its own JSON.
        var span = _buffer.GetSpan(text.Length + 3);
        var at = Separate(span);
        span[at++] = (byte)'"';
#if NET8_0_OR_GREATER
        if (text.AsSpan().IndexOfAnyExcept(Plain) >= 0)
        {
            Scratch().WriteStringValue(text);
            FromScratch();
            return;
        }

        System.Text.Ascii.FromUtf16(text, span.Slice(at), out var copied); // vectorised: every char is plain ASCII here
        at += copied;
#else
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is < ' ' or > '~' or '"' or '\\' or '&' or '\'' or '<' or '>' or '+' or '`')
            {
                Scratch().WriteStringValue(text);
                FromScratch();
                return;
            }

            span[at++] = (byte)c;
        }
#endif
        span[at++] = (byte)'"';
        _buffer.Advance(at);
        _comma = true;
    }

#if NET8_0_OR_GREATER
    /// <summary>The characters the default encoder writes as they are: printable ASCII but for <c>" \ &amp; ' &lt; &gt; + `</c>.</summary>
    private static readonly System.Buffers.SearchValues<char> Plain = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => "\"\\&'<>+`".IndexOf(c) < 0)));
#endif

    /// <summary>A date as <c>"yyyy-MM-dd"</c>.</summary>
    public void Date(DateTime date)
    {
        var span = _buffer.GetSpan(13);
        var at = Separate(span);
        span[at] = (byte)'"';
        Slot.WriteIso(date, span.Slice(at + 1, 10));
        span[at + 11] = (byte)'"';
        _buffer.Advance(at + 12);
        _comma = true;
    }

    public void Integer(long value)
    {
        var span = _buffer.GetSpan(21);
        var at = Separate(span);
        Utf8Formatter.TryFormat(value, span.Slice(at), out var written); // as Utf8JsonWriter formats a long
        _buffer.Advance(at + written);
        _comma = true;
    }

    public void Boolean(bool value) => Raw(value ? "true"u8 : "false"u8);

    public void Null() => Raw("null"u8);

    /// <summary>A fractional number, as <see cref="Utf8JsonWriter"/> formats it.</summary>
    public void Number(double value)
    {
        Scratch().WriteNumberValue(value);
        FromScratch();
    }

    /// <summary>A profile constant of another shape (an object, a list of numbers), as the node writes itself.</summary>
    public void Node(System.Text.Json.Nodes.JsonNode node)
    {
        node.WriteTo(Scratch());
        FromScratch();
    }

    /// <summary>The <see cref="Utf8JsonWriter"/> for one value, whose bytes <see cref="FromScratch"/> then copies in.</summary>
    private Utf8JsonWriter Scratch()
    {
        _scratch.Reset();
        _values.Reset(_scratch);
        return _values;
    }

    private void FromScratch()
    {
        _values.Flush();
        Raw(_scratch.Written);
    }

    private void Open(byte bracket)
    {
        var span = _buffer.GetSpan(2);
        var at = Separate(span);
        span[at] = bracket;
        _buffer.Advance(at + 1);
        _comma = false;
    }

    private void Close(byte bracket)
    {
        _buffer.GetSpan(1)[0] = bracket;
        _buffer.Advance(1);
        _comma = true;
    }

    private int Separate(Span<byte> span)
    {
        if (!_comma)
        {
            return 0;
        }

        span[0] = (byte)',';
        return 1;
    }
}
