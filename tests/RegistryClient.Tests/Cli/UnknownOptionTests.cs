using RegistryClient.Tests.Mapping;

namespace RegistryClient.Tests.Cli;

/// <summary>A typo never acts: every command rejects an option it does not know before doing anything.</summary>
public sealed class UnknownOptionTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("registry-options-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    public static TheoryData<string> Commands() => new()
    {
        "validate {valid}",
        "map --profile {profile} {export}",
        "submit {valid} --endpoint http://127.0.0.1:1",
        "report {valid} --html {temp}/r.html",
        "sandbox --port 0",
        "demo",
        "schema",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_WithAnUnknownOption_ExitsTwoNamingIt(string command)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. Args(command), "--concurency", "2"]);

        Assert.Equal(2, exit);
        Assert.Contains("--concurency", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("document(s)", stdout, StringComparison.Ordinal); // nothing ran
    }

    [Fact]
    public async Task Submit_WithAMisspeltOption_SendsNothingAndCreatesNoOutbox()
    {
        var outbox = Path.Combine(_temp, "outbox.db");

        var (exit, stdout, _) = await CliRunner.RunAsync(
            "submit", Samples.ValidFiles.First(), "--endpoint", "http://127.0.0.1:1", "--outbox", outbox, "--concurency", "2");

        Assert.Equal(2, exit);
        Assert.False(File.Exists(outbox));
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Validate_AfterDoubleDash_EverythingIsAPath()
    {
        var typo = await CliRunner.RunAsync("validate", "--warnings-as-error", Samples.ValidFiles.First());
        var afterDoubleDash = await CliRunner.RunAsync("validate", "--", Samples.ValidFiles.First());

        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("unknown option '--warnings-as-error'", typo.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, afterDoubleDash.ExitCode);
    }

    private string[] Args(string command) =>
        command
            .Replace("{valid}", Samples.ValidFiles.First(), StringComparison.Ordinal)
            .Replace("{profile}", MappingTestData.ProfileFile, StringComparison.Ordinal)
            .Replace("{export}", MappingTestData.ExportFile, StringComparison.Ordinal)
            .Replace("{temp}", _temp, StringComparison.Ordinal)
            .Split(' ');
}
