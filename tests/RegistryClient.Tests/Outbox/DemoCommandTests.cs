using RegistryClient.Tests.Cli;

namespace RegistryClient.Tests.Outbox;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_RunsTheWholeFlow_GrowsACase_WithdrawsOne_AndEndsWithOneCasePerEpisode()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("demo");

        Assert.True(exit == 0, stderr);
        Assert.Contains("31 episodes mapped; 6 rows refused", stdout, StringComparison.Ordinal);
        Assert.Contains("30 valid; 1 invalid", stdout, StringComparison.Ordinal);
        Assert.Contains("0 rejected, 0 left pending", stdout, StringComparison.Ordinal);
        var step4 = System.Text.RegularExpressions.Regex.Match(stdout, @"(\d+) unchanged, .* (\d+) responses lost after the registry had stored the submission\. On an empty registry an .unchanged. is such a lost response: the retry, under the same idempotency key, found the case stored and got its receipt back");
        Assert.True(step4.Success, stdout);
        Assert.InRange(int.Parse(step4.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0, int.Parse(step4.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)); // every "unchanged" had a lost response
        Assert.Contains("5. Ran the submit twice more: 0 sent again.", stdout, StringComparison.Ordinal);
        Assert.Matches(@"6\. Case \S+ grew: its \S+ follow-up arrived and was sent as an amendment \(1 amended\): the registry's case \S+ is now at version 2, still one case\.", stdout);
        Assert.Contains("7. Re-ran last month's export of", stdout, StringComparison.Ordinal);
        Assert.Contains(": stale, 0 sent; the registry keeps version 2.", stdout, StringComparison.Ordinal);
        Assert.Contains("re-submitting it afterwards: 1 refused as withdrawn, never re-created.", stdout, StringComparison.Ordinal);
        Assert.Contains("9. The sandbox holds 30 cases for 30 episodes, one of them withdrawn and one at version 2: exactly one case per episode.", stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b999\d{7}\b", stdout); // no NHS number in the account
    }
}
