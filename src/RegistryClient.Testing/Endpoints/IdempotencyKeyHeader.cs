using Microsoft.Extensions.Primitives;

namespace RegistryClient.Testing.Endpoints;

/// <summary>
/// Reads <c>Idempotency-Key</c> (draft-ietf-httpapi-idempotency-key-header): an RFC 8941 sf-string, sent quoted, also
/// accepted bare. A present but bad key is named for what is wrong with it; the key itself is never repeated.
/// </summary>
internal static class IdempotencyKeyHeader
{
    public const int MaxLength = 255;

    /// <summary>The key, or null and the title of a 400 saying exactly what is wrong.</summary>
    public static (string? Key, string? Error) Parse(StringValues headers)
    {
        if (headers.Count == 0)
        {
            return (null, "The Idempotency-Key header is required");
        }

        if (headers.Count > 1)
        {
            return (null, "The Idempotency-Key header must be sent once");
        }

        var value = (headers[0] ?? "").Trim(' ', '\t');
        if (value.Length == 0)
        {
            return (null, "The Idempotency-Key header is empty");
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return (null, "The Idempotency-Key contains characters outside printable ASCII");
            }
        }

        string key;
        if (value[0] == '"')
        {
            if (Unquote(value) is not { } unquoted)
            {
                return (null, "The Idempotency-Key is not a valid RFC 8941 string (unbalanced quote or bad escape)");
            }

            key = unquoted;
        }
        else
        {
            // Bare: one token of visible characters; a quote or backslash means a string that was not quoted properly.
            if (value.IndexOfAny(['"', '\\', ' ', '\t']) >= 0)
            {
                return (null, "The Idempotency-Key is not a valid RFC 8941 string (send it quoted, with \\\" and \\\\ escaped)");
            }

            key = value;
        }

        if (key.Trim().Length == 0)
        {
            return (null, "The Idempotency-Key is empty or only whitespace");
        }

        return key.Length > MaxLength ? (null, $"The Idempotency-Key is longer than {MaxLength} characters") : (key, null);
    }

    /// <summary>RFC 8941 section 4.2.5: a DQUOTE, then unescaped %x20-21 / %x23-5B / %x5D-7E or \" and \\, then a DQUOTE that ends the value.</summary>
    private static string? Unquote(string value)
    {
        var key = new System.Text.StringBuilder(value.Length);
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"')
            {
                return i == value.Length - 1 ? key.ToString() : null;
            }

            if (c == '\\')
            {
                if (++i >= value.Length || value[i] is not ('"' or '\\'))
                {
                    return null;
                }

                c = value[i];
            }

            key.Append(c);
        }

        return null; // no closing quote
    }
}
