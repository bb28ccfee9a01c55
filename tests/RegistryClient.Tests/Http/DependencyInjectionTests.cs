using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RegistryClient.Http;
using RegistryClient.Testing;
using RegistryClient.Validation;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RegistryClient.Tests.Http;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddRegistryClient_FromConfiguration_SubmitsToTheConfiguredRegistry()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var configuration = Configuration(new()
        {
            ["RegistryClient:Endpoint"] = sandbox.BaseAddress.ToString(),
            ["RegistryClient:Token"] = sandbox.Token,
            ["RegistryClient:MaxRetryAttempts"] = "2",
            ["RegistryClient:TotalTimeout"] = "00:00:30",
        });
        var services = new ServiceCollection();
        services.AddRegistryClient(configuration);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RegistryClientOptions>>().Value;
        var result = await provider.GetRequiredService<VenousRegistryClient>().SubmitAsync(TestSubmissions.Load());

        Assert.Equal((2, TimeSpan.FromSeconds(30)), (options.MaxRetryAttempts, options.TotalTimeout));
        Assert.Equal(SubmissionStatus.Created, result.Status);
    }

    [Theory]
    [InlineData("http://registry.example.org/", "https://")]
    [InlineData("", "Endpoint is required")]
    public void AddRegistryClient_InvalidConfiguration_FailsWhenOptionsAreFirstUsed_NamingTheSetting(string endpoint, string expected)
    {
        var services = new ServiceCollection();
        services.AddRegistryClient(Configuration(new() { ["RegistryClient:Endpoint"] = endpoint, ["RegistryClient:Token"] = "t" }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RegistryClientOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRegistryClient_MisspeltSection_FailsNamingIt_AndNeverBindsTheRoot()
    {
        // Endpoint and Token at the root (environment variables, say) must not stand in for a missing section.
        var services = new ServiceCollection();
        services.AddRegistryClient(Configuration(new()
        {
            ["Endpoint"] = "https://registry.example.org/",
            ["Token"] = "t",
            ["RegistryClinet:Endpoint"] = "https://registry.example.org/",
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RegistryClientOptions>>().Value);

        Assert.Contains("'RegistryClient' is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRegistryClient_GivenASectionOfAnotherName_BindsThatSection()
    {
        var configuration = Configuration(new() { ["Registries:Venous:Endpoint"] = "https://registry.example.org/", ["Registries:Venous:Token"] = "t" });
        var services = new ServiceCollection();
        services.AddRegistryClient(configuration.GetSection("Registries:Venous"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(new Uri("https://registry.example.org/"), provider.GetRequiredService<IOptions<RegistryClientOptions>>().Value.Endpoint);
    }

    [Fact]
    public void AddRegistryClient_WithoutTokenOrProvider_SaysWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddRegistryClient(o => o.Endpoint = new Uri("https://registry.example.org/"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IRegistryTokenProvider>());

        Assert.Contains("Token is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRegistryClient_RegistersTheValidator_WithItsOptions()
    {
        var services = new ServiceCollection();
        services.AddRegistryClient(o => (o.Endpoint, o.Token) = (new Uri("https://registry.example.org/"), "t"));
        services.Configure<SubmissionValidatorOptions>(o => o.MaxDocumentBytes = 16);
        using var provider = services.BuildServiceProvider();

        var validator = provider.GetRequiredService<SubmissionValidator>();
        var report = await validator.ValidateAsync(await File.ReadAllBytesAsync(Samples.ValidFiles.First()));

        Assert.Same(validator, provider.GetRequiredService<SubmissionValidator>());
        Assert.Contains(report.Issues, i => i.Code == "LIMIT");
    }

    [Fact]
    public async Task TheSingletonClient_AsksTheFactoryForItsCurrentHandlerOnEveryCall_SoHandlersRotate()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
            .WithBody("""{"id":"sub_1","localRecordId":"x","status":"accepted","receivedAt":"2026-11-24T10:00:00+00:00","schemaVersion":"1.0"}"""));
        var services = new ServiceCollection();
        var handlerRuns = 0;
        services.AddRegistryClient(o => (o.Endpoint, o.Token) = (new Uri(server.Url!), "t"))
            .ConfigureHttpClient(http => http.AddHttpMessageHandler(() => new CallbackHandler(() => Interlocked.Increment(ref handlerRuns))));
        var counting = new CountingFactory();
        var original = services.Last(d => d.ServiceType == typeof(IHttpMessageHandlerFactory));
        services.AddSingleton<IHttpMessageHandlerFactory>(sp => counting.Wrap((IHttpMessageHandlerFactory)(original.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<VenousRegistryClient>();

        await client.SubmitAsync(TestSubmissions.Load(0));
        await client.SubmitAsync(TestSubmissions.Load(1));

        Assert.Same(client, provider.GetRequiredService<VenousRegistryClient>());
        Assert.Equal(2, counting.Created); // the factory's current handler per call, not one for ever
        Assert.Equal(2, handlerRuns);      // and the handlers chained on the builder run on each
    }

    [Fact]
    public async Task ARedirect_IsNeverFollowed_TheTokenAndBodyStayWithTheConfiguredEndpoint()
    {
        using var target = WireMockServer.Start();
        target.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(201));
        using var registry = WireMockServer.Start();
        registry.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", target.Url + "/v1/submissions"));
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = new Uri(registry.Url!), Token = "secret-token", MaxRetryAttempts = 0 });

        // A redirect is not an outcome the API promises: the one exception type, naming the status.
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.SubmitAsync(TestSubmissions.Load()));

        Assert.Empty(target.LogEntries);
        Assert.Single(registry.LogEntries);
        Assert.Equal(307, error.Status);
        Assert.Contains("307", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CopiesEveryOption_IncludingOnesAddedLater()
    {
        var from = new RegistryClientOptions();
        var properties = typeof(RegistryClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var property in properties)
        {
            property.SetValue(from, NonDefault(property.PropertyType, property.GetValue(from)));
        }

        var to = new RegistryClientOptions();
        RegistryClientServiceCollectionExtensions.CopyOptions(from, to);

        Assert.All(properties, p => Assert.Equal(p.GetValue(from), p.GetValue(to)));
    }

    /// <summary>A value unlike the default, for each option type; a new type of option must be added here.</summary>
    private static object NonDefault(Type type, object? current) => type switch
    {
        _ when type == typeof(Uri) => new Uri("https://copied.example.org/"),
        _ when type == typeof(string) => "copied",
        _ when type == typeof(TimeSpan) => ((TimeSpan)current!) + TimeSpan.FromMilliseconds(7),
        _ when type == typeof(int) => (int)current! + 7,
        _ when type == typeof(double) => (double)current! / 2,
        _ when type == typeof(bool) => !(bool)current!,
        _ when type.IsAssignableFrom(typeof(OtherClock)) => new OtherClock(),
        _ => throw new InvalidOperationException($"Give the test a non-default value of {type}, the type of a new option."),
    };

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private sealed class CountingFactory
    {
        private int _created;

        public int Created => _created;

        public IHttpMessageHandlerFactory Wrap(IHttpMessageHandlerFactory inner) => new Wrapper(this, inner);

        private sealed class Wrapper(CountingFactory counts, IHttpMessageHandlerFactory inner) : IHttpMessageHandlerFactory
        {
            public HttpMessageHandler CreateHandler(string name)
            {
                Interlocked.Increment(ref counts._created);
                return inner.CreateHandler(name);
            }
        }
    }

    private sealed class OtherClock : TimeProvider;

    private sealed class CallbackHandler(Action onSend) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
