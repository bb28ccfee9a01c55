namespace RegistryClient.Testing.Storage;

/// <summary>One case as the sandbox stores it: the episode's identity, its current version and, once withdrawn, its tombstone.</summary>
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
    DateTimeOffset? WithdrawnAt)
{
    public const string Accepted = "accepted";
    public const string Withdrawn = "withdrawn";

    public bool IsWithdrawn => Status == Withdrawn;
}

/// <summary>A write the sandbox is asked to make: the idempotency key, a hash of the exact request, and the document.</summary>
internal sealed record CaseWrite(
    string IdempotencyKey,
    string RequestHash,
    string OrganisationCode,
    string LocalRecordId,
    string SchemaVersion,
    string ContentHash,
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
}

/// <summary>The result of a write, with the case it concerns and, for a replay, the receipt the first request got.</summary>
internal sealed record WriteOutcome(WriteResult Result, CaseRecord? Case, string? StoredReceipt = null);
