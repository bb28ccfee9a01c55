using System.Text.Json.Nodes;

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
}

/// <summary>One field's converted value for one episode (or group, or follow-up row), ready to write as JSON.</summary>
internal readonly struct Slot
{
    private Slot(SlotKind kind, string? text = null, double number = 0, List<string>? strings = null, JsonNode? node = null)
    {
        Kind = kind;
        Text = text;
        Number = number;
        Strings = strings;
        Node = node;
    }

    public SlotKind Kind { get; }

    public string? Text { get; }

    public double Number { get; }

    public List<string>? Strings { get; }

    public JsonNode? Node { get; }

    public bool HasValue => Kind != SlotKind.None;

    public static Slot Of(string text) => new(SlotKind.String, text);

    public static Slot Of(long value) => new(SlotKind.Integer, number: value);

    public static Slot Of(double value) => new(SlotKind.Number, number: value);

    public static Slot Of(bool value) => new(SlotKind.Boolean, number: value ? 1 : 0);

    public static Slot Of(List<string> strings) => new(SlotKind.Strings, strings: strings);

    /// <summary>A profile value (constant, default or value-map target), already checked against the field's type.</summary>
    public static Slot Of(JsonNode? node, FieldType type)
    {
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String:
                    return Of(value.GetValue<string>());
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

        return new Slot(SlotKind.Node, node: node?.DeepClone());
    }

    public bool Boolean => Number != 0;

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case SlotKind.String:
                writer.WriteStringValue(Text);
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
}
