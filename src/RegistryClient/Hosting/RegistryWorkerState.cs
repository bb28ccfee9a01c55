using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Hosting;

/// <summary>
/// What the worker last learnt, shared with the health check and the metrics (one per container): the queue's size
/// and oldest entry, the outbox's last failure, refused credentials, rejections since the last health check, and the
/// signal that wakes the worker when something is queued.
/// </summary>
internal sealed class RegistryWorkerState(TimeProvider time)
{
    private readonly object _gate = new();
    private TaskCompletionSource<bool> _wake = NewWake();
    private long _pending;
    private DateTimeOffset? _oldestPending;
    private int _rejectedSinceCheck;
    private OutboxUnavailableException? _outboxFailure;
    private int? _refusedCredentials;

    public TimeProvider Time => time;

    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Seconds since the oldest pending version was queued; 0 when none is pending.</summary>
    public double OldestPendingAgeSeconds
    {
        get
        {
            DateTimeOffset? oldest;
            lock (_gate)
            {
                oldest = _oldestPending;
            }

            return oldest is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0;
        }
    }

    public OutboxUnavailableException? OutboxFailure => Volatile.Read(ref _outboxFailure);

    /// <summary>401 or 403 when the registry last refused the credentials, until a later version is stored.</summary>
    public int? RefusedCredentials
    {
        get
        {
            lock (_gate)
            {
                return _refusedCredentials;
            }
        }
    }

    /// <summary>Wakes the worker (something was queued); a wake while it drains makes it drain again at once.</summary>
    public void Wake()
    {
        TaskCompletionSource<bool> wake;
        lock (_gate)
        {
            wake = _wake;
        }

        wake.TrySetResult(true);
    }

    /// <summary>The signal to wait for next; taken before a drain, so a wake during the drain is not lost.</summary>
    public Task TakeWake()
    {
        lock (_gate)
        {
            if (_wake.Task.IsCompleted)
            {
                _wake = NewWake();
            }

            return _wake.Task;
        }
    }

    public void Observed(OutboxCounts counts, OutboxEntry? oldest)
    {
        Interlocked.Exchange(ref _pending, counts.Pending);
        lock (_gate)
        {
            _oldestPending = counts.Pending == 0 ? null : oldest?.EnqueuedAt;
        }
    }

    /// <summary>The outbox failed (to open, read or write): unhealthy until it opens or a drain records its answers again.</summary>
    public void OutboxFailed(OutboxUnavailableException failure) => Volatile.Write(ref _outboxFailure, failure);

    public void OutboxRecovered() => Volatile.Write(ref _outboxFailure, null);

    public void Answered(SubmissionResult result)
    {
        switch (result.Status)
        {
            case SubmissionStatus.Unauthorized:
                SetRefused(401);
                break;
            case SubmissionStatus.Forbidden:
                SetRefused(403);
                break;
            case SubmissionStatus.Rejected or SubmissionStatus.Conflict:
                Interlocked.Increment(ref _rejectedSinceCheck);
                break;
            case SubmissionStatus.Created or SubmissionStatus.Amended or SubmissionStatus.Unchanged:
                SetRefused(null);
                break;
        }
    }

    /// <summary>Rejections since the previous call (each health check asks once).</summary>
    public int TakeRejections() => Interlocked.Exchange(ref _rejectedSinceCheck, 0);

    private void SetRefused(int? status)
    {
        lock (_gate)
        {
            _refusedCredentials = status;
        }
    }

    private static TaskCompletionSource<bool> NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Reads the queue's size and oldest entry into the shared state.</summary>
internal static class OutboxObservation
{
    public static async Task<(OutboxCounts Counts, OutboxEntry? Oldest)> ObserveAsync(this RegistryWorkerState state, SubmissionOutbox outbox, CancellationToken cancellationToken)
    {
        var counts = await outbox.CountAsync(cancellationToken).ConfigureAwait(false);
        var oldest = counts.Pending == 0 ? null : (await outbox.PendingAsync(0, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        state.Observed(counts, oldest);
        return (counts, oldest);
    }
}
