namespace RegistryClient.Testing.Storage;

/// <summary>One case as the sandbox stores it: the episode's identity, its current version (with that version's
/// <c>recordUpdatedAt</c>, when it carried one) and, once withdrawn, its tombstone.</summary>
internal sealed record CaseRecord(
    long Sequence,
    string Id,
    string OrganisationCode,
    string LocalRecordId,
    string Status,
    int Version,
    string ContentHash,
    string SchemaVersion,
    DateTimeOffset ReceivedAt,
    DateTimeOffset UpdatedAt,
    string? WithdrawalReason,
    DateTimeOffset? WithdrawnAt,
    DateTimeOffset? RecordUpdatedAt)
{
    public const string Accepted = "accepted";
    public const string Withdrawn = "withdrawn";

    public bool IsWithdrawn => Status == Withdrawn;
}

/// <summary>A write the sandbox is asked to make: the idempotency key, a hash of the exact request, and the document
/// with the source time it carries.</summary>
internal sealed record CaseWrite(
    string IdempotencyKey,
    string RequestHash,
    string OrganisationCode,
    string LocalRecordId,
    string SchemaVersion,
    string ContentHash,
    DateTimeOffset? RecordUpdatedAt,
    byte[] Document,
    DateTimeOffset Now);

/// <summary>What a create or an amendment came to.</summary>
internal enum WriteResult
{
    Created,
    Amended,
    Unchanged,
    Replayed,
    KeyReused,
    CaseExists,
    Withdrawn,
    NotFound,
    CaseMismatch,
    VersionMismatch,

    /// <summary>Older than the current version by <c>recordUpdatedAt</c>, or (without one) a superseded version's content.</summary>
    Stale,

    /// <summary>Other content than the current version at the same <c>recordUpdatedAt</c>: two writers disagree.</summary>
    ConflictingEdit,
}

/// <summary>The result of a write, with the case it concerns and, for a replay, the receipt the first request got.</summary>
internal sealed record WriteOutcome(WriteResult Result, CaseRecord? Case, string? StoredReceipt = null);
