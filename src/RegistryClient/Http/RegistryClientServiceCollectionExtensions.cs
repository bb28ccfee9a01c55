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
            return Construct(provider, owned: provider);
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryClientOptions>, RegistryClientOptionsValidator>());
        services.TryAddSingleton<IRegistryTokenProvider>(sp =>
            sp.GetRequiredService<IOptions<RegistryClientOptions>>().Value.Token is { Length: > 0 } token
                ? RegistryTokenProvider.Static(token)
                : throw new OptionsValidationException(RegistryClientOptions.SectionName, typeof(RegistryClientOptions),
                    ["RegistryClient:Token is required unless an IRegistryTokenProvider is registered."]));
        services.AddLogging();
        services.AddOptions<SubmissionValidatorOptions>();
        services.TryAddSingleton(sp => new SubmissionValidator(sp.GetRequiredService<IOptions<SubmissionValidatorOptions>>().Value));

        // The named client's handlers serve every request; its HttpClient settings do not (the options own the timeouts).
        var builder = services
            .AddHttpClient(HttpClientName)
            // Never follow a redirect: a 3xx is a failure, and the token and the body go only to the configured endpoint.
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        RegistryHttpPipeline.Add(builder); // resilience, token, back-pressure: RegistryHttpPipeline.cs

        services.TryAddSingleton(sp => Construct(sp, owned: null));
        return new RegistryClientBuilder(services, HttpClientName, builder);
    }

    /// <summary>
    /// The client over a long-lived Refit proxy whose every request goes through the handler chain IHttpClientFactory
    /// holds for the named client at that moment: the singleton never pins one handler, so the factory's handler rotation
    /// (and with it DNS changes) works.
    /// </summary>
    private static VenousRegistryClient Construct(IServiceProvider services, IDisposable? owned)
    {
        var handlers = services.GetRequiredService<IHttpMessageHandlerFactory>();
        var endpoint = services.GetRequiredService<IOptions<RegistryClientOptions>>().Value.Endpoint;
        var settings = new RefitSettings
        {
            ContentSerializer = new SystemTextJsonContentSerializer(new System.Text.Json.JsonSerializerOptions
            {
                TypeInfoResolver = RegistryApiJsonContext.Default,
                PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
            }),
        };
#pragma warning disable CA2000 // the HttpClient lives as long as the client; it holds no connection of its own
        var http = new HttpClient(new CurrentHandler(handlers, HttpClientName)) { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
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

    private sealed class RegistryClientBuilder(IServiceCollection services, string name, IHttpClientBuilder httpClient) : IRegistryClientBuilder
    {
        public IServiceCollection Services { get; } = services;

        public string Name { get; } = name;

        public IHttpClientBuilder HttpClient { get; } = httpClient;
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
