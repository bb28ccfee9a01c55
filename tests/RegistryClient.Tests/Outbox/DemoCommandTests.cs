using RegistryClient.Tests.Cli;

namespace RegistryClient.Tests.Outbox;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_RunsTheWholeFlow_AndEveryValidEpisodeLandsExactlyOnce()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("demo");

        Assert.True(exit == 0, stderr);
        Assert.Contains("31 episodes mapped; 6 rows refused", stdout, StringComparison.Ordinal);
        Assert.Contains("30 valid; 1 invalid", stdout, StringComparison.Ordinal);
        Assert.Contains("0 rejected, 0 left pending", stdout, StringComparison.Ordinal);
        Assert.Contains("0 sent again; the sandbox holds 30 submissions for 30 episodes", stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b999\d{7}\b", stdout); // no NHS number in the account
    }
}
