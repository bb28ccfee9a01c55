using System.CommandLine;
using System.Globalization;
using RegistryClient.Testing;

namespace RegistryClient.Cli.Sandbox;

/// <summary><c>registry sandbox</c>: the local reference registry, for rehearsing submissions and their failures.</summary>
internal static class SandboxCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 5080 };
        var token = new Option<string?>("--token")
        {
            Description = "A bearer token good for every organisation (default sandbox-token; with --tenant, only when --token is given).",
        };
        var tenant = new Option<string[]>("--tenant")
        {
            Description = "ORG=TOKEN: a bearer token good only for organisation ORG (repeatable; others get 403).",
            AllowMultipleArgumentsPerToken = false,
        };
        var db = new Option<string?>("--db") { Description = "Keep submissions in this SQLite file (default: in memory)." };
        var failRate = new Option<double>("--fail-rate") { Description = "Share of calls (0-1) that meet an injected fault: 503, 429, dropped connection, lost response." };
        var latency = new Option<int>("--latency-ms") { Description = "Latency added to every call, in milliseconds." };
        var rateLimit = new Option<int>("--rate-limit") { Description = "Calls per second before 429s (0: no limit)." };
        var keyRetention = new Option<int>("--key-retention")
        {
            Description = "Seconds an Idempotency-Key is remembered per organisation (86400 = 24 h); after that a request with it is judged afresh.",
            DefaultValueFactory = _ => (int)TimeSpan.FromHours(24).TotalSeconds,
        };
        var command = new Command("sandbox", "Run a local registry (API v1) on 127.0.0.1 with optional fault injection; Ctrl+C stops it.")
        {
            port, token, tenant, db, failRate, latency, rateLimit, keyRetention,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var givenToken = parse.GetValue(token);
            var retentionSeconds = parse.GetValue(keyRetention);
            var options = new SandboxOptions
            {
                Port = parse.GetValue(port),
                TokenWithTenants = givenToken is not null, // with tenants, a token for everything only when asked for
                IdempotencyKeyRetention = TimeSpan.FromSeconds(Math.Max(retentionSeconds, 0)),
                DatabasePath = parse.GetValue(db),
                FailRate = parse.GetValue(failRate),
                Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                RateLimit = parse.GetValue(rateLimit),
                LoggerFactory = new SandboxRequestLog(stdout),
            };
            if (givenToken is not null)
            {
                options.Token = givenToken;
            }

            foreach (var binding in parse.GetValue(tenant) ?? [])
            {
                var equals = binding.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || equals == binding.Length - 1 || !options.Tenants.TryAdd(binding[..equals], binding[(equals + 1)..]))
                {
                    await stderr.WriteLineAsync("registry sandbox: each --tenant is ORG=TOKEN, one per organisation, both parts non-empty.");
                    return ExitCodes.UsageOrInput;
                }
            }

            if (options.FailRate is < 0 or > 1 || options.Port is < 0 or > 65535 || options.RateLimit < 0 || options.Latency < TimeSpan.Zero
                || string.IsNullOrWhiteSpace(options.Token) || retentionSeconds <= 0)
            {
                await stderr.WriteLineAsync(
                    "registry sandbox: --fail-rate must be 0-1, --port 0-65535, --latency-ms and --rate-limit not negative, --token not empty, --key-retention at least 1.");
                return ExitCodes.UsageOrInput;
            }

            SandboxServer server;
            try
            {
                server = await SandboxServer.StartAsync(options, cancellationToken);
            }
            catch (IOException ex)
            {
                await stderr.WriteLineAsync($"registry sandbox: cannot listen on 127.0.0.1:{options.Port}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            await using (server)
            {
                await stdout.WriteLineAsync($"Sandbox registry listening on {server.BaseAddress}");
                if (server.Token is { } everyOrganisation)
                {
                    await stdout.WriteLineAsync($"Token: {everyOrganisation} (every organisation)");
                }

                foreach (var (organisation, tenantToken) in options.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    await stdout.WriteLineAsync($"Token: {tenantToken} (organisation {organisation} only)");
                }

                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Storage: {options.DatabasePath ?? "in memory"}; faults: {options.FailRate:P0}; latency: {options.Latency.TotalMilliseconds} ms; rate limit: {(options.RateLimit == 0 ? "none" : options.RateLimit + "/s")}; idempotency keys kept {retentionSeconds} s"));
                await stdout.WriteLineAsync("Press Ctrl+C to stop.");
                await stdout.FlushAsync(cancellationToken);
                await server.WaitForShutdownAsync(cancellationToken);
                var (stored, _) = await server.CountAsync(CancellationToken.None);
                await stdout.WriteLineAsync($"Stopped after {server.Requests} request(s), {server.Faults.Total} injected fault(s); {stored} case(s) stored.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
