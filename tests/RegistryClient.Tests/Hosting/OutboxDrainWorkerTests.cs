using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Hosting;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;
using RegistryClient.Tests.Outbox;

namespace RegistryClient.Tests.Hosting;

/// <summary>The hosted drain worker in a generic host against the sandbox: it drains through faults, wakes on enqueue, stops without losing or doubling anything.</summary>
public sealed class OutboxDrainWorkerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-worker-").FullName;

    private string OutboxPath => Path.Combine(_directory, "outbox.db");

    public void Dispose()
    {
        WorkerHost.ClearPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task QueuedCases_DrainThroughInjectedFaults_ToExactlyOneCasePerEpisode()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, FailRate = 0.3, Seed = 21, RetryAfterSeconds = 0 });
        using var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath);
        await host.StartAsync();
        foreach (var submission in TestSubmissions.Many(20))
        {
            await host.Queue().EnqueueAsync(submission);
        }

        var counts = await host.DrainedAsync(20);
        await host.StopAsync();

        Assert.Equal((20, 0, 0), (counts.Stored, counts.Rejected, counts.Pending));
        Assert.Equal((20, 20), await sandbox.CountAsync());
        Assert.True(sandbox.Faults.Total > 0, "the sandbox injected no fault, so the test proved nothing about them");
    }

    [Fact]
    public async Task AnOutboxAddedToANamedClient_IsDrainedThroughThatClient_NotTheUnnamedOne()
    {
        // A trust whose unnamed client sends elsewhere: the outbox added to 'north' must reach north's registry only.
        await using var north = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        await using var elsewhere = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "worker-test" });
        builder.Services.AddRegistryClient(o => (o.Endpoint, o.Token) = (elsewhere.BaseAddress, elsewhere.Token));
        builder.Services.AddRegistryClient("north", o => (o.Endpoint, o.Token) = (north.BaseAddress, north.Token))
            .AddSqliteOutbox(OutboxPath, o => o.RetryInterval = TimeSpan.FromMilliseconds(50));
        using var host = builder.Build();
        await host.StartAsync();
        foreach (var submission in TestSubmissions.Many(3))
        {
            await host.Queue().EnqueueAsync(submission);
        }

        var counts = await host.DrainedAsync(3);
        await host.StopAsync();

        Assert.Equal((3, 0), (counts.Stored, counts.Rejected));
        Assert.Equal((3, 3), await north.CountAsync());
        Assert.Equal((0, 0), await elsewhere.CountAsync());
    }

    [Fact]
    public void AnOutboxAddedToTwoClients_IsRefusedAtRegistration_NamingBoth()
    {
        var services = new ServiceCollection();
        services.AddRegistryClient("north", o => o.Endpoint = new Uri("https://north.example.org/")).AddSqliteOutbox(OutboxPath);

        var error = Assert.Throws<InvalidOperationException>(() =>
            services.AddRegistryClient("south", o => o.Endpoint = new Uri("https://south.example.org/")).AddSqliteOutbox(OutboxPath));

        Assert.Contains("already added to the registry client 'north'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the registry client 'south' cannot have another", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGrowingCase_IsAmendedInOrder_WhileTheHostRuns()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath);
        await host.StartAsync();
        var versions = TestCases.Growing(0, "RJ1-PMT-WORKER-GROW");
        foreach (var version in versions)
        {
            await host.Queue().EnqueueAsync(version);
        }

        await host.DrainedAsync(versions.Count);
        var history = await (await host.Queue().GetOutboxAsync()).HistoryAsync("RJ1", "RJ1-PMT-WORKER-GROW");
        await host.StopAsync();

        Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (int?)v), history.Select(v => v.RegistryVersion));
        Assert.Equal((1, 1), await sandbox.CountAsync());
        Assert.Equal(versions.Count, (await sandbox.GetHistoryAsync(history[0].ReceiptId!)).Count);
    }

    [Fact]
    public async Task Enqueue_WakesTheWorkerAtOnce_WithoutWaitingForThePoll()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath, o => o.PollInterval = TimeSpan.FromHours(1),
            services: s => s.AddSingleton<TimeProvider>(clock));
        await host.StartAsync();
        await WorkerHost.Until(async () => (await host.Queue().GetOutboxAsync()).GetType().Name.Length > 0, "the outbox is open");

        await host.Queue().EnqueueAsync(TestSubmissions.Load());

        // The fake clock never moves: only the enqueue's signal can have started this drain.
        var counts = await host.DrainedAsync(1, TimeSpan.FromSeconds(20));
        Assert.Equal(1, counts.Stored);
        await host.StopAsync();
    }

    [Fact]
    public async Task StoppingTheHostMidDrain_LosesNothing_AndTheNextStartStoresNothingTwice()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, Latency = TimeSpan.FromMilliseconds(150) });
        var cases = TestSubmissions.Many(24).ToList();
        using (var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath, o => o.Concurrency = 3))
        {
            await host.StartAsync();
            foreach (var submission in cases)
            {
                await host.Queue().EnqueueAsync(submission);
            }

            await WorkerHost.Until(async () => (await sandbox.CountAsync()).Submissions >= 3, "some cases reached the registry");
            await host.StopAsync();

            var outbox = await host.Queue().GetOutboxAsync();
            var counts = await outbox.CountAsync();
            var (held, _) = await sandbox.CountAsync();
            Assert.Equal(24, counts.Stored + counts.Pending);
            Assert.True(counts.Pending > 0, "the host stopped after the drain had finished: nothing was mid-drain");
            Assert.Equal(held, counts.Stored); // every send in flight finished and was recorded before the host stopped
        }

        WorkerHost.ClearPools();
        using (var again = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath))
        {
            await again.StartAsync();
            var counts = await again.DrainedAsync(24);
            await again.StopAsync();
            Assert.Equal((24, 0), (counts.Stored, counts.Pending));
        }

        Assert.Equal((24, 24), await sandbox.CountAsync());
    }

    [Fact]
    public async Task InvalidWorkerOptions_FailTheHostsStart_NamingTheSetting()
    {
        using var host = WorkerHost.Build(new Uri("http://127.0.0.1:9/"), "t", OutboxPath, o => o.Concurrency = 0);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RegistryClient:Worker:Concurrency is 1 to 256.", failure.Failures);
    }

    [Fact]
    public async Task ADropFolderWithoutAProfile_FailsTheHostsStart()
    {
        using var host = WorkerHost.Build(new Uri("http://127.0.0.1:9/"), "t", OutboxPath, o => o.DropFolder = new DropFolderOptions { Path = _directory });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RegistryClient:Worker:DropFolder:Profile is required.", failure.Failures);
    }

    [Fact]
    public async Task ACorruptOutbox_DoesNotStopTheHost_AndIsUsedOnceReplaced()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        await File.WriteAllTextAsync(OutboxPath, "this is not a database, it was overwritten by a backup tool");
        using var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, OutboxPath);
        await host.StartAsync();

        var failure = await Assert.ThrowsAsync<OutboxUnavailableException>(() => host.Queue().EnqueueAsync(TestSubmissions.Load()));
        Assert.Equal(OutboxProblem.Corrupt, failure.Problem);

        File.Delete(OutboxPath); // the operator restores the file: the queue opens it on the next use
        await host.Queue().EnqueueAsync(TestSubmissions.Load());
        var counts = await host.DrainedAsync(1);
        await host.StopAsync();
        Assert.Equal(1, counts.Stored);
    }
}
