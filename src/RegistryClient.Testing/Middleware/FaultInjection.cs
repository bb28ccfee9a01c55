using Microsoft.AspNetCore.Http;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Middleware;

/// <summary>
/// What integrators rehearse against: latency on every call, a calls-per-second limit (429), and on a share of API
/// calls a 503 or 429 with Retry-After, a dropped connection, or (for writes) a response lost after the write is stored.
/// </summary>
internal sealed class FaultInjection
{
    private const string LoseResponseKey = "sandbox.lose-response";

    private readonly SandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _dice;
    private readonly Lock _rateWindow = new();
    private readonly long[] _byKind = new long[5];
    private long _windowStart = -1;
    private int _windowCount;

    public FaultInjection(SandboxOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _dice = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    public SandboxFaultCounts Counts => new()
    {
        Unavailable = Interlocked.Read(ref _byKind[1]),
        TooManyRequests = Interlocked.Read(ref _byKind[2]),
        DroppedConnections = Interlocked.Read(ref _byKind[3]),
        LostResponses = Interlocked.Read(ref _byKind[4]),
    };

    /// <summary>Whether this write's response is to be lost once it is stored.</summary>
    public static bool LoseResponse(HttpContext context) => context.Items.ContainsKey(LoseResponseKey);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(_options.Latency, _time, context.RequestAborted);
        }

        if (OverRateLimit())
        {
            await RetryLaterAsync(context, 429, ProblemTypes.RateLimited, "Too many requests");
            return;
        }

        switch (Roll(context))
        {
            case 1:
                await RetryLaterAsync(context, 503, ProblemTypes.Unavailable, "Injected fault: service unavailable");
                return;
            case 2:
                await RetryLaterAsync(context, 429, ProblemTypes.RateLimited, "Injected fault: too many requests");
                return;
            case 3:
                context.Abort(); // a dropped connection before anything was done
                return;
        }

        await next(context);
    }

    private Task RetryLaterAsync(HttpContext context, int status, string type, string title)
    {
        context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiResponses.WriteAsync(context, status, type, title);
    }

    /// <summary>0: no fault; 1: 503; 2: 429; 3: dropped connection; 4 (writes only): the response is lost after storing.</summary>
    private int Roll(HttpContext context)
    {
        if (_options.FailRate <= 0 || !context.Request.Path.StartsWithSegments("/v1/submissions"))
        {
            return 0;
        }

        int fault;
        lock (_dice)
        {
            fault = _dice.NextDouble() < _options.FailRate ? _dice.Next(1, 5) : 0;
        }

        if (fault == 0)
        {
            return 0;
        }

        var isWrite = (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/v1/submissions") || HttpMethods.IsPut(context.Request.Method);
        if (fault == 4 && !isWrite)
        {
            fault = 1;
        }

        Interlocked.Increment(ref _byKind[fault]);
        if (fault == 4)
        {
            context.Items[LoseResponseKey] = true;
            return 0;
        }

        return fault;
    }

    private bool OverRateLimit()
    {
        if (_options.RateLimit <= 0)
        {
            return false;
        }

        lock (_rateWindow)
        {
            var second = (long)_time.GetElapsedTime(0, _time.GetTimestamp()).TotalSeconds;
            if (second != _windowStart)
            {
                _windowStart = second;
                _windowCount = 0;
            }

            return ++_windowCount > _options.RateLimit;
        }
    }
}
