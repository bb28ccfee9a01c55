using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Validation;

namespace RegistryClient.Testing;

/// <summary>
/// A local registry that speaks API v1 on 127.0.0.1: stores submissions in SQLite, validates them with the library's
/// own validator, honours idempotency keys exactly as the API says, and injects faults on demand. Start it in-process
/// with <see cref="StartAsync"/> (tests, <c>registry demo</c>) or from the command line with <c>registry sandbox</c>.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private const string LoseResponse = "sandbox.lose-response";

    private readonly WebApplication _app;
    private readonly SandboxStore _store;
    private readonly SandboxOptions _options;
    private readonly SubmissionValidator _validator = new();
    private readonly Dictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _rateWindow = new();
    private readonly Random _dice;
    private readonly byte[] _token;
    private long _requests;
    private long _faults;
    private readonly long[] _faultsByKind = new long[5];
    private long _windowStart;
    private int _windowCount;

    private SandboxServer(WebApplication app, SandboxStore store, SandboxOptions options)
    {
        _app = app;
        _store = store;
        _options = options;
        _dice = options.Seed is { } seed ? new Random(seed) : new Random();
        _token = Encoding.UTF8.GetBytes(options.Token);
    }

    /// <summary>Where the sandbox listens, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The bearer token it expects.</summary>
    public string Token => _options.Token;

    /// <summary>API calls received so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Faults injected so far (503s, 429s, dropped connections, lost responses).</summary>
    public long FaultsInjected => Interlocked.Read(ref _faults);

    /// <summary>Injected faults so far by kind.</summary>
    public SandboxFaultCounts Faults => new(
        Interlocked.Read(ref _faultsByKind[1]), Interlocked.Read(ref _faultsByKind[2]), Interlocked.Read(ref _faultsByKind[3]), Interlocked.Read(ref _faultsByKind[4]));

    /// <summary>Starts a sandbox and returns once it accepts connections.</summary>
    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (string.IsNullOrEmpty(options.Token) || options.FailRate is < 0 or > 1 || options.Port is < 0 or > 65535)
        {
            throw new ArgumentException("The sandbox needs a token, a fail rate between 0 and 1 and a valid port.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = 2 * 1024 * 1024;
        });
        var app = builder.Build();
        var store = await SandboxStore.OpenAsync(options.DatabasePath, cancellationToken);
        var server = new SandboxServer(app, store, options);
        server.Map(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>How many submissions are stored, and how many distinct (organisation, local record) pairs they cover.</summary>
    public Task<(int Submissions, int DistinctLocalRecords)> CountAsync(CancellationToken cancellationToken = default) => _store.CountAsync(cancellationToken);

    /// <summary>Completes when the server stops (Ctrl+C in the CLI, or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _app.Lifetime.ApplicationStopping).Token)
            .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _requests);
            if (_options.Latency > TimeSpan.Zero)
            {
                await Task.Delay(_options.Latency, context.RequestAborted);
            }

            if (OverRateLimit())
            {
                await Problem(context, 429, "Too many requests", retryAfter: true);
                return;
            }

            switch (RollFault(context))
            {
                case 1:
                    await Problem(context, 503, "Injected fault: service unavailable", retryAfter: true);
                    return;
                case 2:
                    await Problem(context, 429, "Injected fault: too many requests", retryAfter: true);
                    return;
                case 3:
                    context.Abort(); // a dropped connection before anything was done
                    return;
            }

            var header = context.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal)
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header.Substring(7).Trim()), _token))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Problem(context, 401, "A valid bearer token is required");
                return;
            }

            await next(context);
        });

        app.MapPost("/v1/submissions", SubmitAsync);
        app.MapPost("/v1/submissions/validate", ValidateAsync);
        app.MapGet("/v1/submissions/{id}", async (string id, HttpContext context) =>
        {
            if (await _store.FindAsync(id, context.RequestAborted) is { } receipt)
            {
                await Json(context, 200, receipt, RegistryApiJsonContext.Default.SubmissionReceipt);
            }
            else
            {
                await Problem(context, 404, "No submission has this id");
            }
        });
        app.MapGet("/v1/submissions", async (string? organisationCode, HttpContext context) =>
        {
            if (string.IsNullOrEmpty(organisationCode))
            {
                await Problem(context, 400, "organisationCode is required");
                return;
            }

            var items = await _store.ListAsync(organisationCode, context.RequestAborted);
            await Json(context, 200, new ReceiptList { Items = items }, RegistryApiJsonContext.Default.ReceiptList);
        });
        app.MapGet("/v1/schema", (HttpContext context) =>
        {
            context.Response.ContentType = "application/schema+json";
            return context.Response.WriteAsync(SubmissionSchema.ReadText(), context.RequestAborted);
        });
    }

    private async Task SubmitAsync(HttpContext context)
    {
        var key = ParseKey(context.Request.Headers["Idempotency-Key"].ToString());
        if (key is null)
        {
            await Problem(context, 400, "The Idempotency-Key header is required");
            return;
        }

        bool first;
        lock (_inFlight)
        {
            first = _inFlight.TryAdd(key, 0);
        }

        if (!first)
        {
            // Written outside the lock and awaited: the response must be complete before the handler returns.
            context.Response.Headers.RetryAfter = "1";
            await Problem(context, 409, "A request with this Idempotency-Key is still in progress; retry later with the same key");
            return;
        }

        try
        {
            var body = await ReadBodyAsync(context);
            var hash = Convert.ToHexString(SHA256.HashData(body));
            if (await _store.FindByKeyAsync(key, context.RequestAborted) is { } existing)
            {
                await Replay(context, existing.Receipt, existing.BodyHash, hash);
                return;
            }

            var report = await _validator.ValidateAsync(body, context.RequestAborted);
            if (!report.IsValid)
            {
                await Problem(context, 400, "The submission is invalid", errors: Errors(report, ValidationSeverity.Error));
                return;
            }

            var submission = JsonSerializer.Deserialize(body, RegistryJsonContext.Default.Submission)!;
            var stored = await _store.InsertAsync(key, hash, submission.Submitter.OrganisationCode, submission.LocalRecordId, submission.SchemaVersion, body, context.RequestAborted);
            if (!stored.Inserted)
            {
                await Replay(context, stored.Receipt, stored.BodyHash, hash);
                return;
            }

            if (context.Items.ContainsKey(LoseResponse))
            {
                context.Abort(); // stored, but the client never hears: only the idempotency key saves it from a duplicate
                return;
            }

            await Json(context, 201, stored.Receipt, RegistryApiJsonContext.Default.SubmissionReceipt);
        }
        finally
        {
            lock (_inFlight)
            {
                _inFlight.Remove(key);
            }
        }
    }

    private async Task ValidateAsync(HttpContext context)
    {
        var report = await _validator.ValidateAsync(await ReadBodyAsync(context), context.RequestAborted);
        var result = new RegistryValidationResult
        {
            Valid = report.IsValid,
            Errors = Errors(report, ValidationSeverity.Error),
            Warnings = Errors(report, ValidationSeverity.Warning),
        };
        await Json(context, 200, result, RegistryApiJsonContext.Default.RegistryValidationResult);
    }

    private Task Replay(HttpContext context, SubmissionReceipt receipt, string storedHash, string hash) =>
        storedHash == hash
            ? Json(context, 200, receipt, RegistryApiJsonContext.Default.SubmissionReceipt)
            : Problem(context, 422, "This Idempotency-Key was used with a different body");

    /// <summary>0: no fault; 1: 503; 2: 429; 3: dropped connection; lost responses are flagged for the submit handler.</summary>
    private int RollFault(HttpContext context)
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

        Interlocked.Increment(ref _faults);
        if (fault == 4 && !(HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/v1/submissions"))
        {
            fault = 1;
        }

        Interlocked.Increment(ref _faultsByKind[fault]);
        if (fault == 4)
        {
            context.Items[LoseResponse] = true;
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
            var second = Environment.TickCount64 / 1000;
            if (second != _windowStart)
            {
                _windowStart = second;
                _windowCount = 0;
            }

            return ++_windowCount > _options.RateLimit;
        }
    }

    /// <summary>The key, quoted (an RFC 8941 string, as the IETF draft sends it) or bare; null when absent.</summary>
    internal static string? ParseKey(string header)
    {
        var value = header.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\");
        }

        return value.Length is > 0 and <= 255 ? value : null;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private static List<RegistryError> Errors(ValidationReport report, ValidationSeverity severity) =>
        report.Issues.Where(i => i.Severity == severity).Select(i => new RegistryError { Code = i.Code, Pointer = i.Path, Message = i.Message }).ToList();

    private Task Problem(HttpContext context, int status, string title, bool retryAfter = false, IReadOnlyList<RegistryError>? errors = null)
    {
        if (retryAfter)
        {
            context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails { Type = "about:blank", Title = title, Status = status, Errors = errors };
        return Json(context, status, problem, RegistryApiJsonContext.Default.ProblemDetails, "application/problem+json");
    }

    private static async Task Json<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }
}

/// <summary>Faults a sandbox has injected, by kind.</summary>
/// <param name="Unavailable">503 responses with Retry-After.</param>
/// <param name="TooManyRequests">429 responses with Retry-After.</param>
/// <param name="DroppedConnections">Connections dropped before the request was handled.</param>
/// <param name="LostResponses">Submissions stored whose response was then lost (the connection dropped).</param>
public sealed record SandboxFaultCounts(long Unavailable, long TooManyRequests, long DroppedConnections, long LostResponses);
