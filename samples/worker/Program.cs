using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RegistryClient.Hosting;

// The registry worker: drains the outbox into the registry and ingests the exports the interface engine drops.
// Runs in the foreground (`dotnet run`), as a Windows service (sc.exe create) or as a systemd unit (Type=notify).
var builder = WebApplication.CreateBuilder(args);
builder.Host
    .UseWindowsService(o => o.ServiceName = "RegistryWorker") // no-op unless started by the Windows service manager
    .UseSystemd(); // no-op unless started by systemd: then Type=notify readiness and journald-friendly logs

// Endpoint and options from appsettings.json; the token from the environment (RegistryClient__Token) or a secret store.
builder.Services.AddRegistryClient(builder.Configuration.GetSection("RegistryClient"))
    .AddSqliteOutbox(builder.Configuration["RegistryClient:OutboxPath"] ?? "registry-outbox.db");
builder.Services.Configure<RegistryWorkerOptions>(builder.Configuration.GetSection(RegistryWorkerOptions.SectionName));
builder.Services.AddHealthChecks().AddRegistryHealthCheck(configure: o => builder.Configuration.GetSection("RegistryClient:Health").Bind(o));

var app = builder.Build();

// Monitoring polls /health: 200 Healthy or Degraded (with why), 503 Unhealthy. Counts, ages and states only.
app.MapHealthChecks("/health", new HealthCheckOptions
{
    ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 200, [HealthStatus.Unhealthy] = 503 },
    ResponseWriter = (context, report) =>
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        }));
    },
});

await app.RunAsync();
