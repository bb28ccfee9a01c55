using System.CommandLine;
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
        format.AcceptOnlyFromAmong(ReportFormats.Names);
        var output = new Option<string?>("--output") { Description = "Write the report to this file instead of standard output." };
        var warningsAsErrors = new Option<bool>("--warnings-as-errors") { Description = "Fail documents that have warnings." };

        var command = new Command("validate", "Validate submissions against the schema and the clinical rules (exit 0 valid, 1 invalid, 2 input error).")
        {
            paths, format, output, warningsAsErrors,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SubmissionValidatorOptions();
            var validator = new SubmissionValidator(options);
            var inputs = SubmissionFiles.Expand(parse.GetValue(paths)!, stderr);
            var run = await ValidationRun.ExecuteAsync(inputs, validator, options.MaxDocumentBytes, parse.GetValue(warningsAsErrors), cancellationToken);

            var outputPath = parse.GetValue(output);
            try
            {
                if (outputPath is null)
                {
                    using var buffer = new MemoryStream();
                    ReportFormats.Write(parse.GetValue(format)!, run, buffer);
                    await stdout.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                    await stdout.FlushAsync(cancellationToken);
                }
                else
                {
                    await using var file = File.Create(outputPath);
                    ReportFormats.Write(parse.GetValue(format)!, run, file);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"registry validate: cannot write {outputPath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            foreach (var failed in run.Files.Where(f => f.InputError is not null))
            {
                await stderr.WriteLineAsync($"{failed.Path}: {failed.InputError}");
            }

            return run.ExitCode;
        });
        return command;
    }
}
