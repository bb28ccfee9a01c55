using System.CommandLine;
using System.Text;
using RegistryClient.Mapping;

namespace RegistryClient.Cli.Map;

/// <summary><c>registry map</c>: a local export to submissions (NDJSON), with mapping errors located by file, row and column.</summary>
internal static class MapCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var profileOption = new Option<string>("--profile") { Description = "The mapping profile (JSON).", Required = true };
        var output = new Option<string?>("--output") { Description = "Write the NDJSON to this file instead of standard output." };
        var input = new Argument<string>("INPUT") { Description = "The export to map (CSV, JSON lines or .xlsx, as the profile says; for a FHIR profile a Bundle, a Bulk Data .ndjson file, or a folder of them)." };
        var validateFhir = new Option<bool>("--validate-fhir") { Description = "FHIR input: validate every resource an episode reads against base FHIR R4 (and the profiles in --fhir-package); a resource that does not conform fails its episode." };
        var fhirPackage = new Option<string?>("--fhir-package") { Description = "FHIR input: a folder of conformance resources (an extracted FHIR package such as UK Core) to validate against as well; implies --validate-fhir." };
        var command = new Command("map", "Map a local export (CSV, JSON lines, an .xlsx sheet, or FHIR R4 Bundles and Bulk Data) to registry submissions, one JSON per line.") { profileOption, output, validateFhir, fhirPackage, input };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var profilePath = parse.GetValue(profileOption)!;
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output);
            byte[] profileBytes;
            try
            {
                profileBytes = await File.ReadAllBytesAsync(profilePath, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"registry map: cannot read the profile {profilePath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            // A FHIR profile goes to the FHIR package; only then is the FHIR SDK loaded.
            IAsyncEnumerable<MappingResult> results;
            var isFhir = FhirInput.IsFhirProfile(profileBytes);
            if (isFhir)
            {
                var packagePath = parse.GetValue(fhirPackage);
                var fhir = FhirInput.Open(profileBytes, profilePath, inputPath, parse.GetValue(validateFhir) || packagePath is not null, packagePath, stderr, cancellationToken);
                if (fhir is null)
                {
                    return ExitCodes.UsageOrInput;
                }

                results = fhir;
            }
            else
            {
                if (parse.GetValue(validateFhir) || parse.GetValue(fhirPackage) is not null)
                {
                    await stderr.WriteLineAsync("registry map: --validate-fhir and --fhir-package are for a FHIR profile (input.format \"fhir\").");
                    return ExitCodes.UsageOrInput;
                }

                var profile = await LoadProfileAsync(profileBytes, profilePath, stderr);
                if (profile is null)
                {
                    return ExitCodes.UsageOrInput;
                }

                // Each document is written out before the next is asked for, so the mapper may reuse their memory.
                results = ProfileMapper.MapFileForWritingAsync(profile, inputPath, cancellationToken);
            }

            int mapped = 0, failed = 0, rows = 0;
            NdjsonFile? sink = null;
            try
            {
                await foreach (var result in results)
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
                    if (result.IsMapped)
                    {
                        mapped++;
                        if (outputPath is null)
                        {
                            await stdout.WriteLineAsync(Encoding.UTF8.GetString(result.Json.Span));
                        }
                        else
                        {
                            await (sink ??= new NdjsonFile(outputPath)).WriteAsync(result.Json);
                        }

                        continue;
                    }

                    failed++;
                    foreach (var error in result.Errors)
                    {
                        await stderr.WriteLineAsync($"{error.Source}:{error.Row}:{Column(error)}: error: {error.Message}");
                    }
                }

                if (sink is not null)
                {
                    await sink.CompleteAsync(); // inside the try: a failed write is reported like a failed read
                }
            }
            catch (OutputFailure ex)
            {
                await stderr.WriteLineAsync($"registry map: cannot write {outputPath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CsvHelper.CsvFormatException)
            {
                await stderr.WriteLineAsync($"registry map: cannot read {inputPath}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A damaged workbook or another unreadable input: one line, never a stack trace or a cell's value.
                await stderr.WriteLineAsync($"registry map: {inputPath} could not be read to the end ({ex.GetType().Name}); is it damaged, or not in the profile's format?");
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
                await stderr.WriteLineAsync(isFhir
                    ? $"registry map: {inputPath} holds no episode (no resource of the anchor's type passes its filter)."
                    : $"registry map: {inputPath} holds no data rows.");
                return ExitCodes.UsageOrInput;
            }

            await stderr.WriteLineAsync(isFhir
                ? $"{rows} episode(s) read: {mapped} submission(s) mapped, {failed} episode(s) or resource(s) not mapped."
                : $"{rows} row(s) read: {mapped} submission(s) mapped, {failed} episode(s) or row(s) not mapped.");
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failures;
        });
        return command;
    }

    private static async Task<MappingProfile?> LoadProfileAsync(byte[] bytes, string path, TextWriter stderr)
    {
        var (loaded, errors) = MappingProfile.Load(bytes);
        foreach (var error in errors)
        {
            await stderr.WriteLineAsync($"{path}:{error.Line}:{error.Column}: error PROFILE: {error.Message}");
        }

        return loaded;
    }

    private static string Column(MappingError error) => error.Column.Length == 0 ? "*" : error.Column;

    /// <summary>
    /// Writes the mapped documents as they are (UTF-8 JSON, one per line) into the file, a 1 MiB block at a time on a
    /// second thread: copying each document into the block is all the mapping's reading thread does, so the kernel's
    /// copying of the output into the file (gigabytes for a large export) runs beside the reading instead of after it.
    /// </summary>
    private sealed class NdjsonFile(string path) : IAsyncDisposable
    {
        private const int BlockSize = 1 << 20;
        private readonly FileStream _file = Output(() => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0));
        private byte[] _block = new byte[BlockSize];
        private byte[] _spare = new byte[BlockSize];
        private int _used;
        private Task _writing = Task.CompletedTask;

        /// <summary>Copies the document and a line feed into the block; hands the block on when it is full.</summary>
        public async ValueTask WriteAsync(ReadOnlyMemory<byte> json)
        {
            if (json.Length + 1 > BlockSize - _used)
            {
                await HandOnAsync();
                if (json.Length + 1 > BlockSize)
                {
                    await _writing;
                    await OutputAsync(async () =>
                    {
                        await _file.WriteAsync(json);
                        _file.WriteByte((byte)'\n');
                        return true;
                    });
                    return;
                }
            }

            json.Span.CopyTo(_block.AsSpan(_used));
            _block[_used + json.Length] = (byte)'\n';
            _used += json.Length + 1;
        }

        /// <summary>Writes what is left and waits for every write; a failed write throws here.</summary>
        public async Task CompleteAsync()
        {
            await HandOnAsync();
            await _writing;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _writing; // never closes the file under a write still running
            }
            catch (OutputFailure)
            {
                // only when mapping stopped for another error, which is the one reported; CompleteAsync throws otherwise
            }

            await _file.DisposeAsync();
        }

        /// <summary>Starts writing the block (once the previous block is written) and takes the spare one to fill.</summary>
        private async Task HandOnAsync()
        {
            await _writing;
            if (_used == 0)
            {
                return;
            }

            var (full, count) = (_block, _used);
            (_block, _spare, _used) = (_spare, full, 0);
            _writing = Task.Run(() => Output(() => { _file.Write(full, 0, count); return true; }));
        }

        /// <summary>Runs a step on the output file, telling its failure (a full disk, a missing folder) from a failure to read the input.</summary>
        private static T Output<T>(Func<T> step)
        {
            try
            {
                return step();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputFailure(ex);
            }
        }

        private static async Task<T> OutputAsync<T>(Func<Task<T>> step)
        {
            try
            {
                return await step();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputFailure(ex);
            }
        }
    }

    /// <summary>The output file could not be created or written; its message is the system's.</summary>
    private sealed class OutputFailure(Exception inner) : Exception(inner.Message, inner);
}
