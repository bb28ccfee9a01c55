using System.CommandLine;
using System.Text;
using System.Text.Json;
using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Cli.Map;

/// <summary><c>registry map</c>: a local export to submissions (NDJSON), with mapping errors located by file, row and column.</summary>
internal static class MapCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var profileOption = new Option<string>("--profile") { Description = "The mapping profile (JSON).", Required = true };
        var output = new Option<string?>("--output") { Description = "Write the NDJSON to this file instead of standard output." };
        var input = new Argument<string>("INPUT") { Description = "The export to map (CSV, JSON lines or .xlsx, as the profile says)." };
        var command = new Command("map", "Map a local export (CSV, JSON lines or an .xlsx sheet) to registry submissions, one JSON per line.") { profileOption, output, input };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var profilePath = parse.GetValue(profileOption)!;
            var profile = await LoadProfileAsync(profilePath, stderr, cancellationToken);
            if (profile is null)
            {
                return ExitCodes.UsageOrInput;
            }

            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output);
            int mapped = 0, failed = 0, rows = 0;
            StreamWriter? sink = null;
            try
            {
                await foreach (var result in ProfileMapper.MapFileAsync(profile, inputPath, cancellationToken))
                {
                    if (result.IsInputError)
                    {
                        foreach (var error in result.Errors)
                        {
                            await stderr.WriteLineAsync($"{error.Source}:{error.Row}:{Column(error)}: error: {error.Message}");
                        }

                        return ExitCodes.UsageOrInput;
                    }

                    rows += result.Rows;
                    if (result.Submission is { } submission)
                    {
                        mapped++;
                        var writer = outputPath is null ? stdout : sink ??= new StreamWriter(outputPath, false, new UTF8Encoding(false));
                        await writer.WriteLineAsync(JsonSerializer.Serialize(submission, RegistryJsonContext.Default.Submission));
                        continue;
                    }

                    failed++;
                    foreach (var error in result.Errors)
                    {
                        await stderr.WriteLineAsync($"{error.Source}:{error.Row}:{Column(error)}: error: {error.Message}");
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CsvHelper.CsvFormatException)
            {
                await stderr.WriteLineAsync($"registry map: cannot read {inputPath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }
            finally
            {
                if (sink is not null)
                {
                    await sink.DisposeAsync();
                }
            }

            await stdout.FlushAsync(cancellationToken);
            if (rows == 0)
            {
                await stderr.WriteLineAsync($"registry map: {inputPath} holds no data rows.");
                return ExitCodes.UsageOrInput;
            }

            await stderr.WriteLineAsync($"{rows} row(s) read: {mapped} submission(s) mapped, {failed} episode(s) or row(s) not mapped.");
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failures;
        });
        return command;
    }

    private static async Task<MappingProfile?> LoadProfileAsync(string path, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            var (loaded, errors) = await MappingProfile.LoadAsync(stream, cancellationToken);
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"{path}:{error.Line}:{error.Column}: error PROFILE: {error.Message}");
            }

            return loaded;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"registry map: cannot read the profile {path}: {ex.Message}");
            return null;
        }
    }

    private static string Column(MappingError error) => error.Column.Length == 0 ? "*" : error.Column;
}
