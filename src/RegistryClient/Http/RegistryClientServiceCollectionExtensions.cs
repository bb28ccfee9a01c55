using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;
using RegistryClient.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="RegistryClient"/> with IHttpClientFactory, resilience and validated options.</summary>
public static class RegistryClientServiceCollectionExtensions
{
    /// <summary>Registers the client, configured in code.</summary>
    /// <returns>The HTTP client builder, to add handlers of your own.</returns>
    public static IHttpClientBuilder AddRegistryClient(this IServiceCollection services, Action<RegistryClientOptions> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        services.AddOptions<RegistryClientOptions>().Configure(configure ?? throw new ArgumentNullException(nameof(configure))).ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>Registers the client, bound from configuration (by default the <c>RegistryClient</c> section).</summary>
    /// <returns>The HTTP client builder, to add handlers of your own.</returns>
    public static IHttpClientBuilder AddRegistryClient(this IServiceCollection services, IConfiguration configuration)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        var section = configuration.GetSection(RegistryClientOptions.SectionName);
        services.AddOptions<RegistryClientOptions>().Bind(section.Exists() ? section : configuration).ValidateOnStart();
        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryClientOptions>, RegistryClientOptionsValidator>());
        services.TryAddSingleton<IRegistryTokenProvider>(sp =>
            sp.GetRequiredService<IOptions<RegistryClientOptions>>().Value.Token is { Length: > 0 } token
                ? RegistryTokenProvider.Static(token)
                : throw new OptionsValidationException(RegistryClientOptions.SectionName, typeof(RegistryClientOptions),
                    ["RegistryClient:Token is required unless an IRegistryTokenProvider is registered."]));
        services.AddLogging();

        var settings = new RefitSettings
        {
            ContentSerializer = new SystemTextJsonContentSerializer(new System.Text.Json.JsonSerializerOptions
            {
                TypeInfoResolver = RegistryApiJsonContext.Default,
                PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
            }),
        };

        // The source-generated client: no reflection at run time, and the API bodies through RegistryApiJsonContext.
        var builder = services
            .AddRefitGeneratedClient<IRegistryApi>(settings)
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<RegistryClientOptions>>().Value.Endpoint;
                client.Timeout = System.Threading.Timeout.InfiniteTimeSpan; // the resilience pipeline owns every timeout
            });
        RegistryHttpPipeline.Add(builder); // resilience, token, back-pressure: RegistryHttpPipeline.cs

        services.TryAddSingleton(sp => new VenousRegistryClient(sp.GetRequiredService<IRegistryApi>(), sp.GetRequiredService<ILogger<VenousRegistryClient>>(), RegistryHttpPipeline.Clock(sp)));
        return builder;
    }
}
