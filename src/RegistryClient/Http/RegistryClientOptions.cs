using Microsoft.Extensions.Options;

namespace RegistryClient.Http;

/// <summary>
/// How <see cref="RegistryClient"/> reaches the registry and how hard it tries. Bind from configuration
/// (section <c>RegistryClient</c>) or set in code; <c>services.AddRegistryClient(...)</c>
/// validates the values when the host starts.
/// </summary>
public sealed class RegistryClientOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "RegistryClient";

    /// <summary>The registry's base address, e.g. <c>https://registry.example.nhs.uk/</c>. <c>http://</c> is refused except to loopback.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>A static bearer token. Ignored when a <see cref="IRegistryTokenProvider"/> is registered.</summary>
    public string? Token { get; set; }

    /// <summary>How long one HTTP attempt may take. Default 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take over all its attempts and waits. Default 60 seconds.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after the first attempt, on network errors, 408, 409 (in progress), 429 and 5xx only. Default 5.</summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest <c>Retry-After</c> the client will honour; longer ones are waited for this long. Default 30 seconds.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of failed calls, over <see cref="CircuitSamplingDuration"/>, that opens the circuit. Default 0.5.</summary>
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the sampling window before the circuit may open. Default 20.</summary>
    public int CircuitMinimumThroughput { get; set; } = 20;

    /// <summary>The window over which failures are counted. Default 30 seconds.</summary>
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once before trying again. Default 15 seconds.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Checks <see cref="RegistryClientOptions"/> when the host starts, so a bad setting fails fast and says which.</summary>
internal sealed class RegistryClientOptionsValidator : IValidateOptions<RegistryClientOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryClientOptions options)
    {
        var failures = new List<string>();

        // The unnamed client's settings by their configuration keys; a named client's by its name, which may be bound
        // from any section or from code.
        string Setting(string setting) => string.IsNullOrEmpty(name) ? "RegistryClient:" + setting : $"The registry client '{name}': {setting}";
        if (options.Endpoint is not { IsAbsoluteUri: true } endpoint)
        {
            failures.Add(Setting("Endpoint") + " is required and must be an absolute URL.");
        }
        else if (endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback)
        {
            failures.Add(Setting("Endpoint") + " must use https:// (http:// is allowed only to loopback, for the sandbox).");
        }
        else if (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add(Setting("Endpoint") + " must be an http(s) URL.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.TotalTimeout <= TimeSpan.Zero || options.AttemptTimeout > options.TotalTimeout)
        {
            failures.Add(Setting("AttemptTimeout") + " and TotalTimeout must be positive, and AttemptTimeout no longer than TotalTimeout.");
        }

        if (options.MaxRetryAttempts is < 0 or > 20)
        {
            failures.Add(Setting("MaxRetryAttempts") + " must be between 0 and 20.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add(Setting("RetryBaseDelay") + " and MaxRetryAfter must not be negative.");
        }

        if (options.CircuitFailureRatio is <= 0 or > 1 || options.CircuitMinimumThroughput < 2
            || options.CircuitSamplingDuration < TimeSpan.FromMilliseconds(500) || options.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add(Setting("Circuit*") + " settings are out of range (ratio in (0,1], throughput >= 2, durations >= 500 ms).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
