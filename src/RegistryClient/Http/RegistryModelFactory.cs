namespace RegistryClient.Http;

/// <summary>
/// Builds the client's result models, so that consumers' tests can stand in for <see cref="VenousRegistryClient"/>
/// (a subclass or a mock of its virtual methods) and return any outcome without a server.
/// </summary>
public static class RegistryModelFactory
{
    /// <summary>A submission or withdrawal outcome.</summary>
    /// <param name="status">What happened.</param>
    /// <param name="receipt">The case's receipt, for outcomes that carry one.</param>
    /// <param name="errors">The registry's errors, for <see cref="SubmissionStatus.Rejected"/>.</param>
    /// <param name="idempotencyKey">The key of the write sent.</param>
    /// <param name="httpStatus">The last HTTP status.</param>
    /// <param name="problemType">The problem <c>type</c> of the last error response.</param>
    /// <param name="detail">Why, in a few words.</param>
    /// <param name="retryAfter">The wait the registry asked for.</param>
    /// <param name="attempts">The HTTP attempts made.</param>
    public static SubmissionResult SubmissionResult(
        SubmissionStatus status,
        SubmissionReceipt? receipt = null,
        IEnumerable<RegistryError>? errors = null,
        string idempotencyKey = "",
        int? httpStatus = null,
        string? problemType = null,
        string? detail = null,
        TimeSpan? retryAfter = null,
        int attempts = 1) => new()
        {
            Status = status,
            Receipt = receipt,
            Errors = errors?.ToArray() ?? [],
            IdempotencyKey = idempotencyKey ?? "",
            HttpStatus = httpStatus,
            ProblemType = problemType,
            Detail = detail,
            RetryAfter = retryAfter,
            Attempts = attempts,
        };

    /// <summary>A case's receipt.</summary>
    /// <param name="id">The registry's id for the case.</param>
    /// <param name="organisationCode">The submitting organisation.</param>
    /// <param name="localRecordId">The hospital's id for the episode.</param>
    /// <param name="status">Whether the case holds a document or only its tombstone.</param>
    /// <param name="version">The current version.</param>
    /// <param name="contentHash">The content hash of the current version.</param>
    /// <param name="receivedAt">When the case was created.</param>
    /// <param name="updatedAt">When it last changed; <paramref name="receivedAt"/> by default.</param>
    /// <param name="schemaVersion">The schema version of the current version.</param>
    /// <param name="withdrawal">The tombstone details of a withdrawn case.</param>
    public static SubmissionReceipt SubmissionReceipt(
        string id,
        string organisationCode = "",
        string localRecordId = "",
        CaseStatus status = CaseStatus.Accepted,
        int version = 1,
        string contentHash = "",
        DateTimeOffset receivedAt = default,
        DateTimeOffset? updatedAt = null,
        string schemaVersion = "1.0",
        CaseWithdrawal? withdrawal = null) => new()
        {
            Id = id,
            OrganisationCode = organisationCode,
            LocalRecordId = localRecordId,
            Status = status,
            Version = version,
            ContentHash = contentHash,
            ReceivedAt = receivedAt,
            UpdatedAt = updatedAt ?? receivedAt,
            SchemaVersion = schemaVersion,
            Withdrawal = withdrawal,
        };

    /// <summary>The tombstone details of a withdrawn case.</summary>
    /// <param name="reason">Why it was withdrawn.</param>
    /// <param name="at">When.</param>
    public static CaseWithdrawal CaseWithdrawal(WithdrawalReason reason, DateTimeOffset at) => new() { Reason = reason, At = at };

    /// <summary>The registry's verdict on a validation request.</summary>
    /// <param name="valid">Whether the submission would be accepted.</param>
    /// <param name="errors">The errors.</param>
    /// <param name="warnings">The warnings.</param>
    public static RegistryValidationResult ValidationResult(bool valid, IEnumerable<RegistryError>? errors = null, IEnumerable<RegistryError>? warnings = null) => new()
    {
        Valid = valid,
        Errors = errors?.ToArray() ?? [],
        Warnings = warnings?.ToArray() ?? [],
    };

    /// <summary>One error or warning reported by the registry.</summary>
    /// <param name="code">The code (<c>SCHEMA</c>, <c>PARSE</c>, <c>LIMIT</c> or a rule such as <c>VR004</c>).</param>
    /// <param name="pointer">The JSON Pointer of the offending value.</param>
    /// <param name="message">What is wrong.</param>
    public static RegistryError RegistryError(string code, string pointer = "", string message = "") => new() { Code = code, Pointer = pointer, Message = message };
}
