using System.CommandLine;
using System.Text;
using RegistryClient.Mapping;

namespace RegistryClient.Cli.Map;

/// <summary><c>registry map</c>: a local export to submissions (NDJSON), with mapping errors located by row and column.</summary>
internal static class MapCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var profileOption = new Option<string>("--profile") { Description = "The mapping profile (JSON).", Required = true };
        var output = new Option<string?>("--output") { Description = "Write the NDJSON to this file instead of standard output." };
        var input = new Argument<string>("INPUT") { Description = "The export to map (CSV or JSON lines, as the profile says)." };
        var command = new Command("map", "Map a local export (CSV or JSON lines) to registry submissions, one JSON per line.") { profileOption, output, input };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var profilePath = parse.GetValue(profileOption)!;
            var inputPath = parse.GetValue(input)!;
            MappingProfile profile;
            try
            {
                await using var profileStream = File.OpenRead(profilePath);
                var (loaded, errors) = await MappingProfile.LoadAsync(profileStream, cancellationToken);
                foreach (var error in errors)
                {
                    await stderr.WriteLineAsync($"{profilePath}:{error.Line}:{error.Column}: error PROFILE: {error.Message}");
                }

                if (loaded is null)
                {
                    return ExitCodes.UsageOrInput;
                }

                profile = loaded;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"registry map: cannot read the profile {profilePath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            Stream source;
            try
            {
                source = File.OpenRead(inputPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"registry map: cannot read {inputPath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            var outputPath = parse.GetValue(output);
            int mapped = 0, failed = 0, rows = 0;
            await using (source)
            await using (var sink = outputPath is null ? null : new StreamWriter(outputPath, false, new UTF8Encoding(false)))
            {
                var writer = sink ?? stdout;
                await foreach (var result in ProfileMapper.MapAsync(profile, source, cancellationToken))
                {
                    rows += result.Rows;
                    if (result.Document is { } document)
                    {
                        mapped++;
                        await writer.WriteLineAsync(document.ToJsonString());
                        continue;
                    }

                    failed++;
                    foreach (var error in result.Errors)
                    {
                        await stderr.WriteLineAsync($"{inputPath}:{error.Row}:{(error.Column.Length == 0 ? "*" : error.Column)}: error: {error.Message}");
                    }
                }

                await writer.FlushAsync(cancellationToken);
            }

            await stderr.WriteLineAsync($"{rows} row(s) read: {mapped} submission(s) mapped, {failed} episode(s) or row(s) not mapped.");
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failures;
        });
        return command;
    }
}
