using System.Globalization;
using System.Text.Json.Nodes;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>A checked profile value, or why it does not fit its field.</summary>
internal readonly record struct Converted(JsonNode? Value, string? Error);

/// <summary>Turns cells and profile values into values of the field's schema type. Messages name the kind of problem
/// and the profile's own codes, never the cell's value.</summary>
internal static class Conversion
{
    /// <summary>Converts one cell (trimmed, not empty) for a field; <paramref name="error"/> completes "The cell ...".</summary>
    public static Slot FromCell(string cell, CellKind kind, Leaf leaf, Vocabulary vocabulary, out string? error)
    {
        if (leaf.Type.Kind != "array")
        {
            return Scalar(cell, kind, leaf, leaf.Type, vocabulary, out error);
        }

        // Split without making a string per part: most parts are codes found in the value map by their characters.
        var items = new List<string>();
        JsonArray? other = null;
        var rest = cell.AsSpan();
        var separator = leaf.Split.AsSpan();
        while (true)
        {
            var at = separator.Length == 0 ? -1 : rest.IndexOf(separator, StringComparison.Ordinal);
            var part = (at < 0 ? rest : rest.Slice(0, at)).Trim();
            if (part.Length > 0)
            {
                if (!TryMapped(leaf, part, out var item))
                {
                    item = Scalar(part.Length == cell.Length ? cell : part.ToString(), CellKind.Text, leaf, leaf.Type.Items!, vocabulary, out error);
                    if (error is not null)
                    {
                        return default;
                    }
                }

                if (item.Kind == SlotKind.String && other is null)
                {
                    items.Add(item.Text!);
                }
                else
                {
                    other ??= new JsonArray(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
                    other.Add(ToNode(item));
                }
            }

            if (at < 0)
            {
                break;
            }

            rest = rest.Slice(at + separator.Length);
        }

        error = null;
        return other is null ? Slot.Of(items) : Slot.Of(other, leaf.Type);
    }

    /// <summary>A list item's value from the field's value map, looked up by its characters (what <see cref="Scalar"/>
    /// gives a text cell with a value map, without the item's string); false when it is not there, or on a runtime without
    /// span lookups.</summary>
    private static bool TryMapped(Leaf leaf, ReadOnlySpan<char> item, out Slot mapped)
    {
#if NET9_0_OR_GREATER
        if (leaf.Values is { } map && map.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup))
        {
            return lookup.TryGetValue(item, out mapped);
        }
#endif
        mapped = default;
        return false;
    }

    private static Slot Scalar(string cell, CellKind kind, Leaf leaf, FieldType type, Vocabulary vocabulary, out string? error)
    {
        error = null;
        if (kind == CellKind.Boolean && type.Kind == "boolean")
        {
            return Slot.Of(cell == "TRUE");
        }

        if (leaf.Values is { } map)
        {
            if (map.TryGetValue(cell, out var mapped))
            {
                return mapped;
            }

            error = $"is not one of the profile's codes for this column ({leaf.ValuesDescription}).";
            return default;
        }

        if (leaf.Timestamps is { } timestamps && type.IsDateTime)
        {
            return timestamps.Read(cell, kind, out error);
        }

        if (type.IsDate)
        {
            if (kind == CellKind.Date)
            {
                return Slot.Of(cell.Length == 10 ? cell : cell.Substring(0, 10)); // a workbook's date and time: its date
            }

            if (kind == CellKind.Number)
            {
                error = "holds a number where a date is expected; format the column as dates in the workbook.";
                return default;
            }

            if (DateFormats.TryParse(cell, leaf.DateFormats, out var date))
            {
                return Slot.Of(date);
            }

            error = $"is not a date in the form {string.Join(" or ", leaf.DateFormats)}.";
            return default;
        }

        switch (type.Kind)
        {
            case "integer":
                if (long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                    || (decimal.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d % 1 == 0 && d is >= long.MinValue and <= long.MaxValue && (whole = (long)d) == d))
                {
                    if (whole is >= int.MinValue and <= int.MaxValue)
                    {
                        return Slot.Of(whole);
                    }

                    error = "is a whole number too large for the field.";
                    return default;
                }

                error = "is not a whole number.";
                return default;
            case "number":
                if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !double.IsInfinity(number) && !double.IsNaN(number))
                {
                    return Slot.Of(number);
                }

                error = "is not a number.";
                return default;
            case "boolean":
                if (vocabulary.TryBoolean(cell, out var flag))
                {
                    return Slot.Of(flag);
                }

                error = $"is not a yes/no value ({vocabulary.Description}).";
                return default;
        }

        var text = leaf.IsIdentifier ? NhsNumber.Normalise(cell) : cell;
        if (type.Codes is { } codes)
        {
            var comparison = leaf.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            for (var i = 0; i < codes.Count; i++)
            {
                if (string.Equals(codes[i], text, comparison))
                {
                    return Slot.Of(codes[i]);
                }
            }

            error = leaf.IsIdentifier ? "is not a valid value." : $"is not a registry code ({string.Join(", ", codes)}); add a value map.";
            return default;
        }

        return Slot.Of(text);
    }

    private static JsonNode? ToNode(Slot slot) => slot.Kind switch
    {
        SlotKind.String => JsonValue.Create(slot.Text),
        SlotKind.Integer => JsonValue.Create((long)slot.Number),
        SlotKind.Number => JsonValue.Create(slot.Number),
        SlotKind.Boolean => JsonValue.Create(slot.Boolean),
        SlotKind.Date => JsonValue.Create(slot.Date.ToString(DateFormats.Iso, CultureInfo.InvariantCulture)),
        _ => slot.Node?.DeepClone(),
    };

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
            "integer" => kind == JsonValueKind.Number && value.GetValue<double>() is var n && n % 1 == 0 && n is >= int.MinValue and <= int.MaxValue,
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "string" => kind == JsonValueKind.String && (type.Codes is null || type.Codes.Contains(value.GetValue<string>(), StringComparer.Ordinal))
                && (!type.IsDate || DateTime.TryParseExact(value.GetValue<string>(), DateFormats.Iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                && (!type.IsDateTime || RecordTimestamp.TryParse(value.GetValue<string>(), out _)),
            _ => kind == JsonValueKind.Object,
        };
        return ok ? new Converted(value, null)
            : new Converted(null, type.Codes is { } codes ? $"must be one of the registry codes {string.Join(", ", codes)}." : $"must be {Article(type)}.");
    }

    private static string Article(FieldType type) => type.IsDate ? "a date (yyyy-MM-dd)" : type.IsDateTime ? "a date and time with its UTC offset (e.g. 2026-11-25T14:30:00Z)" : type.Kind switch
    {
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "string" => "a string",
        _ => "an " + type.Kind,
    };
}
