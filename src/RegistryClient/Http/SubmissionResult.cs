namespace RegistryClient.Http;

/// <summary>What became of a submission. Every outcome is a value: callers never catch an exception to learn it.</summary>
public enum SubmissionStatus
{
    /// <summary>Stored by the registry now (HTTP 201); <see cref="SubmissionResult.Receipt"/> holds the receipt.</summary>
    Accepted,

    /// <summary>Already stored by an earlier call with the same key and body (HTTP 200); the original receipt.</summary>
    Replayed,

    /// <summary>Refused as invalid (HTTP 400); <see cref="SubmissionResult.Errors"/> says why. Do not resend unchanged.</summary>
    Rejected,

    /// <summary>The idempotency key was used before with a different body (HTTP 422). A local-record id was reused for different content.</summary>
    Conflict,

    /// <summary>The token was missing or refused (HTTP 401 or 403). Check the credentials.</summary>
    Unauthorized,

    /// <summary>Network errors, timeouts, 408, 409, 429 or 5xx outlasted the retries, or the circuit is open. Safe to send again later.</summary>
    TransientFailure,
}

/// <summary>The typed outcome of <see cref="VenousRegistryClient.SubmitAsync(Model.Submission, CancellationToken)"/>.</summary>
public sealed record SubmissionResult
{
    /// <summary>What happened.</summary>
    public required SubmissionStatus Status { get; init; }

    /// <summary>The receipt, when <see cref="Status"/> is <see cref="SubmissionStatus.Accepted"/> or <see cref="SubmissionStatus.Replayed"/>.</summary>
    public SubmissionReceipt? Receipt { get; init; }

    /// <summary>The registry's errors, when it rejected the submission.</summary>
    public IReadOnlyList<RegistryError> Errors { get; init; } = [];

    /// <summary>The idempotency key the submission was sent with (no patient data in it).</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The last HTTP status seen, if any response came back.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>For a transient failure: why, in a few words (e.g. "circuit open", "Retry-After 120 s exceeds the remaining budget").</summary>
    public string? Detail { get; init; }

    /// <summary>For a transient failure after a 429 or 503: how long the registry asked callers to wait.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether the registry holds the submission (accepted now or before).</summary>
    public bool IsStored => Status is SubmissionStatus.Accepted or SubmissionStatus.Replayed;
}
