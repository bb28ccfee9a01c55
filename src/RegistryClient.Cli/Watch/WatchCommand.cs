using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RegistryClient.Hosting;
using RegistryClient.Outbox;

namespace RegistryClient.Cli.Watch;

/// <summary>
/// <c>registry watch DIR</c>: the hosted worker with a drop folder, in the foreground. Each complete export dropped in
/// DIR is mapped, validated and queued, then moved to DIR/processed/ or DIR/rejected/; the outbox drains continuously.
/// Stops cleanly on Ctrl+C or SIGTERM (versions in flight finish; the rest stay queued for the next start).
/// </summary>
internal static class WatchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("DIR") { Description = "The folder exports are dropped into (processed/ and rejected/ are made inside it)." };
        var profile = new Option<string>("--profile") { Description = "The mapping profile (JSON) of the exports.", Required = true };
        var endpoint = new Option<string>("--endpoint") { Description = "The registry's base URL.", Required = true };
        var tokenEnv = new Option<string>("--token-env") { Description = "The environment variable holding the bearer token.", DefaultValueFactory = _ => "REGISTRY_TOKEN" };
        var outbox = new Option<string>("--outbox") { Description = "The outbox file (SQLite).", DefaultValueFactory = _ => "registry-outbox.db" };
        var organisation = new Option<string?>("--organisation") { Description = "Refuse episodes of any other organisation code." };
        var concurrency = new Option<int>("--concurrency") { Description = "Cases in flight at once (1-64).", DefaultValueFactory = _ => 4 };
        var stableFor = new Option<double>("--stable-for") { Description = "Seconds a file's size and time must hold before it counts as complete (0-3600).", DefaultValueFactory = _ => 2 };
        var command = new Command("watch", "Ingest complete exports dropped into a folder and send them to the registry continuously, until Ctrl+C or SIGTERM.")
        {
            folder, profile, endpoint, tokenEnv, outbox, organisation, concurrency, stableFor,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var token = Environment.GetEnvironmentVariable(parse.GetValue(tokenEnv)!);
            if (string.IsNullOrEmpty(token))
            {
                await stderr.WriteLineAsync($"registry watch: set the bearer token in the environment variable {parse.GetValue(tokenEnv)} (or name another with --token-env).");
                return ExitCodes.UsageOrInput;
            }

            var dir = parse.GetValue(folder)!;
            if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var uri) || parse.GetValue(concurrency) is < 1 or > 64 || parse.GetValue(stableFor) is < 0 or > 3600)
            {
                await stderr.WriteLineAsync("registry watch: --endpoint must be an absolute URL, --concurrency 1-64 and --stable-for 0-3600 seconds.");
                return ExitCodes.UsageOrInput;
            }

            if (!Directory.Exists(dir))
            {
                await stderr.WriteLineAsync($"registry watch: the folder {dir} does not exist.");
                return ExitCodes.UsageOrInput;
            }

            // A drop folder takes the exports a CSV profile reads; FHIR input maps through its own package, with registry map.
            if (File.Exists(parse.GetValue(profile)) && Map.FhirInput.IsFhirProfile(await File.ReadAllBytesAsync(parse.GetValue(profile)!, cancellationToken)))
            {
                await stderr.WriteLineAsync($"registry watch: {parse.GetValue(profile)} is a FHIR profile; a drop folder takes CSV, JSON-lines and xlsx exports. Map FHIR input with registry map --profile, then registry submit.");
                return ExitCodes.UsageOrInput;
            }

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "registry-watch" });
            builder.Logging.ClearProviders().AddProvider(new LineLoggerProvider(stderr)).SetMinimumLevel(LogLevel.Information);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
            builder.Services.AddRegistryClient(o =>
                {
                    o.Endpoint = uri;
                    o.Token = token;
                })
                .AddSqliteOutbox(parse.GetValue(outbox)!, o =>
                {
                    o.Concurrency = parse.GetValue(concurrency);
                    o.DropFolder = new DropFolderOptions
                    {
                        Path = dir,
                        Profile = parse.GetValue(profile),
                        Organisation = parse.GetValue(organisation),
                        StableFor = TimeSpan.FromSeconds(parse.GetValue(stableFor)),
                    };
                });
            using var host = builder.Build();
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (OptionsValidationException ex)
            {
                await stderr.WriteLineAsync("registry watch: " + string.Join(" ", ex.Failures));
                return ExitCodes.UsageOrInput;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Success;
            }

            await stdout.WriteLineAsync($"registry watch: watching {Path.GetFullPath(dir)}; Ctrl+C or SIGTERM stops.");
            await stdout.FlushAsync(CancellationToken.None);
            await host.WaitForShutdownAsync(cancellationToken);
            try
            {
                var counts = await (await host.Services.GetRequiredService<SubmissionQueue>().GetOutboxAsync(CancellationToken.None)).CountAsync(CancellationToken.None);
                await stdout.WriteLineAsync($"registry watch: stopped; {counts.Stored} stored, {counts.Rejected} refused, {counts.Pending} pending (sent on the next start).");
            }
            catch (OutboxUnavailableException ex)
            {
                await stderr.WriteLineAsync("registry watch: stopped; " + ex.Message);
                return ExitCodes.UsageOrInput;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// One line per message on stderr: the worker's at Information, the client's at Warning and above, the host's own
    /// none (its failures are reported by the command). No exception detail.
    /// </summary>
    private sealed class LineLoggerProvider(TextWriter stderr) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LineLogger(stderr,
            categoryName.StartsWith("RegistryClient.Hosting", StringComparison.Ordinal) ? LogLevel.Information
            : categoryName.StartsWith("RegistryClient", StringComparison.Ordinal) ? LogLevel.Warning
            : LogLevel.None);

        public void Dispose()
        {
        }

        private sealed class LineLogger(TextWriter stderr, LogLevel minimum) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lock (stderr)
                    {
                        stderr.WriteLine("registry watch: " + formatter(state, null) + (exception is null ? "" : $" ({exception.GetType().Name})"));
                        stderr.Flush();
                    }
                }
            }
        }
    }
}
