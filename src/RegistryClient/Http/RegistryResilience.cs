using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace RegistryClient.Http;

/// <summary>
/// The resilience pipeline every registry call runs through, outermost first: start time, total timeout, retry,
/// circuit breaker, attempt timeout. Retries happen inside the HTTP handler pipeline, on the same buffered request. All
/// waits and timeouts run on the injected <see cref="TimeProvider"/>; each retry is one log line, without a stack trace.
/// </summary>
internal static class RegistryResilience
{
    private static readonly ResiliencePropertyKey<long> StartedAt = new("RegistryClient.StartedAt");

    /// <summary>
    /// The statuses worth another attempt with the same key: 408, 429, 500, 502, 503, 504 (409 only as
    /// <c>request-in-progress</c>, which <see cref="IsInProgressAsync"/> tells from <c>case-exists</c>).
    /// </summary>
    internal static bool IsTransient(int status) =>
        status is 408 or 429 or 500 or 502 or 503 or 504;

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, RegistryClientOptions options, TimeProvider time, ILoggerFactory loggers, RegistryCircuit? circuit = null)
    {
        var logger = loggers.CreateLogger(ClientLog.ResilienceCategory);
        builder.TimeProvider = time;

        // Polly's own telemetry logs every attempt with its exception at Warning; the client logs one line of its own instead.
        builder.ConfigureTelemetry(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        builder.AddStrategy(_ => new StartTimeStrategy(time), new StartTimeStrategyOptions());
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            AddRetry(builder, options, time, logger);
        }

        AddCircuitBreaker(builder, options, logger, circuit);
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
    }

    private static void AddRetry(ResiliencePipelineBuilder<HttpResponseMessage> builder, RegistryClientOptions options, TimeProvider time, ILogger logger) =>
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            Name = "retry",
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            ShouldRetryAfterHeader = false, // handled below: capped, and checked against the remaining budget
            ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context, options, time),
            DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result, time) is { } wait ? Min(wait, options.MaxRetryAfter) : null),
            OnRetry = args =>
            {
                var attempt = args.AttemptNumber + 1;
                ClientLog.Retrying(logger, attempt, Describe(args.Outcome), (long)args.RetryDelay.TotalMilliseconds);
                if (args.Outcome.Exception is { } exception)
                {
                    ClientLog.AttemptException(logger, attempt, exception);
                }

                return default;
            },
        });

    private static void AddCircuitBreaker(ResiliencePipelineBuilder<HttpResponseMessage> builder, RegistryClientOptions options, ILogger logger, RegistryCircuit? circuit) =>
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
            OnOpened = args =>
            {
                circuit?.Opened(args.BreakDuration);
                ClientLog.CircuitOpened(logger, (long)args.BreakDuration.TotalMilliseconds);
                return default;
            },
            OnClosed = _ =>
            {
                circuit?.Closed();
                ClientLog.CircuitClosed(logger);
                return default;
            },
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

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context, RegistryClientOptions options, TimeProvider time)
    {
        switch (outcome)
        {
            case { Exception: BrokenCircuitException }:
                return false; // the circuit is open: fail fast, the caller keeps the submission for later
            case { Exception: HttpRequestException or TimeoutRejectedException }:
                return true;
            case { Result: { StatusCode: HttpStatusCode.Conflict } response }:
                return await IsInProgressAsync(response).ConfigureAwait(false);
            case { Result: { } response } when IsTransient((int)response.StatusCode):
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

    /// <summary>Whether a 409 is <c>request-in-progress</c> (retry with the same key) rather than a state conflict.</summary>
    private static async Task<bool> IsInProgressAsync(HttpResponseMessage response)
    {
        // Buffered, so the client can still read the problem document after this look.
        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        try
        {
            var problem = System.Text.Json.JsonSerializer.Deserialize(text, RegistryApiJsonContext.Default.ProblemDetails);
            return ProblemTypes.Kind(problem?.Type) == ProblemTypes.RequestInProgress;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => "HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        { Exception: TimeoutRejectedException } => "timed out",
        { Exception: { } exception } => "network error: " + exception.GetType().Name,
        _ => "unknown",
    };

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
