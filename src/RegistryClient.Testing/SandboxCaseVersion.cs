namespace RegistryClient.Testing;

/// <summary>One stored version of a case, as the sandbox keeps it (for tests that show a case's history).</summary>
public sealed class SandboxCaseVersion
{
    /// <summary>The version number, from 1.</summary>
    public required int Version { get; init; }

    /// <summary>The version's content hash (<c>sha256:</c> and 64 hex digits).</summary>
    public required string ContentHash { get; init; }

    /// <summary>The version's <c>submitter.recordUpdatedAt</c>, with the offset it was sent with; null when it carried none.</summary>
    public DateTimeOffset? RecordUpdatedAt { get; init; }

    /// <summary>When the sandbox stored it (the API's <c>receivedAt</c> of the version).</summary>
    public required DateTimeOffset StoredAt { get; init; }

    /// <summary>The document as received; null once the case is withdrawn (the document is erased).</summary>
    public string? Document { get; init; }
}
