using System.Globalization;

namespace RegistryClient.Model;

/// <summary>
/// Reads and writes a calendar date as ISO 8601 <c>YYYY-MM-DD</c> and nothing else: no time, no offset, no other layout.
/// </summary>
internal sealed class IsoDateConverter : JsonConverter<DateTime>
{
    internal const string Format = "yyyy-MM-dd";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String
            && (reader is { HasValueSequence: false, ValueIsEscaped: false } ? TryParseUtf8(reader.ValueSpan, out var date) : TryParse(reader.GetString(), out date)))
        {
            return date;
        }

        throw new JsonException("Expected a date in the form YYYY-MM-DD.");
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(Format, CultureInfo.InvariantCulture));

    /// <summary>
    /// Parses <c>yyyy-MM-dd</c> straight from UTF-8, with no string and no culture machinery: every submission carries
    /// a dozen dates, and the validator's fast path pays for each.
    /// </summary>
    internal static bool TryParseUtf8(ReadOnlySpan<byte> utf8, out DateTime date)
    {
        date = default;
        if (utf8.Length != 10 || utf8[4] != (byte)'-' || utf8[7] != (byte)'-')
        {
            return false;
        }

        if (!TryDigits(utf8.Slice(0, 4), out var year) || !TryDigits(utf8.Slice(5, 2), out var month) || !TryDigits(utf8.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    internal static bool TryParse(string? text, out DateTime date) =>
        DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
