namespace RegistryClient.Mapping;

/// <summary>
/// Every column a profile names must be in the input's header, once: a misnamed column would otherwise read as empty
/// and drop data quietly (or, for the key, join a follow-up to the wrong episode). Also refuses a header row that is
/// really data (an export written without its header). Messages name columns, never cell values.
/// </summary>
internal static class HeaderCheck
{
    public static List<(string Column, string Message)> Check(IReadOnlyList<string> header, IEnumerable<string> profileColumns)
    {
        var problems = new List<(string, string)>();
        var names = header.Select(h => h.Trim()).ToList();
        var dataLike = names.Count(LooksLikeData);
        var missing = profileColumns.Distinct(StringComparer.Ordinal).Where(c => !names.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0 && (dataLike > 0 || missing.Count == profileColumns.Distinct(StringComparer.Ordinal).Count()))
        {
            var why = dataLike > 0 ? $"{dataLike} of its cells are numbers or dates" : "none of the profile's columns is in it";
            problems.Add(("", $"The first row is not a header ({why}): the export seems to lack its header row. Export it with column names, or correct the profile's column names."));
            return problems;
        }

        foreach (var column in missing)
        {
            var closest = Closest(column, names);
            problems.Add((column, $"The column '{column}' that the profile names is not in the header{(closest is null ? "" : $"; the closest is '{closest}'")}. Nothing was mapped."));
        }

        foreach (var column in profileColumns.Distinct(StringComparer.Ordinal))
        {
            var count = names.Count(n => string.Equals(n, column, StringComparison.Ordinal));
            if (count > 1)
            {
                problems.Add((column, $"The column '{column}' appears {count} times in the header, so which one the profile means is unclear. Nothing was mapped."));
            }
        }

        return problems;
    }

    /// <summary>The header name nearest to <paramref name="wanted"/> by edit distance (ignoring case), if near enough to be a likely typo.</summary>
    internal static string? Closest(string wanted, IEnumerable<string> names)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in names.Where(n => n.Length > 0 && !LooksLikeData(n)))
        {
            var distance = Distance(wanted.ToUpperInvariant(), name.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        return bestDistance <= Math.Max(2, wanted.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>A header cell made only of digits and date or number punctuation is data, not a column name.</summary>
    private static bool LooksLikeData(string cell) =>
        cell.Length > 0 && cell.Any(char.IsDigit) && cell.All(c => char.IsDigit(c) || c is '/' or '-' or '.' or ':' or ' ' or '+');
}
