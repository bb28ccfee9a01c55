using Microsoft.Extensions.Logging;

namespace RegistryClient.Testing;

/// <summary>How the sandbox registry runs, who may call it, and which faults it injects.</summary>
public sealed class SandboxOptions
{
    /// <summary>The port on 127.0.0.1. Default 0: a free port, so tests running side by side never collide; read the
    /// one chosen from <see cref="SandboxServer.BaseAddress"/>. (The <c>registry sandbox</c> command listens on 5080 unless
    /// told otherwise.)</summary>
    public int Port { get; set; }

    /// <summary>The bearer token good for every organisation. Default <c>sandbox-token</c>. When <see cref="Tenants"/>
    /// are given it is accepted only if <see cref="TokenWithTenants"/> is set, so a rehearsal of tenancy never passes
    /// through a token that may do everything.</summary>
    public string Token { get; set; } = "sandbox-token";

    /// <summary>Whether <see cref="Token"/> stays good for every organisation when <see cref="Tenants"/> are given.
    /// Default false: with tenants, only their tokens are accepted. Without tenants it has no effect.</summary>
    public bool TokenWithTenants { get; set; }

    /// <summary>Tokens bound to organisations: organisation code to token. A tenant's token may submit, read and list
    /// only its own organisation's cases (others get 403 <c>wrong-organisation</c>); give one token to several
    /// organisations by naming it for each.</summary>
    public IDictionary<string, string> Tenants { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long an <c>Idempotency-Key</c> is remembered, per organisation, from its first answer: within it a
    /// request with the key is answered as the first was (while the case is still at the version that key wrote);
    /// after it the key is forgotten and the request is judged afresh. Measured on <see cref="TimeProvider"/>. Must be
    /// positive; default 24 hours.</summary>
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(24);

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

    /// <summary>The clock for <c>receivedAt</c>, <c>updatedAt</c>, withdrawal times, latency, the rate-limit window,
    /// idempotency key retention and the retried checkpoint after a withdrawal. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the one line per request (method, path, status; never a body) goes; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
