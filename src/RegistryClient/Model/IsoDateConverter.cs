using System.Globalization;

namespace VenousRegistry.Model;

/// <summary>
/// Reads and writes a calendar date as ISO 8601 <c>YYYY-MM-DD</c> and nothing else: no time, no offset, no other layout.
/// </summary>
internal sealed class IsoDateConverter : JsonConverter<DateTime>
{
    internal const string Format = "yyyy-MM-dd";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && TryParse(reader.GetString(), out var date))
        {
            return date;
        }

        throw new JsonException("Expected a date in the form YYYY-MM-DD.");
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(Format, CultureInfo.InvariantCulture));

    internal static bool TryParse(string? text, out DateTime date) =>
        DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
