namespace RegistryClient.Outbox;

/// <summary>Where a queued submission stands.</summary>
public enum OutboxState
{
    /// <summary>Queued, not yet stored by the registry (never sent, or every attempt so far failed transiently).</summary>
    Pending,

    /// <summary>Stored by the registry; the receipt is recorded. Never sent again.</summary>
    Accepted,

    /// <summary>Refused by the registry for good (invalid, a key conflict); the reason is recorded. Never sent again.</summary>
    Rejected,
}

/// <summary>One queued submission: the exact bytes to send and their idempotency key, and what became of them.</summary>
public sealed record OutboxEntry
{
    /// <summary>The idempotency key; unique in the outbox.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The hospital's episode id.</summary>
    public required string LocalRecordId { get; init; }

    /// <summary>The submitting organisation.</summary>
    public required string OrganisationCode { get; init; }

    /// <summary>The serialised submission, sent byte for byte on every attempt.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Its state.</summary>
    public OutboxState State { get; init; }

    /// <summary>Delivery attempts so far (each may include several HTTP retries).</summary>
    public int Attempts { get; init; }

    /// <summary>Why the last attempt failed, or why the registry rejected it. Never contains patient data.</summary>
    public string? LastError { get; init; }

    /// <summary>The registry's id, once accepted.</summary>
    public string? ReceiptId { get; init; }
}

/// <summary>How many entries are in each state.</summary>
public sealed record OutboxCounts(int Pending, int Accepted, int Rejected);

/// <summary>
/// A durable store-and-forward queue: each validated submission is recorded before any send, and its outcome after.
/// Implementations must make <see cref="EnqueueAsync"/> durable before returning and idempotent by key, so a crash at
/// any point loses nothing and a re-run sends nothing twice. <c>SqliteSubmissionOutbox</c> (package RegistryClient.Outbox.Sqlite) is the default.
/// </summary>
public interface ISubmissionOutbox
{
    /// <summary>Records a submission unless its key is already there; returns the entry as stored (new or existing).</summary>
    Task<OutboxEntry> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>The pending entries, oldest first, at most <paramref name="limit"/> of them.</summary>
    Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records that the registry holds the submission.</summary>
    Task MarkAcceptedAsync(string idempotencyKey, string receiptId, CancellationToken cancellationToken);

    /// <summary>Records a permanent refusal; the entry is not sent again.</summary>
    Task MarkRejectedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt; the entry stays pending for the next run.</summary>
    Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken);

    /// <summary>Counts by state.</summary>
    Task<OutboxCounts> CountAsync(CancellationToken cancellationToken);
}
