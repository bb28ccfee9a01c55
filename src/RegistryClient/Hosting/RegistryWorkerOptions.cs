using Microsoft.Extensions.Options;

namespace RegistryClient.Hosting;

/// <summary>
/// How the hosted outbox worker drains (registered by <c>AddOutbox</c>). Bind from configuration (section
/// <c>RegistryClient:Worker</c>) or set in code; the values are validated when the host starts.
/// </summary>
public sealed class RegistryWorkerOptions
{
    /// <summary>The configuration section the sample worker binds from.</summary>
    public const string SectionName = "RegistryClient:Worker";

    /// <summary>Cases sent at once (the versions of one case always one at a time). 1 to 256; default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// How long the worker waits before sending again the versions a drain left pending (transient failures, refused
    /// credentials, an unavailable outbox). A registry's longer <c>Retry-After</c> or an open circuit wins. Default 30 seconds.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the worker looks at the outbox with nothing signalled (another process may queue into it). Queuing
    /// through <see cref="SubmissionQueue"/> wakes the worker at once. Default 5 minutes.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A folder to ingest exports from (see <see cref="DropFolderOptions"/>); none by default.</summary>
    public DropFolderOptions? DropFolder { get; set; }
}

/// <summary>Checks <see cref="RegistryWorkerOptions"/> when the host starts.</summary>
internal sealed class RegistryWorkerOptionsValidator : IValidateOptions<RegistryWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryWorkerOptions options)
    {
        var failures = new List<string>();
        if (options.Concurrency is < 1 or > 256)
        {
            failures.Add("RegistryClient:Worker:Concurrency is 1 to 256.");
        }

        if (options.RetryInterval < TimeSpan.FromMilliseconds(10) || options.RetryInterval > TimeSpan.FromDays(1))
        {
            failures.Add("RegistryClient:Worker:RetryInterval is 10 ms to 1 day.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromDays(1))
        {
            failures.Add("RegistryClient:Worker:PollInterval is 10 ms to 1 day.");
        }

        if (options.DropFolder is { } drop)
        {
            failures.AddRange(drop.Problems());
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
