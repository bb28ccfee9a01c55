namespace RegistryClient.Testing;

/// <summary>Faults a sandbox has injected, by kind.</summary>
/// <param name="Unavailable">503 responses with Retry-After.</param>
/// <param name="TooManyRequests">429 responses with Retry-After.</param>
/// <param name="DroppedConnections">Connections dropped before the request was handled.</param>
/// <param name="LostResponses">Submissions stored whose response was then lost (the connection dropped).</param>
public sealed record SandboxFaultCounts(long Unavailable, long TooManyRequests, long DroppedConnections, long LostResponses);
