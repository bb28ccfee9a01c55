using System.Globalization;
using System.Text;

namespace RegistryClient.Cli;

/// <summary>
/// Makes any string representable in every output the tool writes (text lines, JSON, SARIF, JUnit XML, HTML, CSV): a
/// <c>localRecordId</c>, a file name or a server's message can hold a lone UTF-16 surrogate (which no UTF-8 writer can
/// encode) or a control character (which XML 1.0 cannot hold, and which would forge lines in text output). Lone
/// surrogates and non-characters become U+FFFD; control characters become a visible <c>\uXXXX</c>. Never throws.
/// </summary>
internal static class OutputText
{
    /// <summary>What every output prints for a <c>localRecordId</c> that fails its pattern, with the document's index.</summary>
    public const string InvalidLocalRecordId = "(invalid localRecordId)";

    /// <summary>
    /// The <c>localRecordId</c> to print: itself when it matches the schema's pattern, otherwise
    /// <see cref="InvalidLocalRecordId"/>, never its text: a mis-mapped field can hold an NHS number and a date of birth.
    /// </summary>
    public static string? LocalRecordId(string? id) =>
        id is null ? null : RegistryClient.Validation.Schema.SchemaConstraints.IsLocalRecordId(id) ? id : InvalidLocalRecordId;

    /// <summary>For JSON: only what a UTF-8 writer cannot encode is replaced; the writer escapes control characters.</summary>
    public static string ForJson(string value) => Clean(value, escapeControls: false);

    /// <summary>For one line of text, an XML 1.0 document, an HTML page or a CSV cell.</summary>
    public static string ForLine(string value) => Clean(value, escapeControls: true);

    private static string Clean(string value, bool escapeControls)
    {
        if (!NeedsCleaning(value, escapeControls))
        {
            return value;
        }

        var result = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                result.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                result.Append('\uFFFD');
            }
            else if (escapeControls && IsControl(c))
            {
                result.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private static bool NeedsCleaning(string value, bool escapeControls)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF' || (escapeControls && IsControl(c)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsControl(char c) => c < ' ' || c is >= '\u007F' and <= '\u009F' or '\u2028' or '\u2029';
}
