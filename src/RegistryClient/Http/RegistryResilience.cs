using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace RegistryClient.Http;

/// <summary>
/// The resilience pipeline every registry call runs through, outermost first: start time, total timeout, retry,
/// circuit breaker, attempt timeout. Retries happen inside the HTTP handler pipeline, on the same buffered request.
/// </summary>
internal static class RegistryResilience
{
    private static readonly ResiliencePropertyKey<long> StartedAt = new("RegistryClient.StartedAt");

    /// <summary>The statuses worth another attempt: 408, 409 (same key still in progress), 429, 500, 502, 503, 504.</summary>
    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or (HttpStatusCode)429
            or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, RegistryClientOptions options, TimeProvider time)
    {
        builder.AddStrategy(_ => new StartTimeStrategy(time), new StartTimeStrategyOptions());
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            AddRetry(builder, options, time);
        }

        AddCircuitBreaker(builder, options);
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
    }

    private static void AddRetry(ResiliencePipelineBuilder<HttpResponseMessage> builder, RegistryClientOptions options, TimeProvider time) =>
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            Name = "retry",
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            ShouldRetryAfterHeader = false, // handled below: capped, and checked against the remaining budget
            ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context, options, time)),
            DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result, time) is { } wait ? Min(wait, options.MaxRetryAfter) : null),
        });

    private static void AddCircuitBreaker(ResiliencePipelineBuilder<HttpResponseMessage> builder, RegistryClientOptions options) =>
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "circuit",
            FailureRatio = options.CircuitFailureRatio,
            MinimumThroughput = options.CircuitMinimumThroughput,
            SamplingDuration = options.CircuitSamplingDuration,
            BreakDuration = options.CircuitBreakDuration,
            ShouldHandle = args => new ValueTask<bool>(args.Outcome switch
            {
                { Exception: HttpRequestException or TimeoutRejectedException } => true,
                { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
                _ => false,
            }),
        });

    /// <summary>The wait the response asks for, in either form of <c>Retry-After</c> (delta-seconds or HTTP-date).</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time) => RetryAfter(response?.Headers.RetryAfter, time);

    /// <summary>The wait a <c>Retry-After</c> header value asks for; an HTTP-date in the past is no wait.</summary>
    internal static TimeSpan? RetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter, TimeProvider time)
    {
        if (retryAfter is null)
        {
            return null;
        }

        var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - time.GetUtcNow() : (TimeSpan?)null);
        return wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, RegistryClientOptions options, TimeProvider time)
    {
        switch (outcome)
        {
            case { Exception: BrokenCircuitException }:
                return false; // the circuit is open: fail fast, the caller keeps the submission for later
            case { Exception: HttpRequestException or TimeoutRejectedException }:
                return true;
            case { Result: { } response } when IsTransient(response.StatusCode):
                if (RetryAfter(response, time) is not { } wait)
                {
                    return true;
                }

                // A wait that outlasts the remaining total budget ends the call now, as a transient failure.
                var elapsed = context.Properties.TryGetValue(StartedAt, out var started) ? time.GetElapsedTime(started) : TimeSpan.Zero;
                return elapsed + Min(wait, options.MaxRetryAfter) < options.TotalTimeout;
            default:
                return false;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Notes when a call began, so the retry can weigh a <c>Retry-After</c> against the time left.</summary>
    private sealed class StartTimeStrategy(TimeProvider time) : ResilienceStrategy
    {
        protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
        {
            context.Properties.Set(StartedAt, time.GetTimestamp());
            return callback(context, state);
        }
    }

    private sealed class StartTimeStrategyOptions : ResilienceStrategyOptions
    {
        public StartTimeStrategyOptions() => Name = "start-time";
    }
}
