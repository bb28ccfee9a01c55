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

    /// <summary>
    /// The serialised submission, exactly the bytes the drain sends (<see cref="PreparedSubmission.Body"/> when queued);
    /// an outbox stores them as given and never reads them. Empty once the case was withdrawn and its documents purged.
    /// </summary>
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

/// <summary>What <see cref="SubmissionOutbox.EnqueueAsync"/> did with a version.</summary>
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

/// <summary>The answer of <see cref="SubmissionOutbox.EnqueueAsync"/>.</summary>
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
