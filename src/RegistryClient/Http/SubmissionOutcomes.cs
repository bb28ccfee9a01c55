namespace RegistryClient.Http;

/// <summary>
/// Status classification: turns the registry's answer to a write (POST, PUT, withdrawal) into a
/// <see cref="SubmissionResult"/>, branching on the problem <c>type</c>, never on its title. Answers that need another
/// call (<c>case-exists</c>, <c>version-mismatch</c>) are the caller's; anything the API does not promise throws.
/// </summary>
internal static class SubmissionOutcomes
{
    /// <summary>The result for an answer that ends the call; <paramref name="success"/> names a 2xx with a receipt.</summary>
    /// <exception cref="RegistryException">A status the API does not promise for this call (a 3xx, 404, 415, 428...).</exception>
    public static SubmissionResult Final<T>(RegistryAnswer<T> answer, SubmissionStatus success, string key, int attempts, string what)
        where T : class
    {
        SubmissionResult Result(SubmissionStatus status, SubmissionReceipt? receipt = null, IReadOnlyList<RegistryError>? errors = null, string? detail = null) => new()
        {
            Status = status,
            Receipt = receipt,
            Errors = errors ?? [],
            IdempotencyKey = key,
            HttpStatus = answer.Status,
            ProblemType = answer.Problem?.Type,
            Detail = detail ?? answer.ServerMessage,
            RetryAfter = answer.RetryAfter,
            Attempts = attempts,
        };

        if (answer.Status is not { } status)
        {
            return Result(SubmissionStatus.TransientFailure, detail: answer.Transient);
        }

        return status switch
        {
            >= 200 and < 300 when answer.Content is SubmissionReceipt receipt => Result(success, receipt),
            >= 200 and < 300 => Result(SubmissionStatus.TransientFailure, detail: answer.Transient),
            400 => Result(SubmissionStatus.Rejected, errors: answer.Problem?.Errors ?? [], detail: answer.ServerMessage ?? "the registry refused the request as invalid"),
            401 => Result(SubmissionStatus.Unauthorized, detail: answer.ServerMessage ?? "the registry refused the credentials"),
            403 => Result(SubmissionStatus.Forbidden, detail: answer.ServerMessage ?? "the token is not bound to this organisation"),
            409 when answer.ProblemKind == ProblemTypes.StaleContent => Result(SubmissionStatus.Stale, detail: answer.ServerMessage
                ?? "the registry holds newer content of this case; a correction back to earlier content needs a newer submitter.recordUpdatedAt") with
            {
                CurrentVersion = answer.Problem?.Version,
                CurrentRecordUpdatedAt = answer.Problem?.RecordUpdatedAt,
            },
            409 when answer.ProblemKind == ProblemTypes.ConflictingEdit => Result(SubmissionStatus.Conflict, detail: answer.ServerMessage
                ?? "the registry holds other content with the same recordUpdatedAt; a person must decide which is right") with
            {
                CurrentVersion = answer.Problem?.Version,
                CurrentRecordUpdatedAt = answer.Problem?.RecordUpdatedAt,
            },
            409 when answer.ProblemKind == ProblemTypes.RequestInProgress => Result(SubmissionStatus.TransientFailure, detail: "the same request was still in progress after the retries"),
            410 => Result(SubmissionStatus.Withdrawn, detail: answer.ServerMessage ?? "the case was withdrawn"),
            412 => Result(SubmissionStatus.Conflict, detail: "the case kept changing under another writer; read it and try again"),
            422 => Result(SubmissionStatus.Conflict, detail: answer.ServerMessage ?? "the registry refused the request as conflicting"),
            _ when RegistryResilience.IsTransient(status) => Result(SubmissionStatus.TransientFailure,
                detail: $"HTTP {status} outlasted the retries or the time budget"),
            _ => throw answer.Unexpected(what),
        };
    }
}
