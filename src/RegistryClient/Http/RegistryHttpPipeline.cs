using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    public static IHttpClientBuilder Add(IHttpClientBuilder builder)
    {
        builder.Services.TryAddTransient<BearerTokenHandler>();
        builder.Services.TryAddSingleton(sp => new RegistryBackPressure(Clock(sp)));
        builder.Services.TryAddTransient<BackPressureHandler>();
        builder.Services.TryAddSingleton(sp => new RegistryCircuit(Clock(sp)));

        builder.RemoveAllLoggers();
        builder.AddResilienceHandler("registry", (pipeline, context) => RegistryResilience.Configure(
            pipeline,
            context.ServiceProvider.GetRequiredService<IOptions<RegistryClientOptions>>().Value,
            Clock(context.ServiceProvider),
            context.ServiceProvider.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            context.ServiceProvider.GetRequiredService<RegistryCircuit>()));
        builder.AddHttpMessageHandler<BearerTokenHandler>(); // inside the retry loop: each attempt asks for the current token
        builder.AddHttpMessageHandler<BackPressureHandler>(); // inside too: every attempt of every call waits out a 429
        return builder;
    }

    /// <summary>The container's clock, or the system's.</summary>
    public static TimeProvider Clock(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;
}
