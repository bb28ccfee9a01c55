using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RegistryClient.Testing.Endpoints;
using RegistryClient.Testing.Middleware;
using RegistryClient.Testing.Storage;

namespace RegistryClient.Testing;

/// <summary>
/// A local registry that speaks API v1 on 127.0.0.1 (schemas/registry-api.v1.openapi.yaml): one case per
/// (organisation, local record) with versions, withdrawal that erases the document, tokens bound to organisations,
/// idempotency keys exactly as the API says, and faults on demand. Start it in-process with <see cref="StartAsync"/>
/// (tests, <c>registry demo</c>) or from the command line with <c>registry sandbox</c>.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SandboxState _state;
    private long _requests;

    private SandboxServer(WebApplication app, SandboxState state)
    {
        _app = app;
        _state = state;
    }

    /// <summary>Where the sandbox listens, e.g. <c>http://127.0.0.1:41234/</c> (the port chosen when <see cref="SandboxOptions.Port"/> is 0).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The bearer token good for every organisation; null when the sandbox has tenants and was not asked to
    /// keep it (<see cref="SandboxOptions.TokenWithTenants"/>).</summary>
    public string? Token => BearerAuthentication.CatchAllToken(_state.Options);

    /// <summary>API calls received so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Injected faults so far, by kind and in total.</summary>
    public SandboxFaultCounts Faults => _state.Faults.Counts;

    /// <summary>Starts a sandbox and returns once it accepts connections.</summary>
    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (string.IsNullOrEmpty(options.Token) || options.FailRate is < 0 or > 1 || options.Port is < 0 or > 65535 || options.TimeProvider is null
            || options.Tenants.Any(t => string.IsNullOrEmpty(t.Key) || string.IsNullOrEmpty(t.Value)) || options.IdempotencyKeyRetention <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                "The sandbox needs a token, non-empty tenant codes and tokens, a fail rate between 0 and 1, a valid port, a clock and a positive key retention.",
                nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = 2 * 1024 * 1024;
        });
        var app = builder.Build();
        var store = await SandboxStore.OpenAsync(options.DatabasePath, options.IdempotencyKeyRetention, options.TimeProvider, cancellationToken);
        var server = new SandboxServer(app, new SandboxState(store, options, new FaultInjection(options)));
        server.Compose(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>How many cases are stored, and how many distinct (organisation, local record) pairs they cover: always
    /// the same number, since the registry keeps one case per episode.</summary>
    public Task<(int Submissions, int DistinctLocalRecords)> CountAsync(CancellationToken cancellationToken = default) => _state.Store.CountAsync(cancellationToken);

    /// <summary>Every stored version of a case, oldest first (documents are null once the case is withdrawn).</summary>
    public Task<IReadOnlyList<SandboxCaseVersion>> GetHistoryAsync(string caseId, CancellationToken cancellationToken = default) =>
        _state.Store.HistoryAsync(caseId ?? throw new ArgumentNullException(nameof(caseId)), cancellationToken);

    /// <summary>For tests: the next write to claim its idempotency key waits, holding it, until the hold is released.</summary>
    internal WriteHold HoldNextWrite() => _state.InFlight.HoldNext();

    /// <summary>Completes when the server stops (Ctrl+C in the CLI, or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _app.Lifetime.ApplicationStopping).Token)
            .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _state.Store.DisposeAsync();
    }

    /// <summary>The pipeline, outermost first: log, problem boundary, faults, authentication, then the endpoints.</summary>
    private void Compose(WebApplication app)
    {
        var log = new RequestLog((_state.Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("RegistryClient.Testing.Sandbox"));
        var authentication = new BearerAuthentication(_state.Options);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref _requests);
            return log.InvokeAsync(context, next);
        });
        app.Use(ProblemBoundary.InvokeAsync);
        app.Use(_state.Faults.InvokeAsync);
        app.Use(authentication.InvokeAsync);
        CaseWriteEndpoints.Map(app, _state);
        WithdrawalEndpoint.Map(app, _state);
        ReadEndpoints.Map(app, _state);
    }
}
