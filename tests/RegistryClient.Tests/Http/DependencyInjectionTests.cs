using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RegistryClient.Http;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Http;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddRegistryClient_FromConfiguration_SubmitsToTheConfiguredRegistry()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RegistryClient:Endpoint"] = sandbox.BaseAddress.ToString(),
            ["RegistryClient:Token"] = sandbox.Token,
            ["RegistryClient:MaxRetryAttempts"] = "2",
            ["RegistryClient:TotalTimeout"] = "00:00:30",
        }).Build();
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
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RegistryClient:Endpoint"] = endpoint,
            ["RegistryClient:Token"] = "t",
        }).Build();
        var services = new ServiceCollection();
        services.AddRegistryClient(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RegistryClientOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
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
}
