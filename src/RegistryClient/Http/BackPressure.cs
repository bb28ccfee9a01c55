using System.Net;

namespace RegistryClient.Http;

/// <summary>
/// The registry's rate limit, shared by every request of one client: a 429 with <c>Retry-After</c> holds back all
/// requests (not only the one that got it) until the time given, capped by <see cref="RegistryClientOptions.MaxRetryAfter"/>.
/// A 503's <c>Retry-After</c> is honoured by the retry of that request alone.
/// </summary>
internal sealed class RegistryBackPressure(TimeProvider time)
{
    private long _resumeAt; // TimeProvider timestamp; 0 when not held

    /// <summary>The client's clock, which the hold is measured and waited on.</summary>
    public TimeProvider Time => time;

    public TimeSpan Remaining
    {
        get
        {
            var resumeAt = Interlocked.Read(ref _resumeAt);
            return resumeAt == 0 ? TimeSpan.Zero : -time.GetElapsedTime(resumeAt);
        }
    }

    public void HoldFor(TimeSpan wait)
    {
        var until = time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency);
        long current;
        do
        {
            current = Interlocked.Read(ref _resumeAt);
            if (current >= until)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _resumeAt, until, current) != current);
    }
}

/// <summary>
/// Waits out the shared hold before each attempt (on the client's clock), sets it when the registry answers 429, and
/// counts the attempt for the call's result and span.
/// </summary>
internal sealed class BackPressureHandler(RegistryBackPressure backPressure, TimeSpan maxRetryAfter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (backPressure.Remaining is { Ticks: > 0 } wait)
        {
#if NET8_0_OR_GREATER
            await Task.Delay(wait, backPressure.Time, cancellationToken).ConfigureAwait(false);
#else
            await backPressure.Time.Delay(wait, cancellationToken).ConfigureAwait(false);
#endif
        }

        AttemptCounter.CountAttempt(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == (HttpStatusCode)429 && RegistryResilience.RetryAfter(response, backPressure.Time) is { } retryAfter)
        {
            backPressure.HoldFor(retryAfter < maxRetryAfter ? retryAfter : maxRetryAfter);
        }

        return response;
    }
}
