using RegistryClient.Tests.Cli;

namespace RegistryClient.Tests.Testing;

/// <summary><c>registry sandbox</c> refuses options it cannot honour before it listens.</summary>
public sealed class SandboxCommandTests
{
    [Theory]
    [InlineData("--tenant", "RJ1")]
    [InlineData("--tenant", "=token")]
    [InlineData("--tenant", "RJ1=")]
    [InlineData("--fail-rate", "2")]
    [InlineData("--key-retention", "0")]
    [InlineData("--token", " ")]
    public async Task BadOption_IsExit2WithOneLine_AndNothingListens(string option, string value)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("sandbox", "--port", "0", option, value);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("listening", stdout);
        Assert.StartsWith("registry sandbox:", stderr);
    }

    [Fact]
    public async Task SameOrganisationTwice_IsExit2()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("sandbox", "--port", "0", "--tenant", "RJ1=a", "--tenant", "RJ1=b");

        Assert.Equal(2, exit);
        Assert.Contains("--tenant", stderr);
    }
}
