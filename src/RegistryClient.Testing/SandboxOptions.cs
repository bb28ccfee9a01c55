using Microsoft.Extensions.Logging;

namespace RegistryClient.Testing;

/// <summary>How the sandbox registry runs, who may call it, and which faults it injects.</summary>
public sealed class SandboxOptions
{
    /// <summary>The port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; } = 5080;

    /// <summary>The bearer token good for every organisation. Default <c>sandbox-token</c>.</summary>
    public string Token { get; set; } = "sandbox-token";

    /// <summary>Tokens bound to organisations: organisation code to token. A tenant's token may submit, read and list
    /// only its own organisation's cases (others get 403 <c>wrong-organisation</c>); give one token to several
    /// organisations by naming it for each.</summary>
    public IDictionary<string, string> Tenants { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A SQLite file to keep cases in; null keeps them in memory for the server's lifetime.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The share of API calls (0-1) that meet an injected fault: a 503, a 429, a dropped connection, or a
    /// response lost after the write was stored.</summary>
    public double FailRate { get; set; }

    /// <summary>Extra latency added to every call.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Calls allowed per second before 429s; 0 for no limit.</summary>
    public int RateLimit { get; set; }

    /// <summary>The <c>Retry-After</c> the sandbox sends with its 429s, 503s and 409 <c>request-in-progress</c>, in whole seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Seed for the fault dice, for repeatable runs; null for a random seed.</summary>
    public int? Seed { get; set; }

    /// <summary>The clock for <c>receivedAt</c>, <c>updatedAt</c>, withdrawal times, latency and the rate-limit window.
    /// Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the one line per request (method, path, status; never a body) goes; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
