using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RegistryClient.Cli.Submit;
using RegistryClient.Http;
using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Testing;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Demo;

/// <summary>
/// <c>registry demo</c>: the whole flow on embedded defaults. An in-process sandbox that fails a fifth of calls on
/// purpose; the sample radiology export mapped with its profile; validation; a temporary outbox; the batch submit
/// through the faults; and a second submit that proves nothing is sent twice.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var failRate = new Option<double>("--fail-rate") { Description = "Share of calls the sandbox fails on purpose.", DefaultValueFactory = _ => 0.2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the sandbox's fault dice, for a repeatable run.", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Run the whole flow on embedded samples against a local sandbox that injects faults, and say what happened.") { failRate, seed };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var rate = parse.GetValue(failRate);
            if (rate is < 0 or > 0.9)
            {
                await stderr.WriteLineAsync("registry demo: --fail-rate must be between 0 and 0.9.");
                return ExitCodes.UsageOrInput;
            }

            var clock = Stopwatch.StartNew();
            var workDirectory = Directory.CreateTempSubdirectory("registry-demo-").FullName;
            try
            {
                await RunAsync(rate, parse.GetValue(seed), workDirectory, stdout, cancellationToken);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Done in {clock.Elapsed.TotalSeconds:0.0} s. Next: registry sandbox, then registry submit against it; see the README."));
                return ExitCodes.Success;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // pooled connections hold the outbox file open (Windows)
                Directory.Delete(workDirectory, recursive: true);
            }
        });
        return command;
    }

    private static async Task RunAsync(double failRate, int seed, string workDirectory, TextWriter stdout, CancellationToken cancellationToken)
    {
        await stdout.WriteLineAsync($"RegistryClient demo: sample export -> mapping -> validation -> outbox -> registry, against a local sandbox that fails {failRate * 100:0}% of calls on purpose.");

        // 1. Map the embedded sample export with its profile.
        var (profile, profileErrors) = MappingProfile.Load(Resource("Demo.ris-export.profile.json"));
        if (profile is null)
        {
            throw new InvalidOperationException("The embedded demo profile is invalid: " + string.Join("; ", profileErrors.Select(e => e.Message)));
        }

        var mapped = new List<byte[]>();
        var mappingErrors = new List<MappingError>();
        var rows = 0;
        await foreach (var result in ProfileMapper.MapAsync(profile, new MemoryStream(Resource("Demo.ris-export.csv")), "ris-export.csv", cancellationToken))
        {
            rows += result.Rows;
            if (result.Submission is { } submission)
            {
                mapped.Add(JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission));
            }

            mappingErrors.AddRange(result.Errors);
        }

        await stdout.WriteLineAsync($"1. Mapped the sample radiology export ({rows} rows, local codes, dd/MM/yyyy dates): {mapped.Count} episodes mapped; {mappingErrors.Count} rows refused, each located, e.g.");
        foreach (var error in mappingErrors.Take(3))
        {
            await stdout.WriteLineAsync($"     ris-export.csv:{error.Row}:{(error.Column.Length == 0 ? "*" : error.Column)}: {error.Message}");
        }

        // 2. Validate.
        var validator = new SubmissionValidator();
        var valid = new List<Submission>();
        var invalidCodes = new List<string>();
        foreach (var document in mapped)
        {
            var report = await validator.ValidateAsync(document, cancellationToken);
            if (report.IsValid)
            {
                valid.Add(JsonSerializer.Deserialize(document, RegistryJsonContext.Default.Submission)!);
            }
            else
            {
                invalidCodes.AddRange(report.Issues.Where(i => i.Severity == ValidationSeverity.Error).Select(i => $"{report.LocalRecordId}: {i.Code} {i.Message}"));
            }
        }

        await stdout.WriteLineAsync($"2. Validated against the schema and NICE HTG516 rules: {valid.Count} valid; {mapped.Count - valid.Count} invalid and not queued ({string.Join("; ", invalidCodes)}).");

        // 3-4. Queue and submit through the faults.
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, FailRate = failRate, RetryAfterSeconds = 1, Seed = seed }, cancellationToken);
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token, RetryBaseDelay = TimeSpan.FromMilliseconds(200) });
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(workDirectory, "outbox.db"), cancellationToken);
        var submitter = new BatchSubmitter(client, outbox);
        foreach (var submission in valid)
        {
            await submitter.EnqueueAsync(submission, cancellationToken);
        }

        await stdout.WriteLineAsync($"3. Queued {valid.Count} in a durable outbox (SQLite) before sending; submitting 4 at a time to the sandbox at {sandbox.BaseAddress}");
        var clock = Stopwatch.StartNew();
        var first = await submitter.DrainAsync(4, null, cancellationToken);
        var faults = sandbox.Faults;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"4. Registry outcome in {clock.Elapsed.TotalSeconds:0.0} s: {first.Accepted} accepted, {first.Replayed} replayed, {first.Rejected} rejected, {first.Pending} left pending. " +
            $"Survived {faults.Unavailable} x 503 and {faults.TooManyRequests} x 429 (Retry-After honoured), {faults.DroppedConnections} dropped connections, " +
            $"and {faults.LostResponses} responses lost after the registry had stored the submission (the retry got the original receipt back by idempotency key)."));

        // 5. Again: the outbox and the keys make a re-run harmless.
        var second = await submitter.DrainAsync(4, null, cancellationToken);
        foreach (var submission in valid)
        {
            await submitter.EnqueueAsync(submission, cancellationToken);
        }

        var third = await submitter.DrainAsync(4, null, cancellationToken);
        var (stored, distinct) = await sandbox.CountAsync(cancellationToken);
        await stdout.WriteLineAsync($"5. Ran the submit twice more: {second.Accepted + second.Replayed + third.Accepted + third.Replayed} sent again; the sandbox holds {stored} submissions for {distinct} episodes: each exactly once.");
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
