using RegistryClient.Http;

namespace RegistryClient.Outbox;

/// <summary>
/// A durable store-and-forward queue of case versions: each validated submission is recorded before any send, and the
/// registry's answer after. Implementations make <see cref="EnqueueAsync"/> durable before returning and idempotent by
/// key and content, keep every version of a case in enqueue order, and report a failure of their storage (corrupt,
/// full, in use) as <see cref="OutboxUnavailableException"/>. <c>SqliteSubmissionOutbox</c> (package
/// RegistryClient.Outbox.Sqlite) is the default; <c>SubmissionOutboxContract</c> (package RegistryClient.Testing) checks
/// that another implementation keeps these promises.
/// </summary>
/// <remarks>
/// <para>
/// An abstract class rather than an interface, so the outbox can grow without breaking implementers on every target
/// (net462 has no default interface members). The versioning rule: the members an outbox must implement are
/// <see langword="abstract"/> and stay as they are; a member added in a later version is <see langword="virtual"/>, with a
/// default built from the existing members that is correct for every outbox, and an implementation overrides it only to
/// do the same work more cheaply. <see cref="LatestStoredVersionAsync"/> is the first: its default reads the case's
/// history. An outbox that wraps another (a decorator) overrides every virtual member to forward it, so the inner
/// outbox's cheaper override is kept.
/// </para>
/// </remarks>
public abstract class SubmissionOutbox
{
    /// <summary>For implementations.</summary>
    protected SubmissionOutbox()
    {
    }

    /// <summary>
    /// Records a version of a case unless <see cref="OutboxEnqueueRules.Decide"/> says it is a duplicate of the case's
    /// latest version or stale; the same idempotency key again is always a duplicate. The entry carries the serialised
    /// body, key and content hash as computed once by the caller; the outbox stores them as they are and assigns
    /// <see cref="OutboxEntry.Sequence"/>.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public abstract Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the pending versions: those with a <see cref="OutboxEntry.Sequence"/> greater than
    /// <paramref name="afterSequence"/>, in enqueue order, at most <paramref name="limit"/> of them. Start with 0 and pass
    /// the last sequence of a page to read the next; an empty page is the end.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public abstract Task<IReadOnlyList<OutboxEntry>> PendingAsync(long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every version of one case the outbox holds, in enqueue order, with what the registry answered to each.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public abstract Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default);

    /// <summary>Records that the registry holds the version, with its answer and receipt.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed (a full disk, say): the registry's answer is not recorded.</exception>
    public abstract Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default);

    /// <summary>Records a permanent refusal (<see cref="OutboxState.Rejected"/> or <see cref="OutboxState.Withdrawn"/>); the version is not sent again.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public abstract Task MarkRefusedAsync(string idempotencyKey, OutboxState state, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt; the version stays pending for the next run.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public abstract Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases the stored documents of every version of one case (the case was withdrawn: its patient data must not stay
    /// on this host), keeping the rows' keys, hashes and outcomes so a re-run recognises them; pending versions become
    /// <see cref="OutboxState.Withdrawn"/>. Returns how many versions were purged.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public abstract Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default);

    /// <summary>Counts by state.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public abstract Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The registry's version number of the case as this outbox last recorded it stored (the
    /// <see cref="OutboxEntry.RegistryVersion"/> of its latest <see cref="OutboxState.Stored"/> version), or null when the
    /// outbox never stored the case. The drain amends from it. The default reads <see cref="HistoryAsync"/> (every body of
    /// the case); override it to read the one number.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    public virtual async Task<int?> LatestStoredVersionAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default)
    {
        var history = await HistoryAsync(organisationCode, localRecordId, cancellationToken).ConfigureAwait(false);
        int? latest = null;
        foreach (var version in history)
        {
            if (version.State == OutboxState.Stored && version.RegistryVersion is { } stored)
            {
                latest = stored;
            }
        }

        return latest;
    }
}
