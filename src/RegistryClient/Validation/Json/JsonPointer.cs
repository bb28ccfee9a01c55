namespace RegistryClient.Validation.Json;

/// <summary>RFC 6901 JSON Pointer building.</summary>
internal static class JsonPointer
{
    public static string Append(string parent, string name) =>
        parent + "/" + (name.IndexOf('~') >= 0 || name.IndexOf('/') >= 0 ? name.Replace("~", "~0").Replace("/", "~1") : name);

    public static string Append(string parent, int index) => parent + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The pointer of the parent, or null for the root.</summary>
    public static string? Parent(string pointer)
    {
        if (pointer.Length == 0)
        {
            return null;
        }

        return pointer.Substring(0, pointer.LastIndexOf('/'));
    }
}
