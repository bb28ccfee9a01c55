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

    public ListCursor Cursors { get; } = new();
}

/// <summary>Idempotency keys whose first request is still being handled (a second gets 409 <c>request-in-progress</c>),
/// by organisation: keys are scoped per organisation, so one organisation's key never holds up another's.</summary>
internal sealed class InFlightKeys
{
    private readonly HashSet<(string Organisation, string Key)> _keys = [];
    private WriteHold? _nextHold;

    /// <summary>Claims the organisation's key; null when another request holds it. Dispose the claim to release it.</summary>
    public IDisposable? TryClaim(string organisationCode, string key)
    {
        lock (_keys)
        {
            return _keys.Add((organisationCode, key)) ? new Claim(this, (organisationCode, key)) : null;
        }
    }

    /// <summary>For tests: the next write that claims its key waits, its key held, until the hold is released.</summary>
    public WriteHold HoldNext()
    {
        var hold = new WriteHold();
        Volatile.Write(ref _nextHold, hold);
        return hold;
    }

    /// <summary>Waits while a test holds this write (see <see cref="HoldNext"/>).</summary>
    public Task WaitIfHeldAsync(CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _nextHold, null) is { } hold ? hold.HoldAsync(cancellationToken) : Task.CompletedTask;

    private sealed class Claim(InFlightKeys owner, (string, string) key) : IDisposable
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

/// <summary>A write held after claiming its key: <see cref="Claimed"/> completes once it holds the key, and it goes on
/// when <see cref="Release"/> is called.</summary>
internal sealed class WriteHold
{
    private readonly TaskCompletionSource _claimed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Claimed => _claimed.Task;

    public void Release() => _released.TrySetResult();

    public Task HoldAsync(CancellationToken cancellationToken)
    {
        _claimed.TrySetResult();
        return _released.Task.WaitAsync(cancellationToken);
    }
}
