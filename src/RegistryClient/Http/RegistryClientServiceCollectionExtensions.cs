using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refit;
using RegistryClient.Http;
using RegistryClient.Validation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="VenousRegistryClient"/> (a singleton) and <see cref="SubmissionValidator"/> with
/// IHttpClientFactory, resilience and validated options.
/// </summary>
public static class RegistryClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client sends through, for <c>IHttpClientFactory</c> settings.</summary>
    public const string HttpClientName = "RegistryClient";

    /// <summary>Registers the client, configured in code.</summary>
    /// <returns>A builder, to configure the client's <see cref="HttpClient"/> further.</returns>
    public static IRegistryClientBuilder AddRegistryClient(this IServiceCollection services, Action<RegistryClientOptions> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        services.AddOptions<RegistryClientOptions>().Configure(configure ?? throw new ArgumentNullException(nameof(configure))).ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>
    /// Registers the client, bound from configuration: pass the section itself (<c>configuration.GetSection("RegistryClient")</c>)
    /// or the configuration root, whose <c>RegistryClient</c> section is then used. A missing or empty section fails
    /// option validation, naming the section; the root itself is never bound.
    /// </summary>
    /// <returns>A builder, to configure the client's <see cref="HttpClient"/> further.</returns>
    public static IRegistryClientBuilder AddRegistryClient(this IServiceCollection services, IConfiguration configuration)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        var section = configuration as IConfigurationSection ?? configuration.GetSection(RegistryClientOptions.SectionName);
        services.AddOptions<RegistryClientOptions>()
            .Bind(section)
            .Validate(_ => section.Exists(), $"The configuration section '{section.Path}' is missing or empty: the registry client has no settings to use.")
            .ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>
    /// Registers a named client, configured in code, for a trust that sends to several registries or as several
    /// organisations: each name has its own options, token, <see cref="HttpClient"/> (<c>RegistryClient:</c> + name),
    /// retry budget, back-pressure and circuit. Resolve it with <see cref="IRegistryClientFactory.CreateClient"/> or as a
    /// keyed service (<c>[FromKeyedServices("name")] VenousRegistryClient</c>). The unnamed client is independent of it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name: not empty; calling again with the same name configures the same client.</param>
    /// <param name="configure">Sets the client's options.</param>
    /// <returns>A builder, to configure the named client's <see cref="HttpClient"/> further.</returns>
    /// <remarks>
    /// A named client's token comes from a keyed <see cref="IRegistryTokenProvider"/> registered under the same name,
    /// or else from its options' <see cref="RegistryClientOptions.Token"/>; an unkeyed provider serves only the unnamed client.
    /// </remarks>
    public static IRegistryClientBuilder AddRegistryClient(this IServiceCollection services, string name, Action<RegistryClientOptions> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        CheckName(name);
        services.AddOptions<RegistryClientOptions>(name).Configure(configure ?? throw new ArgumentNullException(nameof(configure))).ValidateOnStart();
        return AddNamed(services, name);
    }

    /// <summary>
    /// Registers a named client bound from a configuration section (for example <c>configuration.GetSection("Registries:North")</c>);
    /// a missing or empty section fails option validation, naming the section. See
    /// <see cref="AddRegistryClient(IServiceCollection, string, Action{RegistryClientOptions})"/> for what a name gives.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name: not empty.</param>
    /// <param name="configuration">The client's own section.</param>
    /// <returns>A builder, to configure the named client's <see cref="HttpClient"/> further.</returns>
    public static IRegistryClientBuilder AddRegistryClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        CheckName(name);
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        var section = configuration as IConfigurationSection ?? throw new ArgumentException("Pass the named client's own configuration section (configuration.GetSection(...)).", nameof(configuration));
        services.AddOptions<RegistryClientOptions>(name)
            .Bind(section)
            .Validate(_ => section.Exists(), $"The configuration section '{section.Path}' is missing or empty: the registry client '{name}' has no settings to use.")
            .ValidateOnStart();
        return AddNamed(services, name);
    }

    /// <summary>
    /// The client without a host's container (<see cref="VenousRegistryClient.Create(RegistryClientOptions, IRegistryTokenProvider, ILoggerFactory, TimeProvider)"/>): the same registrations over a
    /// private service provider, which the client disposes. The caller's options object is copied whole, property by
    /// property, so a new option can never be left behind.
    /// </summary>
    internal static VenousRegistryClient CreateStandalone(RegistryClientOptions options, IRegistryTokenProvider? tokens, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, HttpMessageHandler? primaryHandler = null)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        if (tokens is not null)
        {
            services.AddSingleton(tokens);
        }

        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        var builder = services.AddRegistryClient(o => CopyOptions(options, o));
        if (primaryHandler is not null)
        {
            // The caller's handler, not disposed when the factory recycles or disposes its chain: the caller owns it.
            builder.HttpClient.ConfigurePrimaryHttpMessageHandler(() => new BorrowedHandler(primaryHandler));
        }

        var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<RegistryClientOptions>>().Value; // throws when invalid
            return Construct(provider, Options.Options.DefaultName, owned: provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Copies every public settable property, so that an option added later is copied too.</summary>
    internal static void CopyOptions(RegistryClientOptions from, RegistryClientOptions to)
    {
        foreach (var property in typeof(RegistryClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanRead && property.CanWrite && property.GetIndexParameters().Length == 0)
            {
                property.SetValue(to, property.GetValue(from));
            }
        }
    }

    private static RegistryClientBuilder AddCore(IServiceCollection services)
    {
        AddShared(services);
        services.TryAddSingleton<IRegistryTokenProvider>(sp => TokenFromOptions(sp, Options.Options.DefaultName));
        services.TryAddSingleton(sp => sp.GetRequiredService<RegistryClientParts>().For(Options.Options.DefaultName).BackPressure);
        services.TryAddSingleton(sp => sp.GetRequiredService<RegistryClientParts>().For(Options.Options.DefaultName).Circuit);
        var builder = AddHttpClient(services, Options.Options.DefaultName, sp => sp.GetRequiredService<IRegistryTokenProvider>());
        services.TryAddSingleton(sp =>
        {
            _ = sp.GetRequiredService<IRegistryTokenProvider>(); // a missing token fails here, not at the first send
            return Construct(sp, Options.Options.DefaultName, owned: null);
        });
        return new RegistryClientBuilder(services, HttpClientName, builder, Options.Options.DefaultName);
    }

    private static RegistryClientBuilder AddNamed(IServiceCollection services, string name)
    {
        AddShared(services);
        var httpClientName = HttpClientNameFor(name);
        if (services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(VenousRegistryClient)))
        {
            // The same name again: its options were configured further above; the client and its pipeline exist.
            return new RegistryClientBuilder(services, httpClientName, services.AddHttpClient(httpClientName), name);
        }

        services.AddSingleton(new RegistryClientName(name));
        var builder = AddHttpClient(services, name, sp => NamedTokens(sp, name));
        services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<IRegistryClientFactory>().CreateClient(name));
        return new RegistryClientBuilder(services, httpClientName, builder, name);
    }

    private static void AddShared(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryClientOptions>, RegistryClientOptionsValidator>());
        services.AddLogging();
        services.AddOptions<SubmissionValidatorOptions>();
        services.TryAddSingleton(sp => new SubmissionValidator(sp.GetRequiredService<IOptions<SubmissionValidatorOptions>>().Value));
        services.TryAddSingleton(sp => new RegistryClientParts(RegistryHttpPipeline.Clock(sp)));
        services.TryAddSingleton<IRegistryClientFactory>(sp => new RegistryClientFactory(sp));
    }

    private static IHttpClientBuilder AddHttpClient(IServiceCollection services, string name, Func<IServiceProvider, IRegistryTokenProvider> tokens)
    {
        // The named client's handlers serve every request; its HttpClient settings do not (the options own the timeouts).
        var builder = services
            .AddHttpClient(HttpClientNameFor(name))
            // Never follow a redirect: a 3xx is a failure, and the token and the body go only to the configured endpoint.
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        RegistryHttpPipeline.Add(builder, name, tokens); // resilience, token, back-pressure: RegistryHttpPipeline.cs
        return builder;
    }

    /// <summary>The token source of the client called <paramref name="name"/>: a provider keyed by its name, or its options' token.</summary>
    internal static IRegistryTokenProvider NamedTokens(IServiceProvider services, string name) =>
        services.GetKeyedService<IRegistryTokenProvider>(name) ?? TokenFromOptions(services, name);

    private static IRegistryTokenProvider TokenFromOptions(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<RegistryClientOptions>>().Get(name).Token is { Length: > 0 } token
            ? RegistryTokenProvider.Static(token)
            : throw new OptionsValidationException(name.Length == 0 ? RegistryClientOptions.SectionName : name, typeof(RegistryClientOptions),
                [name.Length == 0
                    ? "RegistryClient:Token is required unless an IRegistryTokenProvider is registered."
                    : $"The registry client '{name}' needs a Token in its options or an IRegistryTokenProvider registered under the key '{name}'."]);

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A named registry client needs a name; use AddRegistryClient(configure) for the unnamed one.", nameof(name));
        }
    }

    /// <summary>The <see cref="HttpClient"/> name in IHttpClientFactory of the client called <paramref name="name"/>.</summary>
    internal static string HttpClientNameFor(string name) => name.Length == 0 ? HttpClientName : HttpClientName + ":" + name;

    /// <summary>
    /// The client over a long-lived Refit proxy whose every request goes through the handler chain IHttpClientFactory
    /// holds for the named client at that moment: the singleton never pins one handler, so the factory's handler rotation
    /// (and with it DNS changes) works.
    /// </summary>
    internal static VenousRegistryClient Construct(IServiceProvider services, string name, IDisposable? owned)
    {
        var handlers = services.GetRequiredService<IHttpMessageHandlerFactory>();
        var endpoint = services.GetRequiredService<IOptionsMonitor<RegistryClientOptions>>().Get(name).Endpoint;
        var settings = new RefitSettings
        {
            ContentSerializer = new SystemTextJsonContentSerializer(new System.Text.Json.JsonSerializerOptions
            {
                TypeInfoResolver = RegistryApiJsonContext.Default,
                PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
            }),
        };
#pragma warning disable CA2000 // the HttpClient lives as long as the client; it holds no connection of its own
        var http = new HttpClient(new CurrentHandler(handlers, HttpClientNameFor(name))) { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
        return new VenousRegistryClient(RestService.ForGenerated<IRegistryApi>(http, settings), services.GetRequiredService<ILogger<VenousRegistryClient>>(), RegistryHttpPipeline.Clock(services), owned);
    }

    /// <summary>Sends each request through the factory's current handler chain for the named client.</summary>
    private sealed class CurrentHandler(IHttpMessageHandlerFactory handlers, string name) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // The factory owns the handler (and disposes it once rotated out and unused): the invoker must not.
            using var invoker = new HttpMessageInvoker(handlers.CreateHandler(name), disposeHandler: false);
            return await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    internal sealed class RegistryClientBuilder(IServiceCollection services, string name, IHttpClientBuilder httpClient, string clientName) : IRegistryClientBuilder
    {
        public IServiceCollection Services { get; } = services;

        public string Name { get; } = name;

        public IHttpClientBuilder HttpClient { get; } = httpClient;

        /// <summary>The client's own name: empty for the unnamed client.</summary>
        public string ClientName { get; } = clientName;
    }
}

