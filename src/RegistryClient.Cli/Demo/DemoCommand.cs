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
/// through the faults; a second submit that proves nothing is sent twice; a case growing by a follow-up (an
/// amendment), last month's export re-run (stale), a withdrawal; and the registry's view: one case per episode.
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
            if (result.IsMapped)
            {
                mapped.Add(result.Json.ToArray());
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
                valid.Add(report.Submission ?? SubmissionJson.Deserialize(document));
            }
            else
            {
                invalidCodes.AddRange(report.Issues.Where(i => i.Severity == ValidationSeverity.Error).Select(i => $"{report.LocalRecordId}: {i.Code} {i.Message}"));
            }
        }

        await stdout.WriteLineAsync($"2. Validated against the schema and NICE HTG516 rules: {valid.Count} valid; {mapped.Count - valid.Count} invalid and not queued ({string.Join("; ", invalidCodes)}).");

        // 3-4. Queue and submit through the faults.
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { FailRate = failRate, RetryAfterSeconds = 1, Seed = seed }, cancellationToken);
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
            $"4. Registry outcome in {clock.Elapsed.TotalSeconds:0.0} s: {first.Created} created, {first.Unchanged} unchanged, {first.Rejected} rejected, {first.Pending} left pending. " +
            $"Survived {faults.Unavailable} x 503 and {faults.TooManyRequests} x 429 (Retry-After honoured), {faults.DroppedConnections} dropped connections, " +
            $"and {faults.LostResponses} responses lost after the registry had stored the submission. On an empty registry an \u201cunchanged\u201d is such a lost response: " +
            $"the retry, under the same idempotency key, found the case stored and got its receipt back, and no case was stored twice."));

        // 5. Again: the outbox and the content hashes make a re-run harmless.
        var second = await submitter.DrainAsync(4, null, cancellationToken);
        var requeued = 0;
        foreach (var submission in valid)
        {
            requeued += (await submitter.EnqueueAsync(submission, cancellationToken)).Outcome == OutboxEnqueueOutcome.Queued ? 1 : 0;
        }

        var third = await submitter.DrainAsync(4, null, cancellationToken);
        await stdout.WriteLineAsync($"5. Ran the submit twice more: {second.Created + second.Amended + second.Unchanged + third.Created + third.Amended + third.Unchanged + requeued} sent again.");

        // 6. A case grows: a follow-up arrives after discharge and is sent as the case's next version, not a new case.
        var (before, grown, timepoint) = await GrowOneAsync(valid, validator, cancellationToken);
        await submitter.EnqueueAsync(grown, cancellationToken);
        var amended = await DrainAllAsync(submitter, cancellationToken);
        var grownCase = await client.FindCaseAsync(grown.Submitter.OrganisationCode, grown.LocalRecordId, cancellationToken);
        await stdout.WriteLineAsync($"6. Case {grown.LocalRecordId} grew: its {timepoint} follow-up arrived and was sent as an amendment ({amended.Amended} amended): " +
            $"the registry's case {grownCase?.Id} is now at version {grownCase?.Version}, still one case.");

        // 7. Last month's export again: the older version is stale and never overwrites the newer one.
        var stale = await submitter.EnqueueAsync(before, cancellationToken);
        var afterStale = await DrainAllAsync(submitter, cancellationToken);
        await stdout.WriteLineAsync($"7. Re-ran last month's export of {before.LocalRecordId}: {(stale.Outcome == OutboxEnqueueOutcome.Stale ? "stale" : stale.Outcome.ToString())}, " +
            $"{afterStale.Created + afterStale.Amended + afterStale.Unchanged} sent; the registry keeps version {grownCase?.Version}.");

        // 8. A patient withdraws consent: the case is withdrawn, and a later submission of it is refused for good.
        var withdrawnEpisode = valid.First(s => s.LocalRecordId != grown.LocalRecordId);
        var withdrawal = await client.WithdrawAsync(withdrawnEpisode.Submitter.OrganisationCode, withdrawnEpisode.LocalRecordId, WithdrawalReason.ConsentWithdrawn, cancellationToken);
        var resent = withdrawnEpisode with { Outcome = withdrawnEpisode.Outcome is { } outcome ? outcome with { CompressionStockings = !(outcome.CompressionStockings ?? false) } : null };
        await submitter.EnqueueAsync(resent, cancellationToken);
        var refused = await DrainAllAsync(submitter, cancellationToken);
        await stdout.WriteLineAsync($"8. Withdrew case {withdrawnEpisode.LocalRecordId} (consent withdrawn): {withdrawal.Status}, only a tombstone is kept; " +
            $"re-submitting it afterwards: {refused.Withdrawn} refused as withdrawn, never re-created.");

        // 9. The registry's view: exactly one case per episode (read from the sandbox's own store, not through the faults).
        var (cases, episodes) = await sandbox.CountAsync(cancellationToken);
        await stdout.WriteLineAsync($"9. The sandbox holds {cases} cases for {episodes} episodes, one of them withdrawn and one at version {grownCase?.Version}: " +
            $"{(cases == episodes && episodes == valid.Count ? "exactly one case per episode" : "NOT one case per episode")}.");
    }

    /// <summary>Drains until nothing more can be sent (the demo's faults leave some pending on a first pass).</summary>
    private static async Task<BatchSummary> DrainAllAsync(BatchSubmitter submitter, CancellationToken cancellationToken)
    {
        var total = new BatchSummary();
        for (var pass = 0; pass < 5; pass++)
        {
            var summary = await submitter.DrainAsync(4, null, cancellationToken);
            total = new BatchSummary
            {
                Created = total.Created + summary.Created,
                Amended = total.Amended + summary.Amended,
                Unchanged = total.Unchanged + summary.Unchanged,
                Rejected = total.Rejected + summary.Rejected,
                Withdrawn = total.Withdrawn + summary.Withdrawn,
                Pending = summary.Pending,
            };
            if (summary.Pending == 0)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>The first episode that can take its next follow-up (30 days to 24 months after the procedure) and stay valid.</summary>
    private static async Task<(Submission Before, Submission Grown, string Timepoint)> GrowOneAsync(IEnumerable<Submission> episodes, SubmissionValidator validator, CancellationToken cancellationToken)
    {
        (FollowUpTimepoint Timepoint, Func<DateTime, DateTime> Date, string Name)[] schedule =
        [
            (FollowUpTimepoint.Days30, d => d.AddDays(30), "30-day"),
            (FollowUpTimepoint.Months6, d => d.AddMonths(6), "6-month"),
            (FollowUpTimepoint.Months12, d => d.AddMonths(12), "12-month"),
            (FollowUpTimepoint.Months24, d => d.AddMonths(24), "24-month"),
        ];
        foreach (var episode in episodes)
        {
            var followUps = episode.FollowUps ?? [];
            foreach (var (timepoint, date, name) in schedule.Where(s => followUps.All(f => f.Timepoint != s.Timepoint)))
            {
                var assessed = date(episode.Procedure.ProcedureDate);
                var grown = episode with
                {
                    // The record changed when the follow-up was entered: its source time moves on with it.
                    Submitter = episode.Submitter with { RecordUpdatedAt = new DateTimeOffset(assessed.AddHours(14), TimeSpan.Zero) },
                    FollowUps = [.. followUps, new FollowUp { Timepoint = timepoint, AssessmentDate = assessed, Patency = Patency.Patent, Rethrombosis = false, PulmonaryEmbolism = false, VillaltaTotal = 2 }],
                };
                var report = await validator.ValidateAsync(SubmissionJson.SerializeToUtf8Bytes(grown), cancellationToken);
                if (report.IsValid)
                {
                    return (episode, grown, name);
                }
            }
        }

        throw new InvalidOperationException("No demo episode can take another follow-up.");
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
