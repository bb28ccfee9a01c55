using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RegistryClient.Http;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Http;

/// <summary>
/// A trust that sends to two registries (or as two organisations) registers two named clients: each keeps its own
/// endpoint, token, back-pressure and circuit, and is found by name through the factory or as a keyed service.
/// </summary>
public sealed class NamedClientTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TwoNamedClients_EachSendsToItsOwnRegistry_WithItsOwnToken()
    {
        await using var north = await SandboxServer.StartAsync(new SandboxOptions());
        await using var south = await SandboxServer.StartAsync(new SandboxOptions());
        var services = new ServiceCollection();
        services.AddRegistryClient("north", o => (o.Endpoint, o.Token) = (north.BaseAddress, north.Token));
        services.AddRegistryClient("south", o => (o.Endpoint, o.Token) = (south.BaseAddress, south.Token));
        await using var provider = services.BuildServiceProvider();
        var clients = provider.GetRequiredService<IRegistryClientFactory>();

        var sentNorth = await clients.CreateClient("north").SubmitAsync(TestSubmissions.Load(0));
        var sentSouth = await clients.CreateClient("south").SubmitAsync(TestSubmissions.Load(1));

        Assert.Equal((SubmissionStatus.Created, SubmissionStatus.Created), (sentNorth.Status, sentSouth.Status));
        // Each registry holds only the case sent to it (a wrong token would have been a 401, not Created).
        Assert.NotNull(await clients.CreateClient("north").FindCaseAsync(TestSubmissions.Load(0).Submitter.OrganisationCode, TestSubmissions.Load(0).LocalRecordId));
        Assert.Null(await clients.CreateClient("south").FindCaseAsync(TestSubmissions.Load(0).Submitter.OrganisationCode, TestSubmissions.Load(0).LocalRecordId));
        Assert.NotNull(await clients.CreateClient("south").FindCaseAsync(TestSubmissions.Load(1).Submitter.OrganisationCode, TestSubmissions.Load(1).LocalRecordId));
    }

    [Fact]
    public async Task TheKeyedService_AndTheFactory_GiveOneClientPerName_AndTheUnnamedClientIsAnother()
    {
        var services = new ServiceCollection();
        services.AddRegistryClient(o => (o.Endpoint, o.Token) = (new Uri("https://default.example.org/"), "t0"));
        services.AddRegistryClient("north", o => (o.Endpoint, o.Token) = (new Uri("https://north.example.org/"), "t1"));
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IRegistryClientFactory>();

        var keyed = provider.GetRequiredKeyedService<VenousRegistryClient>("north");

        Assert.Same(keyed, factory.CreateClient("north"));
        Assert.Same(factory.CreateClient("north"), factory.CreateClient("north"));
        Assert.NotSame(keyed, provider.GetRequiredService<VenousRegistryClient>());
        Assert.Same(provider.GetRequiredService<VenousRegistryClient>(), factory.CreateClient(""));
        Assert.Equal(new Uri("https://north.example.org/"), provider.GetRequiredService<IOptionsMonitor<RegistryClientOptions>>().Get("north").Endpoint);
    }

    [Fact]
    public void AnUnknownName_SaysWhichNamesAreRegistered()
    {
        var services = new ServiceCollection();
        services.AddRegistryClient("north", o => (o.Endpoint, o.Token) = (new Uri("https://north.example.org/"), "t"));
        services.AddRegistryClient("south", o => (o.Endpoint, o.Token) = (new Uri("https://south.example.org/"), "t"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IRegistryClientFactory>().CreateClient("east"));

        Assert.Contains("'east'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'north', 'south'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANamedClientWithInvalidOptions_FailsWhenCreated_NamingTheClientAndTheSetting()
    {
        var services = new ServiceCollection();
        services.AddRegistryClient("north", o => (o.Endpoint, o.Token, o.MaxRetryAttempts) = (new Uri("http://north.example.org/"), "t", 99));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IRegistryClientFactory>().CreateClient("north"));

        Assert.Contains("The registry client 'north': Endpoint must use https://", error.Message, StringComparison.Ordinal);
        Assert.Contains("The registry client 'north': MaxRetryAttempts must be between 0 and 20.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RegistryClient:", error.Message, StringComparison.Ordinal); // not the unnamed client's section
    }

    [Fact]
    public void ANamedClientWithoutToken_FailsWhenResolved_SayingWhichClientAndHowToGiveOne()
    {
        var services = new ServiceCollection();
        services.AddRegistryClient("north", o => o.Endpoint = new Uri("https://north.example.org/"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<VenousRegistryClient>("north"));

        Assert.Contains("'north' needs a Token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANamedClient_UsesATokenProviderRegisteredUnderItsName_AndTheUnkeyedOneServesOnlyTheUnnamedClient()
    {
        using var registry = new ScriptedRegistry();
        registry.Script(ScriptedRegistry.Post(), ScriptedRegistry.Receipt(201, ScriptedRegistry.ReceiptJson()));
        var services = new ServiceCollection();
        services.AddSingleton(RegistryTokenProvider.Static("unnamed-token"));
        services.AddKeyedSingleton("north", RegistryTokenProvider.Static("north-token"));
        services.AddRegistryClient(o => o.Endpoint = registry.Endpoint);
        services.AddRegistryClient("north", o => o.Endpoint = registry.Endpoint);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<VenousRegistryClient>("north").SubmitAsync(TestSubmissions.Load(0));
        await provider.GetRequiredService<VenousRegistryClient>().SubmitAsync(TestSubmissions.Load(1));

        Assert.Equal(["Bearer north-token", "Bearer unnamed-token"], registry.Requests.Select(r => ScriptedRegistry.Header(r, "Authorization")));
    }

    [Fact]
    public async Task A429ToOneNamedClient_HoldsBackThatClientOnly()
    {
        var time = new TimerWatchingClock(Start);
        using var north = new ScriptedRegistry();
        using var south = new ScriptedRegistry();
        north.Script(ScriptedRegistry.Post(),
            WireMock.ResponseBuilders.Response.Create().WithStatusCode(429).WithHeader("Retry-After", "30"),
            ScriptedRegistry.Receipt(201, ScriptedRegistry.ReceiptJson()));
        south.Script(ScriptedRegistry.Post(), ScriptedRegistry.Receipt(201, ScriptedRegistry.ReceiptJson()));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddRegistryClient("north", o => Scripted(o, north.Endpoint));
        services.AddRegistryClient("south", o => Scripted(o, south.Endpoint));
        await using var provider = services.BuildServiceProvider();
        var clients = provider.GetRequiredService<IRegistryClientFactory>();

        var held = clients.CreateClient("north").SubmitAsync(TestSubmissions.Load(0));
        await time.WaitForTimerAsync(t => t.DueAt == Start + TimeSpan.FromSeconds(30), "north's wait for the 429's Retry-After");
        // South shares nothing with north: it is sent and answered while north's hold is on and the fake clock stands still.
        var sent = clients.CreateClient("south").SubmitAsync(TestSubmissions.Load(1));
        var first = await Task.WhenAny(sent, Task.Delay(TimeSpan.FromSeconds(20)));

        Assert.Same(sent, first);
        Assert.Equal(SubmissionStatus.Created, (await sent).Status);
        Assert.False(held.IsCompleted, "north finished inside its 30 s hold");
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(SubmissionStatus.Created, (await held).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AnEmptyName_IsRefused_PointingToTheUnnamedRegistration(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddRegistryClient(name, o => { }));

        Assert.Contains("AddRegistryClient(configure)", error.Message, StringComparison.Ordinal);
    }

    private static void Scripted(RegistryClientOptions options, Uri endpoint)
    {
        options.Endpoint = endpoint;
        options.Token = "t";
        options.MaxRetryAfter = TimeSpan.FromMinutes(1);
        options.AttemptTimeout = TimeSpan.FromMinutes(2);
        options.TotalTimeout = TimeSpan.FromMinutes(5);
    }
}
