using RegistryClient.Http;

namespace RegistryClient.Outbox;

/// <summary>Where one queued version of a case stands.</summary>
public enum OutboxState
{
    /// <summary>Queued, not yet stored by the registry (never sent, or every attempt so far failed transiently).</summary>
    Pending,

    /// <summary>The registry holds this version (created, amended or already there); the receipt is recorded. Never sent again.</summary>
    Stored,

    /// <summary>Refused by the registry for good (invalid, a conflict it could not resolve); the reason is recorded. Never sent again.</summary>
    Rejected,

    /// <summary>The registry's case was withdrawn (410): it can never be re-created, so this version is never sent again.</summary>
    Withdrawn,
}

/// <summary>
/// One version of a case (organisation code, local record id) in the outbox: the exact bytes to send, their content
/// hash, and what the registry answered.
/// </summary>
public sealed record OutboxEntry
{
    /// <summary>The enqueue order, assigned by the outbox: versions of a case are sent in this order.</summary>
    public long Sequence { get; init; }

    /// <summary>The idempotency key (organisation, local record id and content hash; no patient data); unique in the outbox.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The submitting organisation.</summary>
    public required string OrganisationCode { get; init; }

    /// <summary>The hospital's episode id.</summary>
    public required string LocalRecordId { get; init; }

    /// <summary>The content hash of this version (<see cref="Model.SubmissionContentHash"/>).</summary>
    public required string ContentHash { get; init; }

    /// <summary>The version's <c>submitter.recordUpdatedAt</c>, when the source gave one: it orders the case's versions (<see cref="OutboxEnqueueRules"/>).</summary>
    public DateTimeOffset? RecordUpdatedAt { get; init; }

    /// <summary>The serialised submission; empty once the case was withdrawn and its documents purged.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Its state.</summary>
    public OutboxState State { get; init; }

    /// <summary>Delivery attempts so far (each may include several HTTP retries).</summary>
    public int Attempts { get; init; }

    /// <summary>Why the last attempt failed, or why the registry refused it. Never contains patient data.</summary>
    public string? LastError { get; init; }

    /// <summary>
    /// What the registry answered once the version was settled: <see cref="SubmissionStatus.Created"/>,
    /// <see cref="SubmissionStatus.Amended"/> or <see cref="SubmissionStatus.Unchanged"/> when stored,
    /// <see cref="SubmissionStatus.Rejected"/>, <see cref="SubmissionStatus.Conflict"/> or
    /// <see cref="SubmissionStatus.Withdrawn"/> when refused; null while pending or when a first-wave outbox did not record it.
    /// </summary>
    public SubmissionStatus? Outcome { get; init; }

    /// <summary>The registry's case id, once stored.</summary>
    public string? ReceiptId { get; init; }

    /// <summary>The registry's version number of the case after this version was stored.</summary>
    public int? RegistryVersion { get; init; }

    /// <summary>When the version was queued.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When the entry last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What <see cref="ISubmissionOutbox.EnqueueAsync"/> did with a version.</summary>
public enum OutboxEnqueueOutcome
{
    /// <summary>A new version of the case was queued.</summary>
    Queued,

    /// <summary>The same content is already the case's latest version in the outbox (pending or settled); nothing new was queued.</summary>
    Duplicate,

    /// <summary>
    /// The content is older than the case's latest version in the outbox (an older <c>recordUpdatedAt</c>, or, without
    /// one, content equal to a version a later one superseded: a re-run of an old export): nothing was queued, and it is
    /// never sent, so older data never overwrites newer. A correction back to earlier content needs a newer <c>recordUpdatedAt</c>.
    /// </summary>
    Stale,
}

/// <summary>The answer of <see cref="ISubmissionOutbox.EnqueueAsync"/>.</summary>
public sealed class OutboxEnqueueResult
{
    /// <summary>What happened.</summary>
    public required OutboxEnqueueOutcome Outcome { get; init; }

    /// <summary>The entry as stored: the new one, the existing equal one, or (when stale) the superseded one.</summary>
    public required OutboxEntry Entry { get; init; }
}

/// <summary>How many versions are in each state.</summary>
/// <remarks>A class, so a new state can be counted without breaking callers; compare counts property by property.</remarks>
public sealed class OutboxCounts
{
    /// <summary>Waiting to be sent.</summary>
    public required int Pending { get; init; }

    /// <summary>Held by the registry.</summary>
    public required int Stored { get; init; }

    /// <summary>Refused for good.</summary>
    public required int Rejected { get; init; }

    /// <summary>Not sent because the case was withdrawn.</summary>
    public required int Withdrawn { get; init; }
}

/// <summary>
/// A durable store-and-forward queue of case versions: each validated submission is recorded before any send, and the
/// registry's answer after. Implementations make <see cref="EnqueueAsync"/> durable before returning and idempotent by
/// content, keep every version of a case in enqueue order, and report a failure of their storage (corrupt, full, in
/// use) as <see cref="OutboxUnavailableException"/>. <c>SqliteSubmissionOutbox</c> (package RegistryClient.Outbox.Sqlite)
/// is the default.
/// </summary>
public interface ISubmissionOutbox
{
    /// <summary>
    /// Records a version of a case unless <see cref="OutboxEnqueueRules.Decide"/> says it is a duplicate of the case's
    /// latest version or stale; the same idempotency key again is always a duplicate.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The pending versions in enqueue order, at most <paramref name="limit"/> of them.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Every version of one case the outbox holds, in enqueue order, with what the registry answered to each.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default);

    /// <summary>Records that the registry holds the version, with its answer and receipt.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed (a full disk, say): the registry's answer is not recorded.</exception>
    Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default);

    /// <summary>Records a permanent refusal (<see cref="OutboxState.Rejected"/> or <see cref="OutboxState.Withdrawn"/>); the version is not sent again.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    Task MarkRefusedAsync(string idempotencyKey, OutboxState state, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt; the version stays pending for the next run.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases the stored documents of every version of one case (the case was withdrawn: its patient data must not stay
    /// on this host), keeping the rows' keys, hashes and outcomes so a re-run recognises them; pending versions become
    /// <see cref="OutboxState.Withdrawn"/>. Returns how many versions were purged.
    /// </summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default);

    /// <summary>Counts by state.</summary>
    /// <exception cref="OutboxUnavailableException">The storage failed.</exception>
    Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default);
}
