using System.Text.Json.Nodes;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

internal enum SlotKind : byte
{
    None,
    String,
    Integer,
    Number,
    Boolean,
    Strings,
    Node,
    Date,
}

/// <summary>One field's converted value for one episode (or group, or follow-up row), ready to write as JSON. Small
/// (a kind, a number and one reference) because every episode holds one per field.</summary>
internal readonly struct Slot
{
    private readonly object? _ref;

    private Slot(SlotKind kind, object? reference = null, double number = 0)
    {
        Kind = kind;
        _ref = reference;
        Number = number;
    }

    public SlotKind Kind { get; }

    public string? Text => _ref as string ?? (_ref as ProfileText)?.Text;

    public double Number { get; }

    public List<string>? Strings => _ref as List<string>;

    public JsonNode? Node => _ref as JsonNode;

    public bool HasValue => Kind != SlotKind.None;

    public static Slot Of(string text) => new(SlotKind.String, text);

    public static Slot Of(long value) => new(SlotKind.Integer, number: value);

    public static Slot Of(double value) => new(SlotKind.Number, number: value);

    public static Slot Of(bool value) => new(SlotKind.Boolean, number: value ? 1 : 0);

    public static Slot Of(List<string> strings) => new(SlotKind.Strings, strings);

    /// <summary>A date (its day number is kept, so no text is made until the document is written).</summary>
    public static Slot Of(DateTime date) => new(SlotKind.Date, number: date.Ticks / TimeSpan.TicksPerDay);

    public DateTime Date => new((long)Number * TimeSpan.TicksPerDay);

    /// <summary>A profile value (constant, default or value-map target), already checked against the field's type.
    /// Its text is encoded as JSON once, here, not once per episode.</summary>
    public static Slot Of(JsonNode? node, FieldType type)
    {
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String when type.IsDateTime && RecordTimestamp.TryParse(value.GetValue<string>(), out var stamped):
                    return new(SlotKind.String, new ProfileText(RecordTimestamp.Format(stamped))); // the canonical form the model writes
                case JsonValueKind.String:
                    return new(SlotKind.String, new ProfileText(value.GetValue<string>()));
                case JsonValueKind.True:
                    return Of(true);
                case JsonValueKind.False:
                    return Of(false);
                case JsonValueKind.Number when type.Kind == "integer":
                    return Of((long)value.GetValue<double>());
                case JsonValueKind.Number:
                    return Of(value.GetValue<double>());
            }
        }

        if (node is JsonArray array && type.Items is { Kind: "string" } && array.All(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            return Of(array.Select(i => i!.GetValue<string>()).ToList());
        }

        return new Slot(SlotKind.Node, node?.DeepClone());
    }

    public bool Boolean => Number != 0;

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case SlotKind.String when _ref is ProfileText encoded:
                writer.WriteRawValue(encoded.Json, skipInputValidation: true);
                break;
            case SlotKind.String:
                writer.WriteStringValue((string)_ref!);
                break;
            case SlotKind.Integer:
                writer.WriteNumberValue((long)Number);
                break;
            case SlotKind.Number:
                writer.WriteNumberValue(Number);
                break;
            case SlotKind.Boolean:
                writer.WriteBooleanValue(Boolean);
                break;
            case SlotKind.Date:
                Span<byte> iso = stackalloc byte[10];
                WriteIso(Date, iso);
                writer.WriteStringValue(iso);
                break;
            case SlotKind.Strings:
                writer.WriteStartArray();
                foreach (var text in Strings!)
                {
                    writer.WriteStringValue(text);
                }

                writer.WriteEndArray();
                break;
            default:
                if (Node is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    Node.WriteTo(writer);
                }

                break;
        }
    }

    /// <summary>Writes the value into a mapped document (the same bytes as <see cref="WriteTo(Utf8JsonWriter)"/>).</summary>
    public void WriteTo(DocumentJson json)
    {
        switch (Kind)
        {
            case SlotKind.String when _ref is ProfileText encoded:
                json.Raw(encoded.Json);
                break;
            case SlotKind.String:
                json.String((string)_ref!);
                break;
            case SlotKind.Integer:
                json.Integer((long)Number);
                break;
            case SlotKind.Number:
                json.Number(Number);
                break;
            case SlotKind.Boolean:
                json.Boolean(Boolean);
                break;
            case SlotKind.Date:
                json.Date(Date);
                break;
            case SlotKind.Strings:
                json.StartArray();
                foreach (var text in Strings!)
                {
                    json.String(text);
                }

                json.EndArray();
                break;
            default:
                if (Node is null)
                {
                    json.Null();
                }
                else
                {
                    json.Node(Node);
                }

                break;
        }
    }

    /// <summary>The date as <c>yyyy-MM-dd</c> in ASCII digits.</summary>
    public static void WriteIso(DateTime date, Span<byte> ten)
    {
        var (y, m, d) = (date.Year, date.Month, date.Day);
        ten[0] = (byte)('0' + (y / 1000));
        ten[1] = (byte)('0' + (y / 100 % 10));
        ten[2] = (byte)('0' + (y / 10 % 10));
        ten[3] = (byte)('0' + (y % 10));
        ten[4] = (byte)'-';
        ten[5] = (byte)('0' + (m / 10));
        ten[6] = (byte)('0' + (m % 10));
        ten[7] = (byte)'-';
        ten[8] = (byte)('0' + (d / 10));
        ten[9] = (byte)('0' + (d % 10));
    }

    /// <summary>A string from the profile with its JSON form (quoted and escaped) made once.</summary>
    private sealed class ProfileText(string text)
    {
        public string Text { get; } = text;

        public byte[] Json { get; } = Quote(JsonEncodedText.Encode(text).EncodedUtf8Bytes);

        private static byte[] Quote(ReadOnlySpan<byte> escaped)
        {
            var json = new byte[escaped.Length + 2];
            json[0] = json[^1] = (byte)'"';
            escaped.CopyTo(json.AsSpan(1));
            return json;
        }
    }
}