/// <summary>
/// What <c>AddRegistryClient</c> returns, to chain further configuration: the named <see cref="HttpClient"/> the
/// registry client sends through (add handlers, set the handler lifetime, replace the primary handler for a proxy).
/// </summary>
public interface IRegistryClientBuilder
{
    /// <summary>The service collection the client is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>The name of the client's <see cref="System.Net.Http.HttpClient"/> in IHttpClientFactory.</summary>
    string Name { get; }

    /// <summary>
    /// The client's <see cref="System.Net.Http.HttpClient"/> registration: its message handlers serve every request
    /// (handlers added here run inside the resilience pipeline, once per attempt); its <see cref="System.Net.Http.HttpClient"/>
    /// settings (default headers, timeout) are not used. A primary handler you supply must not follow redirects.
    /// </summary>
    IHttpClientBuilder HttpClient { get; }
}

/// <summary>Chaining helpers on <see cref="IRegistryClientBuilder"/>.</summary>
public static class RegistryClientBuilderExtensions
{
    /// <summary>Configures the options further (after configuration binding or the <c>AddRegistryClient</c> delegate).</summary>
    public static IRegistryClientBuilder Configure(this IRegistryClientBuilder builder, Action<RegistryClientOptions> configure)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        builder.Services.Configure(configure ?? throw new ArgumentNullException(nameof(configure)));
        return builder;
    }

    /// <summary>Configures the client's <see cref="IHttpClientBuilder"/> (handlers, handler lifetime, primary handler).</summary>
    public static IRegistryClientBuilder ConfigureHttpClient(this IRegistryClientBuilder builder, Action<IHttpClientBuilder> configure)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        (configure ?? throw new ArgumentNullException(nameof(configure)))(builder.HttpClient);
        return builder;
    }
}

/// <summary>A caller's handler lent to the client: disposing the chain leaves it open.</summary>
internal sealed class BorrowedHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override void Dispose(bool disposing)
    {
        // Deliberately not base.Dispose: that would dispose the caller's handler.
    }
}
