using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

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

/// <summary>Makes one Refit call and turns whatever comes back (or is thrown) into a <see cref="RegistryAnswer{T}"/>.</summary>
internal static class RegistryTransport
{
    public static async Task<RegistryAnswer<T>> CallAsync<T>(
        Func<AttemptCounter, Task<IApiResponse<T>>> call, TimeProvider time, CancellationToken cancellationToken)
        where T : class
    {
        var attempts = new AttemptCounter();
        IApiResponse<T> response;
        try
        {
            response = await call(attempts).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientReason(ex, cancellationToken) is { } reason)
        {
            return new RegistryAnswer<T> { Transient = reason, Attempts = Math.Max(1, attempts.Count) };
        }

        using (response)
        {
            if (response.StatusCode is not { } statusCode)
            {
                // Refit reports a request that got no response as an error value wrapping the real cause.
                var cause = response.Error?.InnerException ?? response.Error;
                cancellationToken.ThrowIfCancellationRequested();
                return new RegistryAnswer<T>
                {
                    Transient = (cause is null ? null : TransientReason(cause, cancellationToken)) ?? "no response",
                    Attempts = Math.Max(1, attempts.Count),
                };
            }

            var ok = response.IsSuccessStatusCode;
            return new RegistryAnswer<T>
            {
                Status = (int)statusCode,
                Content = ok ? response.Content : null,
                Problem = ok ? null : Problem(response),
                Transient = ok && response.Content is null ? "unreadable response body" : null,
                RetryAfter = RegistryResilience.RetryAfter(response.Headers?.RetryAfter, time),
                Attempts = Math.Max(1, attempts.Count),
            };
        }
    }

    /// <summary>Why an exception means "try later", or null when it is the caller's own cancellation (or a bug).</summary>
    private static string? TransientReason(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        _ when cancellationToken.IsCancellationRequested => null,
        BrokenCircuitException => "the circuit is open after repeated failures",
        TimeoutRejectedException => "timed out",
        HttpRequestException => "network error: " + ex.GetType().Name,
        OperationCanceledException => "timed out",
        ApiException api => $"unreadable response (HTTP {(int)api.StatusCode})",
        _ => null,
    };

    private static ProblemDetails? Problem(IApiResponse response)
    {
        if ((response.Error as ApiException)?.Content is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, RegistryApiJsonContext.Default.ProblemDetails);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

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
