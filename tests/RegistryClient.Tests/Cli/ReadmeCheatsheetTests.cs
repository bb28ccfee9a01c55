using System.Text.RegularExpressions;

namespace RegistryClient.Tests.Cli;

/// <summary>The README's command-line cheatsheet is what <c>registry --help</c> says: every command, every option.</summary>
public sealed partial class ReadmeCheatsheetTests
{
    [Fact]
    public async Task Cheatsheet_NamesEveryCommandOfRegistryHelp_AndNoOther()
    {
        var commands = await CommandsAsync();

        Assert.Equal(commands.Order(StringComparer.Ordinal), Cheatsheet().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cheatsheet_GivesEveryOptionOfEachCommand()
    {
        var rows = Cheatsheet();
        var missing = new List<string>();
        foreach (var command in await CommandsAsync())
        {
            var (_, help, _) = await CliRunner.RunAsync(command, "--help");
            var options = OptionName().Matches(help[help.IndexOf("Options:", StringComparison.Ordinal)..])
                .Select(m => m.Groups[1].Value).Where(o => o is not ("--help" or "--version")).ToList();
            Assert.NotEmpty(command == "schema" ? ["--help"] : options); // the parse found the options section
            missing.AddRange(options.Where(o => !rows[command].Contains(o + " ", StringComparison.Ordinal) && !rows[command].Contains(o + "]", StringComparison.Ordinal)
                && !rows[command].EndsWith(o, StringComparison.Ordinal)).Select(o => $"registry {command} {o}"));
        }

        Assert.Empty(missing);
    }

    private static async Task<List<string>> CommandsAsync()
    {
        var (exit, help, _) = await CliRunner.RunAsync("--help");
        Assert.Equal(0, exit);
        var section = help[(help.IndexOf("Commands:", StringComparison.Ordinal) + "Commands:".Length)..];
        var commands = CommandName().Matches(section).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("validate", commands);
        return commands;
    }

    /// <summary>The cheatsheet's rows: command name to the row's command column.</summary>
    private static Dictionary<string, string> Cheatsheet()
    {
        var readme = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "README.md"));
        var table = readme[readme.IndexOf("**Command-line cheatsheet.**", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", table.IndexOf("| command |", StringComparison.Ordinal), StringComparison.Ordinal)];
        return CheatsheetRow().Matches(table).ToDictionary(m => m.Groups[1].Value, m => m.Groups[0].Value, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^  ([a-z][a-z-]*)\b", RegexOptions.Multiline)]
    private static partial Regex CommandName();

    [GeneratedRegex(@"^\s+(?:-\S+, )?(--[a-z][a-z-]*)", RegexOptions.Multiline)]
    private static partial Regex OptionName();

    [GeneratedRegex(@"^\| `registry ([a-z][a-z-]*)(?:[^|\\\n]|\\\||\\)*\|", RegexOptions.Multiline)]
    private static partial Regex CheatsheetRow();
}
