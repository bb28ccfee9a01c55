using System.Net;

namespace RegistryClient.Http;

/// <summary>
/// A hold on sending, shared by everything that sends on behalf of one client or one drain: the registry's
/// <c>Retry-After</c> holds back every sender (not only the one that got it) until the time given, on an injected clock.
/// The client's pipeline holds one (a 429's <c>Retry-After</c>, capped by <see cref="RegistryClientOptions.MaxRetryAfter"/>;
/// a 503's is honoured by the retry of that request alone); <see cref="Outbox.BatchSubmitter"/> holds one per drain (the
/// Retry-After of an answer that stayed transient after the client's retries). The one implementation of back-pressure.
/// </summary>
internal sealed class RegistryBackPressure(TimeProvider time)
{
    private long _resumeAt; // TimeProvider timestamp; 0 when not held

    /// <summary>The client's clock, which the hold is measured and waited on.</summary>
    public TimeProvider Time => time;

    /// <summary>What is left of the hold; zero when not held.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var resumeAt = Interlocked.Read(ref _resumeAt);
            var left = resumeAt == 0 ? TimeSpan.Zero : -time.GetElapsedTime(resumeAt);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Waits out what is left of the hold (nothing when not held).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) =>
        Remaining is { Ticks: > 0 } wait ? TimeProviderDelay.Delay(time, wait, cancellationToken) : Task.CompletedTask;

    /// <summary>Holds every sender back for <paramref name="wait"/> from now, unless already held longer.</summary>
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
        await backPressure.WaitAsync(cancellationToken).ConfigureAwait(false);

        AttemptCounter.CountAttempt(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == (HttpStatusCode)429 && RegistryResilience.RetryAfter(response, backPressure.Time) is { } retryAfter)
        {
            backPressure.HoldFor(retryAfter < maxRetryAfter ? retryAfter : maxRetryAfter);
        }

        return response;
    }
}
