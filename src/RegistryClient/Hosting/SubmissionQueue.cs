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
    private sealed class WakingOutbox(SubmissionOutbox inner, RegistryWorkerState state) : SubmissionOutbox
    {
        public override async Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
        {
            var result = await inner.EnqueueAsync(entry, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == OutboxEnqueueOutcome.Queued)
            {
                state.Wake();
            }

            return result;
        }

        public override Task<IReadOnlyList<OutboxEntry>> PendingAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) =>
            inner.PendingAsync(afterSequence, limit, cancellationToken);

        public override Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
            inner.HistoryAsync(organisationCode, localRecordId, cancellationToken);

        public override Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default) =>
            inner.MarkStoredAsync(idempotencyKey, outcome, receipt, cancellationToken);

        public override Task MarkRefusedAsync(string idempotencyKey, OutboxState state1, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default) =>
            inner.MarkRefusedAsync(idempotencyKey, state1, outcome, reason, cancellationToken);

        public override Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
            inner.MarkAttemptFailedAsync(idempotencyKey, reason, cancellationToken);

        public override Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
            inner.PurgeCaseAsync(organisationCode, localRecordId, cancellationToken);

        public override Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

        public override Task<int?> LatestStoredVersionAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
            inner.LatestStoredVersionAsync(organisationCode, localRecordId, cancellationToken);
    }
}
