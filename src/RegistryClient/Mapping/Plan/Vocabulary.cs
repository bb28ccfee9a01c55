using System.Globalization;

namespace RegistryClient.Mapping;

/// <summary>The words of boolean cells: the profile's, or the usual spellings (Yes/No, Y/N, 1/0, True/False), any case.</summary>
internal sealed class Vocabulary
{
    private static readonly string[] DefaultTrue = ["yes", "y", "true", "1"];
    private static readonly string[] DefaultFalse = ["no", "n", "false", "0"];

    private readonly Dictionary<string, bool> _words = new(StringComparer.OrdinalIgnoreCase);

    public Vocabulary(BooleanWords? words)
    {
        foreach (var word in words?.True ?? DefaultTrue)
        {
            _words[word.Trim()] = true;
        }

        foreach (var word in words?.False ?? DefaultFalse)
        {
            _words[word.Trim()] = false;
        }

        Description = string.Join(", ", (words?.True ?? DefaultTrue).Concat(words?.False ?? DefaultFalse));
    }

    /// <summary>The accepted words, for error messages.</summary>
    public string Description { get; }

    public bool TryBoolean(string cell, out bool value) => _words.TryGetValue(cell, out value);
}

/// <summary>Date formats: one or several per field, parsed with the invariant culture, so month names are English
/// (<c>03-Mar-1975</c>) whatever the machine's culture.</summary>
internal static class DateFormats
{
    public const string Iso = "yyyy-MM-dd";

    public static IReadOnlyList<string> Of(string? format, IReadOnlyList<string>? formats) => formats ?? [format ?? Iso];

    public static bool TryParse(string text, IReadOnlyList<string> formats, out DateTime date)
    {
        for (var i = 0; i < formats.Count; i++) // not foreach: an interface's enumerator is an allocation per cell
        {
            if (TryParse(text, formats[i], out date))
            {
                return true;
            }
        }

        date = default;
        return false;
    }

    /// <summary>
    /// Parses a date in <paramref name="format"/>. The forms exports use most (<c>dd/MM/yyyy</c>, <c>dd-MM-yyyy</c>,
    /// <c>dd.MM.yyyy</c>, <c>yyyy-MM-dd</c>, <c>dd-MMM-yyyy</c>) are read directly, several times faster than the culture-aware parser,
    /// which handles every other format (month names case-insensitively).
    /// </summary>
    public static bool TryParse(string text, string format, out DateTime date)
    {
        date = default;
        if (format.Length == 10 && text.Length == 10)
        {
            int? day = null, month = null, year = null;
            if (format is "dd/MM/yyyy" or "dd-MM-yyyy" or "dd.MM.yyyy" && text[2] == format[2] && text[5] == format[5])
            {
                (day, month, year) = (Digits(text, 0, 2), Digits(text, 3, 2), Digits(text, 6, 4));
            }
            else if (format == Iso && text[4] == '-' && text[7] == '-')
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

        if (format == "dd-MMM-yyyy" && text.Length == 11 && text[2] == '-' && text[6] == '-')
        {
            var month = Month(text, 3);
            if (Digits(text, 0, 2) is not { } d || Digits(text, 7, 4) is not { } y)
            {
                return false;
            }

            if (month == 0)
            {
                return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
            }

            if (y < 1 || d < 1 || d > DateTime.DaysInMonth(y, month))
            {
                return false;
            }

            date = new DateTime(y, month, d);
            return true;
        }

        return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>The English month abbreviation at <paramref name="start"/> (any case), 1-12, or 0.</summary>
    private static int Month(string text, int start)
    {
        for (var m = 0; m < Months.Length; m++)
        {
            var name = Months[m];
            if (char.ToUpperInvariant(text[start]) == name[0] && char.ToUpperInvariant(text[start + 1]) == name[1] && char.ToUpperInvariant(text[start + 2]) == name[2])
            {
                return m + 1;
            }
        }

        return 0;
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
}
