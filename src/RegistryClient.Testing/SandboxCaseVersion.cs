namespace RegistryClient.Testing;

/// <summary>One stored version of a case, as the sandbox keeps it (for tests that show a case's history).</summary>
/// <param name="Version">The version number, from 1.</param>
/// <param name="ContentHash">The version's content hash (<c>sha256:</c> and 64 hex digits).</param>
/// <param name="StoredAt">When the sandbox stored it.</param>
/// <param name="Document">The document as received; null once the case is withdrawn (the document is erased).</param>
public sealed record SandboxCaseVersion(int Version, string ContentHash, DateTimeOffset StoredAt, string? Document);
