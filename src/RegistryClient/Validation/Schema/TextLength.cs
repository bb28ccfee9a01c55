namespace RegistryClient.Validation.Schema;

/// <summary>
/// String length as JSON Schema counts it: in characters (Unicode code points), not UTF-16 units, so an emoji counts
/// once. A lone surrogate counts as one.
/// </summary>
internal static class TextLength
{
    public static int CodePoints(string value)
    {
        var count = value.Length;
        for (var i = 0; i + 1 < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    public static bool IsWithin(string value, int min, int max)
    {
        // Code points never outnumber UTF-16 units and are at least half of them: most strings are decided without counting.
        if (value.Length < min || (value.Length + 1) / 2 > max)
        {
            return false;
        }

        if (value.Length <= max && (value.Length + 1) / 2 >= min)
        {
            return true;
        }

        var length = CodePoints(value);
        return length >= min && length <= max;
    }
}
