using System.Globalization;

namespace RegistryClient.Model;

/// <summary>
/// <c>submitter.recordUpdatedAt</c> on the wire: an RFC 3339 date-time that always carries its UTC offset
/// (<c>2026-11-25T14:30:00Z</c>, <c>2026-11-25T14:30:00.125+01:00</c>). A time without an offset is refused: a local
/// clock reading means a different instant on every host, and this value decides which of two writers is newer.
/// Written in one canonical form (fraction only when non-zero, <c>Z</c> for UTC), so the typed model and the mapper's
/// writer produce the same bytes.
/// </summary>
internal sealed class RecordTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && RecordTimestamp.TryParse(reader.GetString(), out var value))
        {
            return value;
        }

        throw new JsonException("Expected a date and time with its UTC offset (RFC 3339), e.g. 2026-11-25T14:30:00Z.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(RecordTimestamp.Format(value));
}

/// <summary>Parses and formats the RFC 3339 timestamps of <see cref="Submitter.RecordUpdatedAt"/>.</summary>
internal static class RecordTimestamp
{
    /// <summary>The canonical form: seconds always, a fraction only when non-zero (trailing zeros cut), <c>Z</c> for offset zero.</summary>
    public static string Format(DateTimeOffset value)
    {
        var text = value.ToString(value.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        return value.Offset == TimeSpan.Zero ? text + "Z" : text + value.ToString("zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <c>YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)</c> and nothing else (the schema's pattern); a fraction beyond
    /// seven digits is cut to the 100 ns the type holds.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length is < 20 or > 35 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        var offsetStart = text[text.Length - 1] == 'Z' ? text.Length - 1 : text.Length - 6;
        if (offsetStart < 19)
        {
            return false;
        }

        TimeSpan offset;
        if (offsetStart == text.Length - 1)
        {
            offset = TimeSpan.Zero;
        }
        else if ((text[offsetStart] is '+' or '-') && text[offsetStart + 3] == ':'
                 && Digits(text, offsetStart + 1, 2, out var oh) && Digits(text, offsetStart + 4, 2, out var om) && oh <= 14 && om <= 59)
        {
            offset = new TimeSpan(oh, om, 0);
            if (text[offsetStart] == '-')
            {
                offset = offset.Negate();
            }
        }
        else
        {
            return false;
        }

        long fractionTicks = 0;
        if (offsetStart > 19)
        {
            var digits = offsetStart - 20;
            if (text[19] != '.' || digits is < 1 or > 9 || !Digits(text, 20, digits, out _))
            {
                return false;
            }

            for (var i = 0; i < 7; i++)
            {
                fractionTicks = (fractionTicks * 10) + (i < digits ? text[20 + i] - '0' : 0);
            }
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // 0001-01-01T00:00:00+01:00 is before the first instant the type holds
        }
    }

    private static bool Digits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (text[i] is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }
}
