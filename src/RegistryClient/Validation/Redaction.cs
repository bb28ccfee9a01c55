using System.Text.RegularExpressions;

namespace RegistryClient.Validation;

/// <summary>
/// Keeps values out of messages: a report goes to CI logs and governance leads, and any value (even a property name
/// typed in the wrong place) could be an NHS number, a pseudonym or a date of birth.
/// </summary>
internal static class Redaction
{
    private const string ReaderErrorPosition = @"\s*(Path: .*)?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?"; // only errors pay for a Regex

    /// <summary>
    /// A property name quoted when it has the shape of a field name (letters only, as every name of the schema),
    /// so a typo such as <c>'dateOfBrith'</c> is named; anything else (digits, spaces, punctuation) may be a value
    /// and is described, not repeated.
    /// </summary>
    public static string PropertyName(string name)
    {
        if (name.Length is > 0 and <= 40)
        {
            var letters = true;
            foreach (var c in name)
            {
                letters &= c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_' or '$';
            }

            if (letters)
            {
                return "'" + name + "'";
            }
        }

        return "with this name (not repeated here: it may hold a value)";
    }

    /// <summary>Whether <see cref="PropertyName"/> would repeat the name.</summary>
    public static bool IsSafeName(string name) => PropertyName(name)[0] == '\'';

    /// <summary>Reader messages carry the position (reported separately) and sometimes a fragment of the text: keep neither.</summary>
    public static string ReaderMessage(string message) =>
        Regex.Replace(Regex.Replace(message, ReaderErrorPosition, "", RegexOptions.CultureInvariant), @"'[^']{2,}'", "the value", RegexOptions.CultureInvariant)
            .Replace("Change the reader options.", "")
            .Trim();
}
