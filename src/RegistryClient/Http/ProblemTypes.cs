namespace RegistryClient.Http;

/// <summary>The registry's problem <c>type</c>s (DESIGN.md): clients match the last path segment, never the title.</summary>
internal static class ProblemTypes
{
    public const string CaseExists = "case-exists";
    public const string VersionMismatch = "version-mismatch";
    public const string CaseWithdrawn = "case-withdrawn";
    public const string WrongOrganisation = "wrong-organisation";
    public const string RequestInProgress = "request-in-progress";
    public const string KeyReused = "key-reused";
    public const string CaseMismatch = "case-mismatch";
    public const string StaleContent = "stale-content";
    public const string ConflictingEdit = "conflicting-edit";

    /// <summary>The last segment of a problem type URI (after the last <c>/</c>, <c>#</c> or <c>:</c>), or null.</summary>
    public static string? Kind(string? type)
    {
        if (string.IsNullOrEmpty(type))
        {
            return null;
        }

        var trimmed = type!.TrimEnd('/');
        var cut = trimmed.LastIndexOfAny(['/', '#', ':']);
        return cut < 0 ? trimmed : trimmed.Substring(cut + 1);
    }
}
