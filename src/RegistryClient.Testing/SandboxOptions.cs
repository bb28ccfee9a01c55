namespace RegistryClient.Testing;

/// <summary>How the sandbox registry runs and which faults it injects.</summary>
public sealed class SandboxOptions
{
    /// <summary>The port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; } = 5080;

    /// <summary>The bearer token every call must carry. Default <c>sandbox-token</c>.</summary>
    public string Token { get; set; } = "sandbox-token";

    /// <summary>A SQLite file to keep submissions in; null keeps them in memory for the server's lifetime.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The share of API calls (0-1) that meet an injected fault: a 503, a 429, a dropped connection, or a
    /// response lost after the submission was stored.</summary>
    public double FailRate { get; set; }

    /// <summary>Extra latency added to every call.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Calls allowed per second before 429s; 0 for no limit.</summary>
    public int RateLimit { get; set; }

    /// <summary>The <c>Retry-After</c> the sandbox sends with its 429s and 503s, in whole seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Seed for the fault dice, for repeatable runs; null for a random seed.</summary>
    public int? Seed { get; set; }
}
