using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace RegistryClient.Http;

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
        HttpRequestException => "network error: " + NetworkCause(ex),
        OperationCanceledException => "timed out",
        ApiException api => $"unreadable response (HTTP {(int)api.StatusCode})",
        _ => null,
    };

    /// <summary>What went wrong on the wire, in words a user can act on (never a submitted value).</summary>
    private static string NetworkCause(Exception ex)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case System.Security.Authentication.AuthenticationException:
                    return "TLS handshake failed (is the endpoint https on a port that speaks plain http, or is its certificate untrusted?)";
                case System.Net.Sockets.SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        System.Net.Sockets.SocketError.ConnectionRefused => "connection refused (is the registry running at this endpoint?)",
                        System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData => "host not found",
                        System.Net.Sockets.SocketError.TimedOut => "connection timed out",
                        System.Net.Sockets.SocketError.ConnectionReset => "connection reset by the server",
                        var code => "socket error " + code,
                    };
                case IOException when inner.InnerException is null:
                    return "connection closed before the response (" + inner.GetType().Name + ")";
            }
        }

        return ex.GetType().Name;
    }

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
