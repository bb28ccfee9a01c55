using System.CommandLine;
using RegistryClient.Cli.Demo;
using RegistryClient.Cli.Map;
using RegistryClient.Cli.Report;
using RegistryClient.Cli.Sandbox;
using RegistryClient.Cli.Submit;
using RegistryClient.Cli.Validate;
using RegistryClient.Model;

namespace RegistryClient.Cli;

/// <summary>The <c>registry</c> command tree.</summary>
internal static class RegistryCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Validate, map and submit PMT-for-DVT cases to the venous registry (NICE HTG516).")
        {
            DemoCommand.Create(stdout, stderr),
            ValidateCommand.Create(stdout, stderr),
            MapCommand.Create(stdout, stderr),
            SubmitCommand.Create(stdout, stderr),
            ReportCommand.Create(stdout, stderr),
            Reconcile.ReconcileCommand.Create(stdout, stderr),
            SandboxCommand.Create(stdout, stderr),
            SchemaCommand(stdout),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"registry: {error.Message}");
            }

            return ExitCodes.UsageOrInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
    }

    private static Command SchemaCommand(TextWriter stdout)
    {
        var command = new Command("schema", "Print the submission JSON Schema (draft-04).");
        command.SetAction(async (_, _) =>
        {
            await stdout.WriteAsync(SubmissionSchema.ReadText());
            return ExitCodes.Success;
        });
        return command;
    }
}
