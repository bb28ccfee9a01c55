using System.CommandLine;
using RegistryClient.Cli.Demo;
using RegistryClient.Cli.Map;
using RegistryClient.Cli.Report;
using RegistryClient.Cli.Sandbox;
using RegistryClient.Cli.Submit;
using RegistryClient.Cli.Validate;
using RegistryClient.Cli.Watch;
using RegistryClient.Cli.Withdraw;
using RegistryClient.Model;

namespace RegistryClient.Cli;

/// <summary>The <c>registry</c> command tree.</summary>
internal static class RegistryCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default, TimeProvider? time = null)
    {
        var root = new RootCommand("Validate, map and submit PMT-for-DVT cases to the venous registry (NICE HTG516).")
        {
            DemoCommand.Create(stdout, stderr),
            ValidateCommand.Create(stdout, stderr),
            MapCommand.Create(stdout, stderr),
            SubmitCommand.Create(stdout, stderr),
            WatchCommand.Create(stdout, stderr),
            WithdrawCommand.Create(stdout, stderr),
            ReportCommand.Create(stdout, stderr, time),
            Reconcile.ReconcileCommand.Create(stdout, stderr, time),
            SandboxCommand.Create(stdout, stderr),
            SchemaCommand(stdout),
        };

        // Everything on the command line is parsed and checked before any command runs: a typo never acts.
        var parse = root.Parse(args);
        var unknown = UnknownOptions.In(parse);
        if (parse.Errors.Count > 0 || unknown.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"registry: {error.Message}");
            }

            foreach (var option in unknown)
            {
                await stderr.WriteLineAsync($"registry: unknown option '{option}' for '{parse.CommandResult.Command.Name}' (see 'registry {parse.CommandResult.Command.Name} --help'; a file named like an option is written ./{option}).");
            }

            return ExitCodes.UsageOrInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync($"registry {parse.CommandResult.Command.Name}: cancelled.");
            return ExitCodes.UsageOrInput;
        }
        catch (Exception ex)
        {
            // No stack trace, and no exception message either: it may quote the input, which may hold an identifier.
            await stderr.WriteLineAsync($"registry {parse.CommandResult.Command.Name}: unexpected failure ({ex.GetType().Name}); nothing further was done. Please report it.");
            return ExitCodes.UsageOrInput;
        }
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
