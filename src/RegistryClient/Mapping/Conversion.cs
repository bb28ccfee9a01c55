using System.Globalization;
using System.Text.Json.Nodes;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>A converted value, or why the cell could not be converted. Messages never repeat the cell.</summary>
internal readonly record struct Converted(JsonNode? Value, string? Error);

/// <summary>Turns cells (text) and profile values (JSON) into values of the field's schema type.</summary>
internal static class Conversion
{
    private static readonly string[] True = ["true", "yes", "y", "1"];
    private static readonly string[] False = ["false", "no", "n", "0"];

    /// <summary>Converts one cell (already trimmed, not empty) for a field.</summary>
    public static Converted FromCell(string cell, FieldMap map, FieldType type, bool isIdentifier)
    {
        if (type.Kind == "array")
        {
            var items = new JsonArray();
            foreach (var part in cell.Split(new[] { map.Split! }, StringSplitOptions.None).Select(p => p.Trim()).Where(p => p.Length > 0))
            {
                var item = FromCell(part, map, type.Items!, isIdentifier);
                if (item.Error is not null)
                {
                    return item;
                }

                items.Add(item.Value);
            }

            return new Converted(items, null);
        }

        if (map.Values is not null)
        {
            // Local codes are not patient data, so naming the unmapped one is safe and what the user needs.
            return map.Values.TryGetValue(cell, out var mapped)
                ? FromJson(mapped?.DeepClone(), type)
                : new Converted(null, $"has the local code '{Shorten(cell)}', which the profile's value map does not cover ({string.Join(", ", map.Values.Keys.Select(Shorten))}).");
        }

        if (type.IsDate)
        {
            var format = map.Format ?? "yyyy-MM-dd";
            return TryParseDate(cell, format, out var date)
                ? new Converted(JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), null)
                : new Converted(null, $"is not a date in the form {format}.");
        }

        switch (type.Kind)
        {
            case "integer":
                return long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                    ? new Converted(whole is >= int.MinValue and <= int.MaxValue ? JsonValue.Create((int)whole) : JsonValue.Create(whole), null)
                    : new Converted(null, "is not a whole number.");
            case "number":
                return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !double.IsInfinity(number)
                    ? new Converted(JsonValue.Create(number), null)
                    : new Converted(null, "is not a number.");
            case "boolean":
                return True.Contains(cell, StringComparer.OrdinalIgnoreCase) ? new Converted(JsonValue.Create(true), null)
                    : False.Contains(cell, StringComparer.OrdinalIgnoreCase) ? new Converted(JsonValue.Create(false), null)
                    : new Converted(null, "is not yes/no (true, false, yes, no, y, n, 1 or 0).");
        }

        var text = isIdentifier ? NhsNumber.Normalise(cell) : cell;
        if (type.Codes is { } codes && !codes.Contains(text, StringComparer.Ordinal))
        {
            return new Converted(null, isIdentifier ? "is not a valid value." : $"has '{Shorten(text)}', which is not a registry code ({string.Join(", ", codes)}); add a value map.");
        }

        return new Converted(JsonValue.Create(text), null);
    }

    /// <summary>Checks a value given in the profile (a constant, a default or a value-map target) against the field type.</summary>
    public static Converted FromJson(JsonNode? value, FieldType type)
    {
        if (value is null)
        {
            return new Converted(null, "must not be null.");
        }

        if (type.Kind == "array")
        {
            if (value is not JsonArray array)
            {
                return new Converted(null, "must be a list.");
            }

            foreach (var item in array)
            {
                if (FromJson(item, type.Items!) is { Error: { } error })
                {
                    return new Converted(null, error);
                }
            }

            return new Converted(value, null);
        }

        var kind = value.GetValueKind();
        var ok = type.Kind switch
        {
            "integer" => kind == JsonValueKind.Number && value.GetValue<double>() % 1 == 0,
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "string" => kind == JsonValueKind.String && (type.Codes is null || type.Codes.Contains(value.GetValue<string>(), StringComparer.Ordinal))
                && (!type.IsDate || DateTime.TryParseExact(value.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)),
            _ => kind is JsonValueKind.Object or JsonValueKind.Array,
        };
        return ok ? new Converted(value, null)
            : new Converted(null, type.Codes is { } codes ? $"must be one of the registry codes {string.Join(", ", codes)}." : $"must be {Article(type)}.");
    }

    /// <summary>
    /// Parses a date in <paramref name="format"/>. The numeric forms exports use most (<c>dd/MM/yyyy</c>, <c>dd-MM-yyyy</c>,
    /// <c>dd.MM.yyyy</c>, <c>yyyy-MM-dd</c>) are read directly, several times faster than the culture-aware parser,
    /// which handles every other format.
    /// </summary>
    internal static bool TryParseDate(string text, string format, out DateTime date)
    {
        date = default;
        if (format.Length == 10 && text.Length == 10)
        {
            int? day = null, month = null, year = null;
            if (format is "dd/MM/yyyy" or "dd-MM-yyyy" or "dd.MM.yyyy" && text[2] == format[2] && text[5] == format[5])
            {
                (day, month, year) = (Digits(text, 0, 2), Digits(text, 3, 2), Digits(text, 6, 4));
            }
            else if (format == "yyyy-MM-dd" && text[4] == '-' && text[7] == '-')
            {
                (year, month, day) = (Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2));
            }

            if (year is { } y && month is { } m && day is { } d)
            {
                if (y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
                {
                    return false;
                }

                date = new DateTime(y, m, d);
                return true;
            }
        }

        return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static int? Digits(string text, int start, int length)
    {
        var value = 0;
        for (var i = start; i < start + length; i++)
        {
            if (text[i] is < '0' or > '9')
            {
                return null;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return value;
    }

    private static string Article(FieldType type) => type.IsDate ? "a date (yyyy-MM-dd)" : type.Kind switch
    {
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "string" => "a string",
        _ => "an " + type.Kind,
    };

    private static string Shorten(string value) => value.Length <= 24 ? value : value.Substring(0, 24) + "...";
}
