namespace RegistryClient.Http;

/// <summary>
/// What one logical call to the registry came to, after the resilience pipeline's retries: a status with its body or
/// problem document, or no response at all (<see cref="Transient"/> says why).
/// </summary>
internal sealed class RegistryAnswer<T>
    where T : class
{
    /// <summary>The HTTP status, or null when no response came back.</summary>
    public int? Status { get; init; }

    /// <summary>The body of a 2xx response.</summary>
    public T? Content { get; init; }

    /// <summary>The problem document of an error response, when it had one.</summary>
    public ProblemDetails? Problem { get; init; }

    /// <summary>Why there was no response (network error, timeout, open circuit).</summary>
    public string? Transient { get; init; }

    /// <summary>The wait a <c>Retry-After</c> asked for.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The HTTP attempts this call made.</summary>
    public int Attempts { get; init; }

    /// <summary>The last segment of the problem <c>type</c> (e.g. <c>case-exists</c>), or null.</summary>
    public string? ProblemKind => ProblemTypes.Kind(Problem?.Type);

    /// <summary>The registry's own words (problem title and detail), for results and exceptions; never a submitted value.</summary>
    public string? ServerMessage => Problem is null ? null
        : Problem.Detail is { Length: > 0 } detail && Problem.Title is { Length: > 0 } title ? $"{title}: {detail}"
        : Problem.Title ?? Problem.Detail;

    /// <summary>The exception for an answer the caller did not expect.</summary>
    public RegistryException Unexpected(string what) => Status is { } status
        ? new RegistryException($"{what}: the registry answered HTTP {status}{(ProblemKind is { } kind ? $" ({kind})" : "")}.", status, Problem?.Type, ServerMessage)
        : new RegistryException($"{what}: {Transient ?? "no response"}.", null, null, null);
}
