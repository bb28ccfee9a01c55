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

/// <summary>Waits out the shared hold before each attempt, and sets it when the registry answers 429.</summary>
internal sealed class BackPressureHandler(RegistryBackPressure backPressure, Microsoft.Extensions.Options.IOptions<RegistryClientOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (backPressure.Remaining is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == (HttpStatusCode)429 && RegistryResilience.RetryAfter(response, TimeProvider.System) is { } retryAfter)
        {
            var cap = options.Value.MaxRetryAfter;
            backPressure.HoldFor(retryAfter < cap ? retryAfter : cap);
        }

        return response;
    }
}
