using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RegistryClient.Hosting;
using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Tests.Hosting;

/// <summary>A generic host as a trust would write it: the client, the SQLite outbox and its worker, the health check.</summary>
internal static class WorkerHost
{
    public static IHost Build(Uri endpoint, string? token, string outboxPath, Action<RegistryWorkerOptions>? worker = null,
        Action<RegistryClientOptions>? client = null, Action<IServiceCollection>? services = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "worker-test" });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30));
        services?.Invoke(builder.Services);
        builder.Services.AddRegistryClient(o =>
            {
                o.Endpoint = endpoint;
                o.Token = token;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
                client?.Invoke(o);
            })
            .AddSqliteOutbox(outboxPath, o =>
            {
                o.RetryInterval = TimeSpan.FromMilliseconds(50);
                worker?.Invoke(o);
            });
        builder.Services.AddHealthChecks().AddRegistryHealthCheck();
        return builder.Build();
    }

    public static Task<HealthReport> HealthAsync(this IHost host) => host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public static SubmissionQueue Queue(this IHost host) => host.Services.GetRequiredService<SubmissionQueue>();

    /// <summary>Waits (bounded) until the outbox holds nothing pending; the condition, not a fixed delay.</summary>
    public static async Task<OutboxCounts> DrainedAsync(this IHost host, int expectSettled, TimeSpan? within = null)
    {
        var outbox = await host.Queue().GetOutboxAsync();
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var counts = await outbox.CountAsync();
            if (counts.Pending == 0 && counts.Stored + counts.Rejected + counts.Withdrawn >= expectSettled)
            {
                return counts;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The outbox did not drain in time: {counts}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting until " + what);
            }

            await Task.Delay(20);
        }
    }

    public static void ClearPools() => SqliteConnection.ClearAllPools();
}
