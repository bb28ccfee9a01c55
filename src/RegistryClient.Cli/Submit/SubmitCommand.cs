using System.Text.Json;
using System.CommandLine;
using Microsoft.Extensions.Options;
using RegistryClient.Cli.Validate;
using RegistryClient.Cli.Validate.Formats;
using Spectre.Console;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Submit;

/// <summary><c>registry submit</c>: validate, queue durably, send; re-running resumes and never duplicates.</summary>
internal static class SubmitCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Submission files (.json, .ndjson) or directories.", Arity = ArgumentArity.OneOrMore };
        var endpoint = new Option<string>("--endpoint") { Description = "The registry's base URL.", Required = true };
        var tokenEnv = new Option<string>("--token-env") { Description = "The environment variable holding the bearer token.", DefaultValueFactory = _ => "REGISTRY_TOKEN" };
        var outbox = new Option<string>("--outbox") { Description = "The outbox file (SQLite).", DefaultValueFactory = _ => "registry-outbox.db" };
        var concurrency = new Option<int>("--concurrency") { Description = "Submissions in flight at once (1-64).", DefaultValueFactory = _ => 4 };
        var maxRetries = new Option<int>("--max-retries") { Description = "HTTP retries of one submission on a transient failure before it is left pending for the next run (0-20).", DefaultValueFactory = _ => 5 };
        var command = new Command("submit", "Validate submissions, queue them in a durable outbox, and send them to the registry; re-running resumes.")
        {
            paths, endpoint, tokenEnv, outbox, concurrency, maxRetries,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var token = Environment.GetEnvironmentVariable(parse.GetValue(tokenEnv)!);
            if (string.IsNullOrEmpty(token))
            {
                await stderr.WriteLineAsync($"registry submit: set the bearer token in the environment variable {parse.GetValue(tokenEnv)} (or name another with --token-env).");
                return ExitCodes.UsageOrInput;
            }

            if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var uri) || parse.GetValue(concurrency) is < 1 or > 64)
            {
                await stderr.WriteLineAsync("registry submit: --endpoint must be an absolute URL and --concurrency 1-64.");
                return ExitCodes.UsageOrInput;
            }

            VenousRegistryClient client;
            try
            {
                client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = uri, Token = token, MaxRetryAttempts = parse.GetValue(maxRetries) });
            }
            catch (OptionsValidationException ex)
            {
                await stderr.WriteLineAsync("registry submit: " + string.Join(" ", ex.Failures));
                return ExitCodes.UsageOrInput;
            }

            using (client)
            {
                // Read and validate everything first: an unreadable input or an input with no document sends nothing.
                var inputs = parse.GetValue(paths)!;
                var read = await ReadAsync(inputs, stderr, cancellationToken);
                if (read.InputErrors)
                {
                    await stderr.WriteLineAsync("registry submit: nothing was queued or sent; fix the inputs above and run again.");
                    return ExitCodes.UsageOrInput;
                }

                if (read.Valid.Count + read.Invalid == 0)
                {
                    await stderr.WriteLineAsync($"registry submit: {string.Join(", ", inputs)} holds no submission document (.json or .ndjson); nothing was queued or sent.");
                    return ExitCodes.UsageOrInput;
                }

                var outboxPath = parse.GetValue(outbox)!;
                try
                {
                    using var store = await SqliteSubmissionOutbox.OpenAsync(outboxPath, cancellationToken);
                    var submitter = new BatchSubmitter(client, store);
                    var queued = await QueueAsync(read.Valid, submitter, cancellationToken);
                    var summary = await DrainAsync(submitter, parse.GetValue(concurrency), stdout, cancellationToken);
                    var pending = summary.Pending > 0 ? await PendingAsync(store, cancellationToken) : [];
                    await ReportAsync(read, queued, summary, pending, stdout);
                    if (summary.Unauthorized)
                    {
                        await stderr.WriteLineAsync("registry submit: the registry refused the token (401); nothing more was sent. Check the token in " + parse.GetValue(tokenEnv) + ".");
                    }
                    else if (summary.Conflicts > 0)
                    {
                        await stderr.WriteLineAsync($"registry submit: {summary.Conflicts} version(s) conflict with changes another writer made (see the conflict lines above); a person must decide which content is right.");
                    }

                    if (!summary.Unauthorized && summary.Pending > 0)
                    {
                        await stderr.WriteLineAsync($"registry submit: {summary.Pending} version(s) still pending (see the reasons above); run the same command again to send them.");
                    }

                    return summary.Unauthorized || summary.Pending > 0 ? ExitCodes.UsageOrInput
                        : summary.Rejected > 0 || summary.Conflicts > 0 || summary.Withdrawn > 0 || read.Invalid > 0 ? ExitCodes.Failures
                        : ExitCodes.Success;
                }
                catch (OutboxUnavailableException ex)
                {
                    await stderr.WriteLineAsync("registry submit: " + OutboxText.Of(ex));
                    return ExitCodes.UsageOrInput;
                }
            }
        });
        return command;
    }

    /// <summary>The valid submissions of every input, in input order; invalid ones are reported and never queued.</summary>
    internal sealed record ReadResult(IReadOnlyList<Submission> Valid, int Invalid, bool InputErrors);

    /// <summary>What queueing did: new versions, versions already settled by an earlier run, and stale ones (by local record id).</summary>
    internal sealed record QueueResult(int Queued, int AlreadyQueued, int Settled, IReadOnlyList<OutboxEntry> Stale);

    internal static async Task<ReadResult> ReadAsync(IEnumerable<string> paths, TextWriter stderr, CancellationToken cancellationToken)
    {
        var valid = new List<Submission>();
        var invalid = 0;
        var inputErrors = await ValidationRun.ForEachDocumentAsync(paths, new SubmissionValidator(), stderr, async (display, document, report) =>
        {
            if (!report.IsValid)
            {
                invalid++;
                foreach (var issue in report.Issues.Where(i => i.Severity == ValidationSeverity.Error))
                {
                    await stderr.WriteLineAsync(ValidationRun.ErrorLine(display, document, issue) + " (not queued)");
                }

                return;
            }

            // A valid document was read as a submission by the validator: take it rather than parse the bytes again.
            valid.Add(report.Submission ?? throw new InvalidOperationException("A valid report carries its submission."));
        }, cancellationToken);

        return new ReadResult(valid, invalid, inputErrors);
    }

    /// <summary>Queues each valid submission as the next version of its case, in input order.</summary>
    internal static async Task<QueueResult> QueueAsync(IEnumerable<Submission> submissions, BatchSubmitter submitter, CancellationToken cancellationToken)
    {
        int queued = 0, alreadyQueued = 0, settled = 0;
        var stale = new List<OutboxEntry>();
        foreach (var submission in submissions)
        {
            var result = await submitter.EnqueueAsync(submission, cancellationToken);
            switch (result.Outcome)
            {
                case OutboxEnqueueOutcome.Queued: queued++; break;
                case OutboxEnqueueOutcome.Stale: stale.Add(result.Entry); break;
                case OutboxEnqueueOutcome.Duplicate when result.Entry.State == OutboxState.Pending: alreadyQueued++; break;
                default: settled++; break;
            }
        }

        return new QueueResult(queued, alreadyQueued, settled, stale);
    }

    /// <summary>
    /// The run's account: counts by outcome, then one line per stale, refused and pending version naming the case by
    /// its local record id (never patient data) and saying why.
    /// </summary>
    internal static async Task ReportAsync(ReadResult read, QueueResult queued, BatchSummary summary, IReadOnlyList<OutboxEntry> pending, TextWriter stdout)
    {
        foreach (var entry in queued.Stale)
        {
            await stdout.WriteLineAsync($"stale {entry.LocalRecordId}: older than the case's latest version in this outbox (an older recordUpdatedAt, or content a later version superseded); " +
                "not sent, so an older export never overwrites newer data. A correction back to earlier content needs a newer submitter.recordUpdatedAt.");
        }

        foreach (var entry in summary.Refused)
        {
            var what = entry.State == OutboxState.Withdrawn ? "withdrawn"
                : entry.Outcome == SubmissionStatus.Stale ? "stale"
                : entry.Outcome == SubmissionStatus.Conflict ? "conflict"
                : "rejected";
            var reason = entry.LastError ?? "";
            await stdout.WriteLineAsync($"{what} {entry.LocalRecordId}: {(reason.StartsWith(what + ": ", StringComparison.Ordinal) ? reason.Substring(what.Length + 2) : reason)}");
        }

        foreach (var entry in summary.ReplacedUnseen)
        {
            await stdout.WriteLineAsync($"unverified {entry.LocalRecordId}: amended to version {entry.RegistryVersion} over registry content this outbox never stored; " +
                "without recordUpdatedAt on both, the registry could not tell which is newer. Map submitter.recordUpdatedAt, or check the case with registry reconcile.");
        }

        foreach (var entry in pending)
        {
            await stdout.WriteLineAsync($"pending {entry.LocalRecordId}: {entry.Attempts} attempt(s), last error: {entry.LastError ?? "not sent yet (waits behind an earlier version of the case)"}");
        }

        await stdout.WriteLineAsync(
            $"{read.Valid.Count} valid submission(s), {read.Invalid} invalid (not queued); {queued.Settled} settled by an earlier run and not sent again; " +
            $"this run: created {summary.Created}, amended {summary.Amended}, unchanged {summary.Unchanged}, stale {queued.Stale.Count + summary.Stale}, conflict {summary.Conflicts}, " +
            $"rejected {summary.Rejected}, withdrawn {summary.Withdrawn}; pending {summary.Pending}.");
    }

    /// <summary>What is still pending, read a page at a time and kept without the documents (only the lines are reported).</summary>
    private static async Task<IReadOnlyList<OutboxEntry>> PendingAsync(SubmissionOutbox outbox, CancellationToken cancellationToken)
    {
        var pending = new List<OutboxEntry>();
        for (long after = 0; ;)
        {
            var page = await outbox.PendingAsync(after, 256, cancellationToken);
            if (page.Count == 0)
            {
                return pending;
            }

            pending.AddRange(page.Select(e => e with { Body = [] }));
            after = page[page.Count - 1].Sequence;
        }
    }

    internal static async Task<BatchSummary> DrainAsync(BatchSubmitter submitter, int concurrency, TextWriter stdout, CancellationToken cancellationToken)
    {
        var interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        if (!interactive)
        {
            var lastPrinted = 0;
            var progress = new SynchronousProgress(p =>
            {
                // Plain lines for logs and CI: one every 10% (and the last), never a redrawn bar.
                if (p.Done == p.Total || p.Done * 10 / Math.Max(p.Total, 1) > lastPrinted * 10 / Math.Max(p.Total, 1))
                {
                    lastPrinted = p.Done;
                    stdout.WriteLine($"submitted {p.Done}/{p.Total}");
                }
            });
            return await submitter.DrainAsync(concurrency, progress, cancellationToken);
        }

        BatchSummary summary = null!;
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
        {
            var task = context.AddTask("Submitting", maxValue: 1);
            var progress = new SynchronousProgress(p =>
            {
                task.MaxValue = Math.Max(p.Total, 1);
                task.Value = p.Done;
            });
            summary = await submitter.DrainAsync(concurrency, progress, cancellationToken);
            task.Value = task.MaxValue;
        });
        return summary;
    }

    /// <summary>Reports on the caller's thread at once (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress(Action<SubmitProgress> report) : IProgress<SubmitProgress>
    {
        private readonly Lock _gate = new();

        public void Report(SubmitProgress value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
