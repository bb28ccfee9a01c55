#if NET8_0_OR_GREATER
using System.Buffers;
#endif

namespace RegistryClient.Model;

/// <summary>
/// The control characters a submission's text may not hold: every C0 control but tab, line feed and carriage return,
/// DEL, and the C1 controls (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+007F-U+009F). A NUL in a device name is
/// a mis-exported byte, not data, and truncates the text in many a downstream system. The schema's text pattern
/// (<see cref="SchemaPattern"/>) says the same.
/// </summary>
internal static class ControlCharacters
{
    /// <summary>The pattern of the schema's free-text fields, as the schema file spells it.</summary>
    public const string SchemaPattern = @"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

#if NET8_0_OR_GREATER
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F");
#endif

    /// <summary>Whether <paramref name="text"/> holds a forbidden control character.</summary>
    public static bool In(ReadOnlySpan<char> text)
    {
#if NET8_0_OR_GREATER
        return text.IndexOfAny(Forbidden) >= 0;
#else
        foreach (var c in text)
        {
            if (IsForbidden(c))
            {
                return true;
            }
        }

        return false;
#endif
    }

    /// <summary>Whether <paramref name="text"/> holds a forbidden control character; null holds none.</summary>
    public static bool In(string? text) => text is not null && In(text.AsSpan());

    /// <summary>Whether <paramref name="c"/> is one of them.</summary>
    public static bool IsForbidden(char c) => c < '\u0020' ? c is not ('\t' or '\n' or '\r') : c is >= '\u007F' and <= '\u009F';
}
