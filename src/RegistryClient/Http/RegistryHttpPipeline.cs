using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RegistryClient.Http;

/// <summary>
/// The one pipeline every registry request goes through, assembled in one place: resilience (outermost), then, inside
/// the retry loop, the bearer token and the shared back-pressure (which also counts attempts). The clock is the
/// container's <see cref="TimeProvider"/> when one is registered. IHttpClientFactory's own per-request log lines (named
/// after Refit's generated type) are removed: the client logs its own, under <c>RegistryClient.Http</c>.
/// </summary>
internal static class RegistryHttpPipeline
{
    /// <summary>Adds the pipeline of the client called <paramref name="name"/> (empty for the unnamed one): its options, token, back-pressure and circuit.</summary>
    public static IHttpClientBuilder Add(IHttpClientBuilder builder, string name, Func<IServiceProvider, IRegistryTokenProvider> tokens)
    {
        builder.RemoveAllLoggers();
        builder.AddResilienceHandler("registry", (pipeline, context) => RegistryResilience.Configure(
            pipeline,
            Options(context.ServiceProvider, name),
            Clock(context.ServiceProvider),
            context.ServiceProvider.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            context.ServiceProvider.GetRequiredService<RegistryClientParts>().For(name).Circuit));
        // Inside the retry loop: each attempt asks for the current token.
        builder.AddHttpMessageHandler(sp => new BearerTokenHandler(tokens(sp)));
        // Inside too: every attempt of every call of this client waits out a 429.
        builder.AddHttpMessageHandler(sp => new BackPressureHandler(sp.GetRequiredService<RegistryClientParts>().For(name).BackPressure, Options(sp, name).MaxRetryAfter));
        return builder;
    }

    private static RegistryClientOptions Options(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<RegistryClientOptions>>().Get(name);

    /// <summary>The container's clock, or the system's.</summary>
    public static TimeProvider Clock(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;
}
