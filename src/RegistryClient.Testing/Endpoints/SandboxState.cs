using RegistryClient.Testing.Middleware;
using RegistryClient.Testing.Storage;
using RegistryClient.Validation;

namespace RegistryClient.Testing.Endpoints;

/// <summary>What the endpoints share: storage, the validator, the clock, the keys in flight and the fault dice.</summary>
internal sealed class SandboxState(SandboxStore store, SandboxOptions options, FaultInjection faults)
{
    public SandboxStore Store { get; } = store;

    public SandboxOptions Options { get; } = options;

    public FaultInjection Faults { get; } = faults;

    public TimeProvider Time => Options.TimeProvider;

    public SubmissionValidator Validator { get; } = new();

    public InFlightKeys InFlight { get; } = new();
}

/// <summary>Idempotency keys whose first request is still being handled (a second gets 409 <c>request-in-progress</c>).</summary>
internal sealed class InFlightKeys
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    /// <summary>Claims the key; null when another request holds it. Dispose the claim to release it.</summary>
    public IDisposable? TryClaim(string key)
    {
        lock (_keys)
        {
            return _keys.Add(key) ? new Claim(this, key) : null;
        }
    }

    private sealed class Claim(InFlightKeys owner, string key) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._keys)
            {
                owner._keys.Remove(key);
            }
        }
    }
}
