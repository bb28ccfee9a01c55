namespace RegistryClient.Validation;

/// <summary>The issue codes that are not clinical rules.</summary>
public static class IssueCodes
{
    /// <summary>The text is not JSON (or not UTF-8); located by line and column.</summary>
    public const string Parse = "PARSE";

    /// <summary>The document breaks the submission JSON Schema.</summary>
    public const string Schema = "SCHEMA";

    /// <summary>The document is over the size or nesting limit and was not read.</summary>
    public const string Limit = "LIMIT";

    internal const string SchemaSource = "JSON Schema venous-registry-submission v1";
}
