namespace RegistryClient.Http;

/// <summary>
/// What became of a submission or a withdrawal. Every expected outcome is a value: callers never catch an exception to
/// learn it (only the unexpected surfaces, as <see cref="RegistryException"/>).
/// </summary>
public enum SubmissionStatus
{
    /// <summary>The registry created the case now (POST 201): <see cref="SubmissionResult.Receipt"/> is version 1.</summary>
    Created,

    /// <summary>The registry held the case with other content and now holds this one (PUT 200): the receipt carries the new version.</summary>
    Amended,

    /// <summary>The registry already holds exactly this content (a replay, or a case with the same content hash): nothing changed.</summary>
    Unchanged,

    /// <summary>
    /// Refused because the registry holds newer content of the case (409 <c>stale-content</c>): this content is older by
    /// <c>recordUpdatedAt</c>, or equals a version the case has moved past (an old export, a rebuilt host).
    /// <see cref="SubmissionResult.CurrentVersion"/> names the registry's version. Nothing changed. A genuine correction
    /// back to earlier content is sent with a newer <c>submitter.recordUpdatedAt</c>.
    /// </summary>
    Stale,

    /// <summary>Refused as invalid (HTTP 400): <see cref="SubmissionResult.Errors"/> says why. Do not resend unchanged.</summary>
    Rejected,

    /// <summary>
    /// The case was withdrawn and can never be re-created (HTTP 410 <c>case-withdrawn</c>). For
    /// <see cref="VenousRegistryClient.WithdrawAsync"/>: the withdrawal succeeded and the receipt is the tombstone.
    /// </summary>
    Withdrawn,

    /// <summary>The registry has no such case (withdrawal of a case it never held).</summary>
    NotFound,

    /// <summary>The token is not bound to the submission's organisation (HTTP 403 <c>wrong-organisation</c>).</summary>
    Forbidden,

    /// <summary>The token was missing or refused (HTTP 401). Check the credentials.</summary>
    Unauthorized,

    /// <summary>
    /// A state conflict for a person to decide: another writer changed the case since the version this content was
    /// based on and nothing shows which is newer (412, then the history), or both carry the same
    /// <c>recordUpdatedAt</c> with different content (409 <c>conflicting-edit</c>); also a reused idempotency key (422
    /// <c>key-reused</c>) or a body naming another case (422 <c>case-mismatch</c>). <see cref="SubmissionResult.BasedOnVersion"/>
    /// and <see cref="SubmissionResult.CurrentVersion"/> name both versions. Nothing changed.
    /// </summary>
    Conflict,

    /// <summary>
    /// Network errors, timeouts, 408, 429, 5xx or an in-flight duplicate (409 <c>request-in-progress</c>) outlasted the retries,
    /// or the circuit is open. Safe to send again later.
    /// </summary>
    TransientFailure,
}

/// <summary>
/// The typed outcome of <see cref="VenousRegistryClient.SubmitAsync(Model.Submission, SubmitOptions, CancellationToken)"/> and <see cref="VenousRegistryClient.WithdrawAsync"/>.
/// Build one in tests with <see cref="RegistryModelFactory.SubmissionResult"/>.
/// </summary>
public sealed record SubmissionResult
{
    /// <summary>What happened.</summary>
    public required SubmissionStatus Status { get; init; }

    /// <summary>The case's receipt, when the registry returned one (created, amended, unchanged, withdrawn).</summary>
    public SubmissionReceipt? Receipt { get; init; }

    /// <summary>The registry's errors, when it rejected the submission.</summary>
    public IReadOnlyList<RegistryError> Errors { get; init; } = [];

    /// <summary>The idempotency key of the last write sent (no patient data in it); empty when nothing was written.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The last HTTP status seen, if any response came back.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>The problem <c>type</c> of the last error response (RFC 9457), if any.</summary>
    public string? ProblemType { get; init; }

    /// <summary>Why, in a few words, for an outcome that is not a success (the registry's problem title, or the client's reason).</summary>
    public string? Detail { get; init; }

    /// <summary>For a transient failure after a 429 or 503: how long the registry asked callers to wait.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The HTTP attempts made, retries and the calls of an amendment included.</summary>
    public int Attempts { get; init; }

    /// <summary>
    /// The registry version this write was based on: <see cref="SubmitOptions.BasedOnVersion"/>, or null when the writer
    /// knew none (then a POST's <c>case-exists</c> was followed and the registry's rules decided).
    /// </summary>
    public int? BasedOnVersion { get; init; }

    /// <summary>
    /// For <see cref="SubmissionStatus.Stale"/> and <see cref="SubmissionStatus.Conflict"/>: the registry's current
    /// version of the case. For <see cref="SubmissionStatus.Amended"/>: the version this one replaced.
    /// </summary>
    public int? CurrentVersion { get; init; }

    /// <summary>For <see cref="SubmissionStatus.Stale"/> and <see cref="SubmissionStatus.Conflict"/>: the registry's current version's <c>recordUpdatedAt</c>, when it has one.</summary>
    public DateTimeOffset? CurrentRecordUpdatedAt { get; init; }

    /// <summary>
    /// True for an <see cref="SubmissionStatus.Amended"/> that replaced content this writer had never seen (no
    /// <see cref="BasedOnVersion"/>) while one side lacked <c>recordUpdatedAt</c>: the registry accepted it because the
    /// content is not one the case moved past, but nothing proved it newer. Map <c>recordUpdatedAt</c> to make this
    /// certain; <c>registry submit</c> lists such cases.
    /// </summary>
    public bool ReplacedUnseenContent { get; init; }

    /// <summary>Whether the registry now holds this content (<see cref="SubmissionStatus.Created"/>, <see cref="SubmissionStatus.Amended"/> or <see cref="SubmissionStatus.Unchanged"/>).</summary>
    public bool IsStored => Status is SubmissionStatus.Created or SubmissionStatus.Amended or SubmissionStatus.Unchanged;
}
