using System.CommandLine;
using System.Text;
using RegistryClient.Cli.Validate.Formats;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Validate;

/// <summary><c>registry validate PATH... [--format text|json|sarif|junit] [--output FILE] [--warnings-as-errors]</c></summary>
internal static class ValidateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Submission files (.json: one submission or an array; .ndjson: one per line) or directories (searched recursively).",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong(ReportWriter.Names);
        var output = new Option<string?>("--output") { Description = "Write the report to this file instead of standard output." };
        var warningsAsErrors = new Option<bool>("--warnings-as-errors") { Description = "Report warnings as errors, and fail documents that have them." };

        var command = new Command("validate", "Validate submissions against the schema and the clinical rules (exit 0 valid, 1 invalid, 2 input error).")
        {
            paths, format, output, warningsAsErrors,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var outputPath = parse.GetValue(output);
            TextWriter? file = null;
            try
            {
                // Opened before any work, so a report that cannot be written is known at once.
                file = outputPath is null ? null : new StreamWriter(File.Create(outputPath), new UTF8Encoding(false)) { NewLine = "\n" };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await stderr.WriteLineAsync($"registry validate: cannot write {outputPath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            await using (file)
            {
                return await RunAsync(parse.GetValue(paths)!, parse.GetValue(format)!, parse.GetValue(warningsAsErrors), file ?? stdout, file is not null, stderr, cancellationToken);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string[] paths, string format, bool warningsAsErrors, TextWriter report, bool reportToFile, TextWriter stderr, CancellationToken cancellationToken)
    {
        var options = new SubmissionValidatorOptions();
        var validator = new SubmissionValidator(options);
        RunTotals totals;
        using (var writer = ReportWriter.Create(format, report))
        {
            try
            {
                totals = await ValidationRun.ExecuteAsync(
                    SubmissionFiles.Expand(paths, stderr), validator, options.MaxDocumentBytes, warningsAsErrors, writer, reportToFile ? stderr : null, cancellationToken);
            }
            catch (IOException ex)
            {
                await stderr.WriteLineAsync($"registry validate: cannot write the report: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }
        }

        if (totals.InputErrors > 0)
        {
            return ExitCodes.UsageOrInput;
        }

        if (totals.Documents == 0)
        {
            await stderr.WriteLineAsync(
                $"registry validate: no submission found in {string.Join(", ", paths)} (a directory is searched for *.json and *.ndjson files; blank NDJSON lines are not documents).");
            return ExitCodes.UsageOrInput;
        }

        return totals.Invalid > 0 ? ExitCodes.Failures : ExitCodes.Success;
    }
}
