using RegistryClient.Cli;

namespace RegistryClient.Tests.Cli;

/// <summary>Runs the <c>registry</c> command in-process, as a user would from a shell, and captures both streams.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = await RegistryCommand.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
