using RegistryClient.Http;

namespace RegistryClient.Outbox;

/// <summary>
/// An outbox that hands every call to another one, for decorators (metrics, a wake-up after each enqueue, a fault in a
/// test): override only what the decorator changes. Every member of <see cref="SubmissionOutbox"/> is forwarded, the
/// virtual ones too, and a member added later will be forwarded here as well, so a decorator keeps the inner outbox's
/// own implementation of it.
/// </summary>
public abstract class DelegatingSubmissionOutbox : SubmissionOutbox
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected DelegatingSubmissionOutbox(SubmissionOutbox inner) => Inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The outbox the calls go to.</summary>
    protected SubmissionOutbox Inner { get; }

    /// <inheritdoc />
    public override Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default) => Inner.EnqueueAsync(entry, cancellationToken);

    /// <inheritdoc />
    public override Task<IReadOnlyList<OutboxEntry>> PendingAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        Inner.PendingAsync(afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public override Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
        Inner.HistoryAsync(organisationCode, localRecordId, cancellationToken);

    /// <inheritdoc />
    public override Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default) =>
        Inner.MarkStoredAsync(idempotencyKey, outcome, receipt, cancellationToken);

    /// <inheritdoc />
    public override Task MarkRefusedAsync(string idempotencyKey, OutboxState state, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default) =>
        Inner.MarkRefusedAsync(idempotencyKey, state, outcome, reason, cancellationToken);

    /// <inheritdoc />
    public override Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
        Inner.MarkAttemptFailedAsync(idempotencyKey, reason, cancellationToken);

    /// <inheritdoc />
    public override Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
        Inner.PurgeCaseAsync(organisationCode, localRecordId, cancellationToken);

    /// <inheritdoc />
    public override Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default) => Inner.CountAsync(cancellationToken);

    /// <inheritdoc />
    public override Task<int?> LatestStoredVersionAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
        Inner.LatestStoredVersionAsync(organisationCode, localRecordId, cancellationToken);
}
