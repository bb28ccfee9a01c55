namespace RegistryClient.Testing;

/// <summary>Faults a sandbox has injected, by kind: a snapshot taken when <see cref="SandboxServer.Faults"/> was read.</summary>
public sealed class SandboxFaultCounts
{
    /// <summary>503 responses with Retry-After.</summary>
    public required long Unavailable { get; init; }

    /// <summary>429 responses with Retry-After.</summary>
    public required long TooManyRequests { get; init; }

    /// <summary>Connections dropped before the request was handled.</summary>
    public required long DroppedConnections { get; init; }

    /// <summary>Submissions stored whose response was then lost (the connection dropped).</summary>
    public required long LostResponses { get; init; }

    /// <summary>Every fault injected, of any kind.</summary>
    public long Total => Unavailable + TooManyRequests + DroppedConnections + LostResponses;
}
