using System.Text.Json;
using System.CommandLine;
using Microsoft.Extensions.Options;
using RegistryClient.Cli.Validate;
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
        var command = new Command("submit", "Validate submissions, queue them in a durable outbox, and send them to the registry; re-running resumes.")
        {
            paths, endpoint, tokenEnv, outbox, concurrency,
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
                client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = uri, Token = token });
            }
            catch (OptionsValidationException ex)
            {
                await stderr.WriteLineAsync("registry submit: " + string.Join(" ", ex.Failures));
                return ExitCodes.UsageOrInput;
            }

            using (client)
            using (var store = await SqliteSubmissionOutbox.OpenAsync(parse.GetValue(outbox)!, cancellationToken))
            {
                var submitter = new BatchSubmitter(client, store);
                var (queued, settled, invalid, inputErrors) = await QueueAsync(parse.GetValue(paths)!, submitter, stderr, cancellationToken);
                var summary = await DrainAsync(submitter, parse.GetValue(concurrency), stdout, cancellationToken);
                await stdout.WriteLineAsync(
                    $"{queued} valid submission(s), {settled} of them settled by an earlier run and not sent again; " +
                    $"this run: accepted {summary.Accepted}, replayed {summary.Replayed}, rejected {summary.Rejected}; pending {summary.Pending}; {invalid} invalid (not queued).");
                if (summary.Unauthorized)
                {
                    await stderr.WriteLineAsync("registry submit: the registry refused the token; nothing more was sent.");
                }

                return inputErrors || summary.Unauthorized || summary.Pending > 0 ? ExitCodes.UsageOrInput
                    : summary.Rejected > 0 || invalid > 0 ? ExitCodes.Failures
                    : ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>Validates every document and queues the valid ones; invalid ones are reported and never queued.</summary>
    internal static async Task<(int Queued, int Settled, int Invalid, bool InputErrors)> QueueAsync(
        IEnumerable<string> paths, BatchSubmitter submitter, TextWriter stderr, CancellationToken cancellationToken)
    {
        var validator = new SubmissionValidator();
        int queued = 0, settled = 0, invalid = 0;
        var inputErrors = false;
        foreach (var (path, display) in SubmissionFiles.Expand(paths, stderr))
        {
            var (file, documents) = await ValidationRun.ValidateFileAsync(path, display, validator, new SubmissionValidatorOptions().MaxDocumentBytes, cancellationToken);
            if (file.InputError is not null)
            {
                await stderr.WriteLineAsync($"{display}: error INPUT: {file.InputError}");
                inputErrors = true;
                continue;
            }

            foreach (var (document, report) in documents)
            {
                if (!report.IsValid)
                {
                    invalid++;
                    foreach (var issue in report.Issues.Where(i => i.Severity == ValidationSeverity.Error))
                    {
                        await stderr.WriteLineAsync($"{display}:{issue.Line ?? 1}:{issue.Column ?? 1}: error {issue.Code}: {issue.Message} [{issue.Path}] (not queued)");
                    }

                    continue;
                }

                var submission = JsonSerializer.Deserialize(document.Utf8.Span, RegistryJsonContext.Default.Submission)!;
                var entry = await submitter.EnqueueAsync(submission, cancellationToken);
                queued++;
                settled += entry.State == OutboxState.Pending ? 0 : 1;
            }
        }

        return (queued, settled, invalid, inputErrors);
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
