using System.CommandLine;
using System.CommandLine.Parsing;

namespace RegistryClient.Cli;

/// <summary>
/// Options a command does not know. System.CommandLine hands an unknown <c>--option</c> to a command's variadic
/// argument as if it were a file name, so <c>submit X.json --concurency 2</c> would send X.json and complain later.
/// Every command's arguments are checked here before any command runs: a typo never acts.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>Tokens that look like options but were taken as values; after <c>--</c> anything goes.</summary>
    public static IReadOnlyList<string> In(ParseResult parse)
    {
        var afterDoubleDash = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        var seenDoubleDash = false;
        foreach (var token in parse.Tokens)
        {
            if (seenDoubleDash)
            {
                afterDoubleDash.Add(token);
            }

            seenDoubleDash |= token.Type == TokenType.DoubleDash;
        }

        var unknown = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is not CommandResult command)
            {
                continue;
            }

            foreach (var child in command.Children)
            {
                // A command's argument never starts with '-' (write ./-file for such a file); an option's value may
                // be negative, but never starts with "--".
                var suspicious = child switch
                {
                    ArgumentResult argument => argument.Tokens.Where(t => t.Value.Length > 1 && t.Value[0] == '-'),
                    OptionResult option => option.Tokens.Where(t => t.Type == TokenType.Argument && t.Value.StartsWith("--", StringComparison.Ordinal)),
                    _ => [],
                };
                unknown.AddRange(suspicious.Where(t => !afterDoubleDash.Contains(t)).Select(t => t.Value));
            }
        }

        return unknown;
    }
}
