using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RegistryClient.Tests.Hosting;

/// <summary>The registry health check as a monitoring system sees it: why it is degraded or unhealthy, and never whose case.</summary>
public sealed class RegistryHealthCheckTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-health-").FullName;

    private string OutboxPath => Path.Combine(_directory, "outbox.db");

    public void Dispose()
    {
        WorkerHost.ClearPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ADrainedOutbox_IsHealthy()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath);
        await host.StartAsync();
        await host.Queue().EnqueueAsync(TestSubmissions.Load());
        await host.DrainedAsync(1);

        var report = await host.HealthAsync();
        await host.StopAsync();

        var entry = report.Entries["registry"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal((0L, "closed"), (Convert.ToInt64(entry.Data["pending"], System.Globalization.CultureInfo.InvariantCulture), entry.Data["circuit"]));
    }

    [Fact]
    public async Task TheOldestPendingSubmissionPastTheThreshold_IsDegraded_NamingItsAgeNotTheCase()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var host = WorkerHost.Build(new Uri("http://127.0.0.1:9/"), "t", OutboxPath, services: s => s.AddSingleton<TimeProvider>(clock));
        var submission = TestSubmissions.Load();
        await host.Queue().EnqueueAsync(submission); // the worker is not started: the version stays pending

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HealthStatus.Healthy, (await host.HealthAsync()).Status);
        clock.Advance(TimeSpan.FromMinutes(2));
        var entry = (await host.HealthAsync()).Entries["registry"];

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("The oldest pending submission has waited 61 min (over 60 min).", entry.Description);
        Assert.Equal(3660.0, entry.Data["oldestPendingAgeSeconds"]);
        AssertNoIdentifier(entry, submission.Patient.NhsNumber!, submission.LocalRecordId);
    }

    [Fact]
    public async Task AnOpenCircuit_IsDegraded_AndTheWorkerStopsSendingUntilTheBreakEnds()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/submissions").UsingPost()).RespondWith(Response.Create().WithStatusCode(502));
        using var host = WorkerHost.Build(new Uri(server.Url!), "t", OutboxPath, client: o =>
        {
            o.MaxRetryAttempts = 1;
            o.CircuitMinimumThroughput = 2;
            o.CircuitBreakDuration = TimeSpan.FromMinutes(10);
        });
        await host.StartAsync();
        foreach (var submission in TestSubmissions.Many(10))
        {
            await host.Queue().EnqueueAsync(submission);
        }

        HealthReportEntry entry = default;
        await WorkerHost.Until(async () => (entry = (await host.HealthAsync()).Entries["registry"]).Status == HealthStatus.Degraded, "the circuit opened");
        var sentWhenOpened = server.LogEntries.Count();
        await host.Queue().EnqueueAsync(TestSubmissions.Many(11).Last()); // a wake while the circuit is open sends nothing
        var again = (await host.HealthAsync()).Entries["registry"];
        await host.StopAsync();

        Assert.Equal("open", entry.Data["circuit"]);
        Assert.Contains("the registry circuit is open after repeated failures", entry.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HealthStatus.Degraded, again.Status);
        Assert.Equal(sentWhenOpened, server.LogEntries.Count());
        Assert.True(sentWhenOpened < 10 * 2, $"the worker kept sending through the open circuit ({sentWhenOpened} requests)");
    }

    [Fact]
    public async Task ACorruptOutbox_IsUnhealthy_SayingWhyAndWhere()
    {
        await File.WriteAllTextAsync(OutboxPath, "this is not a database");
        using var host = WorkerHost.Build(new Uri("http://127.0.0.1:9/"), "t", OutboxPath);
        await host.StartAsync();

        var entry = (await host.HealthAsync()).Entries["registry"];
        await host.StopAsync();

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("Corrupt", entry.Data["outboxProblem"]);
        Assert.StartsWith("The outbox is unavailable (Corrupt): ", entry.Description, StringComparison.Ordinal);
        Assert.Contains("outbox.db", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOutboxThatCannotRecordTheRegistrysAnswers_IsUnhealthy_ThoughItCanStillBeRead()
    {
        using var sqlite = await RegistryClient.Outbox.Sqlite.SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var full = new FullDiskOutbox(sqlite);
        var answers = new RegistryClient.Tests.Outbox.BatchSubmitterTests.ScriptedClient(s => Task.FromResult(RegistryClient.Tests.Outbox.BatchSubmitterTests.Stored(s, RegistryClient.Http.SubmissionStatus.Created)));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<RegistryClient.Http.VenousRegistryClient>(answers);
        builder.Services.AddRegistryClient(o => { o.Endpoint = new Uri("http://127.0.0.1:9/"); o.Token = "t"; })
            .AddOutbox(full, o => o.RetryInterval = TimeSpan.FromMinutes(5));
        builder.Services.AddHealthChecks().AddRegistryHealthCheck();
        using var host = builder.Build();
        await host.StartAsync();
        await host.Queue().EnqueueAsync(TestSubmissions.Load());

        HealthReportEntry entry = default;
        await WorkerHost.Until(async () => (entry = (await host.HealthAsync()).Entries["registry"]).Status == HealthStatus.Unhealthy, "the failed write was reported");
        await host.StopAsync();

        Assert.Equal("Full", entry.Data["outboxProblem"]);
        Assert.Equal(1, Convert.ToInt32(entry.Data["pending"], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>An outbox on a full disk: reads work, recording the registry's answer does not.</summary>
    private sealed class FullDiskOutbox(RegistryClient.Outbox.SubmissionOutbox inner) : RegistryClient.Outbox.DelegatingSubmissionOutbox(inner)
    {
        public override Task MarkStoredAsync(string idempotencyKey, RegistryClient.Http.SubmissionStatus outcome, RegistryClient.Http.SubmissionReceipt receipt, CancellationToken cancellationToken = default) =>
            throw new RegistryClient.Outbox.OutboxUnavailableException(RegistryClient.Outbox.OutboxProblem.Full, "outbox.db", "The outbox outbox.db is on a full disk; free space.");
    }

    [Fact]
    public async Task RefusedCredentials_AreUnhealthy_AndRejectionsDegradeUntilTheNextCheck()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using (var host = WorkerHost.Build(sandbox.BaseAddress, "not-the-token", OutboxPath, o => o.RetryInterval = TimeSpan.FromMinutes(5)))
        {
            await host.StartAsync();
            await host.Queue().EnqueueAsync(TestSubmissions.Load());
            HealthReportEntry entry = default;
            await WorkerHost.Until(async () => (entry = (await host.HealthAsync()).Entries["registry"]).Status == HealthStatus.Unhealthy, "the 401 was seen");
            await host.StopAsync();
            Assert.Equal(401, entry.Data["registryRefused"]);
            Assert.StartsWith("The registry refused the credentials (HTTP 401)", entry.Description, StringComparison.Ordinal);
        }

        WorkerHost.ClearPools();
        using (var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath))
        {
            await host.StartAsync();
            var invalid = TestSubmissions.Load() with { LocalRecordId = "RJ1-PMT-HEALTH-BAD", Procedure = TestSubmissions.Load().Procedure with { ProcedureDate = new DateTime(2090, 1, 1) } };
            await host.Queue().EnqueueAsync(invalid);
            await host.DrainedAsync(2);
            var first = (await host.HealthAsync()).Entries["registry"];
            var second = (await host.HealthAsync()).Entries["registry"];
            await host.StopAsync();

            Assert.Equal(HealthStatus.Degraded, first.Status);
            Assert.Equal("The registry refused 1 submission(s) since the last check.", first.Description);
            Assert.Equal(HealthStatus.Healthy, second.Status);
            AssertNoIdentifier(first, invalid.Patient.NhsNumber!, invalid.LocalRecordId);
        }
    }

    private static void AssertNoIdentifier(HealthReportEntry entry, params string[] identifiers)
    {
        var text = entry.Description + JsonSerializer.Serialize(entry.Data);
        foreach (var identifier in identifiers)
        {
            Assert.DoesNotContain(identifier, text, StringComparison.Ordinal);
        }
    }
}
