using RegistryClient.Cli;

namespace RegistryClient.Tests.Cli;

/// <summary>Runs the <c>registry</c> command in-process, as a user would from a shell, and captures both streams.</summary>
internal static class CliRunner
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs the command with <paramref name="time"/> as its clock (the report's date, VR008's today).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeProvider? time, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exit = await RegistryCommand.RunAsync(args, stdout, stderr, default, time);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
