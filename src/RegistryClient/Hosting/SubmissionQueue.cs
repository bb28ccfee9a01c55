using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Outbox;

namespace RegistryClient.Hosting;

/// <summary>
/// The host's way into the outbox (registered by <c>AddOutbox</c>): queues validated submissions and wakes the drain
/// worker at once. The outbox is opened on first use and, when opening failed (a corrupt file, a full disk), tried
/// again on the next use; the queue disposes an outbox it opened.
/// </summary>
public sealed class SubmissionQueue : IDisposable
{
    private readonly Func<CancellationToken, Task<SubmissionOutbox>> _open;
    private readonly bool _owned;
    private readonly RegistryWorkerState _state;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private SubmissionOutbox? _outbox;
    private SubmissionOutbox? _inner;

    internal SubmissionQueue(Func<CancellationToken, Task<SubmissionOutbox>> open, bool owned, RegistryWorkerState state)
    {
        _open = open;
        _owned = owned;
        _state = state;
    }

    /// <summary>
    /// Queues a validated submission as the next version of its case and wakes the worker; the same content again is a
    /// no-op, and content a later version superseded is <see cref="OutboxEnqueueOutcome.Stale"/> and not queued.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The outbox cannot be opened or written.</exception>
    public async Task<OutboxEnqueueResult> EnqueueAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return await EnqueueAsync(PreparedSubmission.From(submission), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues a submission serialised beforehand (<see cref="PreparedSubmission.From(Submission)"/>, or a mapped
    /// document as it stands with <see cref="PreparedSubmission.From(Mapping.MappingResult)"/>), as
    /// <see cref="EnqueueAsync(Submission, CancellationToken)"/> does.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The outbox cannot be opened or written.</exception>
    public async Task<OutboxEnqueueResult> EnqueueAsync(PreparedSubmission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        var outbox = await GetOutboxAsync(cancellationToken).ConfigureAwait(false);
        return await outbox.EnqueueAsync(BatchSubmitter.EntryFor(submission), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The outbox, opened on first use. Versions queued through it wake the worker too.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The outbox cannot be opened.</exception>
    public async Task<SubmissionOutbox> GetOutboxAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _outbox) is { } open)
        {
            return open;
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_outbox is null)
            {
                SubmissionOutbox inner;
                try
                {
                    inner = await _open(cancellationToken).ConfigureAwait(false);
                }
                catch (OutboxUnavailableException ex)
                {
                    _state.OutboxFailed(ex);
                    throw;
                }

                _inner = inner;
                _state.OutboxRecovered();
                Volatile.Write(ref _outbox, new WakingOutbox(inner, _state));
            }

            return _outbox!;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>Disposes the outbox when the queue opened it.</summary>
    public void Dispose()
    {
        if (_owned && _inner is IDisposable disposable)
        {
            disposable.Dispose();
        }

        _opening.Dispose();
    }

    /// <summary>The outbox, waking the worker after every version it queues.</summary>
    private sealed class WakingOutbox(SubmissionOutbox inner, RegistryWorkerState state) : DelegatingSubmissionOutbox(inner)
    {
        public override async Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
        {
            var result = await Inner.EnqueueAsync(entry, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == OutboxEnqueueOutcome.Queued)
            {
                state.Wake();
            }

            return result;
        }
    }
}
