using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RegistryClient.Hosting;
using RegistryClient.Http;
using RegistryClient.Outbox;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers an outbox and the hosted worker that drains it (<c>AddRegistryClient(...).AddOutbox(...)</c>); the SQLite
/// outbox is <c>AddSqliteOutbox</c> in the RegistryClient.Outbox.Sqlite package.
/// </summary>
public static class RegistryOutboxBuilderExtensions
{
    /// <summary>
    /// Registers the outbox <paramref name="open"/> opens (on first use; again after a failure), <see cref="SubmissionQueue"/>
    /// to queue into it, and a hosted worker that drains it into the registry for as long as the host runs. The queue
    /// disposes the outbox. Worker options are validated when the host starts.
    /// </summary>
    public static IRegistryClientBuilder AddOutbox(this IRegistryClientBuilder builder, Func<IServiceProvider, CancellationToken, Task<SubmissionOutbox>> open,
        Action<RegistryWorkerOptions>? configure = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (open is null)
        {
            throw new ArgumentNullException(nameof(open));
        }

        return Add(builder, sp => new SubmissionQueue(ct => open(sp, ct), owned: true, sp.GetRequiredService<RegistryWorkerState>()), configure);
    }

    /// <summary>Registers an outbox the caller created and disposes, with the queue and the hosted worker (see the other overload).</summary>
    public static IRegistryClientBuilder AddOutbox(this IRegistryClientBuilder builder, SubmissionOutbox outbox, Action<RegistryWorkerOptions>? configure = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (outbox is null)
        {
            throw new ArgumentNullException(nameof(outbox));
        }

        return Add(builder, sp => new SubmissionQueue(_ => Task.FromResult(outbox), owned: false, sp.GetRequiredService<RegistryWorkerState>()), configure);
    }

    private static IRegistryClientBuilder Add(IRegistryClientBuilder builder, Func<IServiceProvider, SubmissionQueue> queue, Action<RegistryWorkerOptions>? configure)
    {
        var services = builder.Services;
        var client = (builder as RegistryClientServiceCollectionExtensions.RegistryClientBuilder)?.ClientName ?? Options.Options.DefaultName;
        if (services.LastOrDefault(d => d.ServiceType == typeof(OutboxClient))?.ImplementationInstance is OutboxClient added && added.Name != client)
        {
            throw new InvalidOperationException($"The outbox is already added to {OutboxClient.Describe(added.Name)}, and a host drains one outbox, through the client "
                + $"it was added to; {OutboxClient.Describe(client)} cannot have another. Add the outbox once, to the client that sends its submissions.");
        }

        services.RemoveAll<OutboxClient>();
        services.AddSingleton(new OutboxClient(client));
        var options = services.AddOptions<RegistryWorkerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryWorkerOptions>, RegistryWorkerOptionsValidator>());
        AddState(services);
        services.RemoveAll<SubmissionQueue>();
        services.AddSingleton(sp =>
        {
            _ = sp.GetRequiredService<OutboxMetrics>(); // the queue's gauges exist from the moment anything can be queued
            return queue(sp);
        });
        services.TryAddSingleton(sp => new OutboxMetrics(sp.GetRequiredService<RegistryWorkerState>(), sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<RegistryWorkerOptions>>().Value.DropFolder is { } drop
            ? new DropFolderHolder(ActivatorUtilities.CreateInstance<DropFolderIngestor>(sp, drop))
            : new DropFolderHolder(null));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxDrainWorker>(sp =>
        {
            // The worker sends through the client the outbox was added to (a named client's own endpoint, token,
            // back-pressure and circuit), never the unnamed one.
            var owner = sp.GetRequiredService<OutboxClient>();
            var (backPressure, circuit) = owner.Parts(sp);
            return ActivatorUtilities.CreateInstance<OutboxDrainWorker>(sp, sp.GetRequiredService<DropFolderHolder>(), owner.Client(sp), backPressure, circuit);
        }));
        return builder;
    }

    internal static void AddState(IServiceCollection services) =>
        services.TryAddSingleton(sp => new RegistryWorkerState(RegistryHttpPipeline.Clock(sp)));
}

/// <summary>Registers the registry health check.</summary>
public static class RegistryHealthCheckBuilderExtensions
{
    /// <summary>
    /// Adds the registry check (<paramref name="name"/>, default <c>registry</c>): Healthy; Degraded when the oldest
    /// pending submission is older than <see cref="RegistryHealthCheckOptions.MaxPendingAge"/>, the circuit is open, or
    /// the registry refused submissions since the previous check; Unhealthy when the outbox is unavailable or the registry
    /// refused the credentials (401/403). Needs <c>AddRegistryClient</c>; reads the outbox when <c>AddOutbox</c> registered one.
    /// </summary>
    public static IHealthChecksBuilder AddRegistryHealthCheck(this IHealthChecksBuilder builder, string name = "registry", Action<RegistryHealthCheckOptions>? configure = null,
        IEnumerable<string>? tags = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A health check name is required.", nameof(name));
        }

        var options = builder.Services.AddOptions<RegistryHealthCheckOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.MaxPendingAge > TimeSpan.Zero, $"HealthChecks:{name}:MaxPendingAge must be positive.").ValidateOnStart();
        RegistryOutboxBuilderExtensions.AddState(builder.Services);
        // With an outbox, the circuit watched is that of the client the outbox sends through.
        return builder.Add(new HealthCheckRegistration(name, sp => sp.GetService<OutboxClient>() is { } owner
            ? ActivatorUtilities.CreateInstance<RegistryHealthCheck>(sp, owner.Parts(sp).Circuit)
            : ActivatorUtilities.CreateInstance<RegistryHealthCheck>(sp), failureStatus: null, tags));
    }
}

/// <summary>The client an outbox was added to (<c>AddRegistryClient(...).AddOutbox(...)</c>): its worker sends through it.</summary>
internal sealed class OutboxClient(string name)
{
    /// <summary>The client's name; empty for the unnamed client.</summary>
    public string Name { get; } = name;

    public VenousRegistryClient Client(IServiceProvider services) =>
        Name.Length == 0 ? services.GetRequiredService<VenousRegistryClient>() : services.GetRequiredKeyedService<VenousRegistryClient>(Name);

    public (RegistryBackPressure BackPressure, RegistryCircuit Circuit) Parts(IServiceProvider services) =>
        services.GetRequiredService<RegistryClientParts>().For(Name);

    public static string Describe(string name) => name.Length == 0 ? "the unnamed registry client" : $"the registry client '{name}'";
}
