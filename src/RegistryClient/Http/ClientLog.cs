using Microsoft.Extensions.Logging;

namespace RegistryClient.Http;

/// <summary>
/// Source-generated log messages of the client (categories under <c>RegistryClient.Http</c>). Arguments are registry
/// ids, versions, codes, counts and statuses only. An expected transient failure is one line at Information, without
/// its exception; the exception goes to Debug for whoever is diagnosing.
/// </summary>
internal static partial class ClientLog
{
    /// <summary>The category of the resilience pipeline's lines (retries, circuit).</summary>
    public const string ResilienceCategory = RegistryDiagnostics.Name + ".Http.Resilience";

    public static void Outcome(ILogger logger, SubmissionResult result)
    {
        switch (result.Status)
        {
            case SubmissionStatus.Created: Created(logger, result.Receipt?.Id ?? "", result.Attempts); break;
            case SubmissionStatus.Amended: Amended(logger, result.Receipt?.Id ?? "", result.Receipt?.Version ?? 0, result.Attempts); break;
            case SubmissionStatus.Unchanged: Unchanged(logger, result.Receipt?.Id ?? "", result.Receipt?.Version ?? 0); break;
            case SubmissionStatus.Withdrawn: Withdrawn(logger, result.Receipt?.Id ?? "", result.HttpStatus ?? 0); break;
            case SubmissionStatus.NotFound: NotFound(logger); break;
            case SubmissionStatus.Rejected: Rejected(logger, result.Errors.Count, string.Join(",", result.Errors.Select(e => e.Code).Distinct())); break;
            case SubmissionStatus.Conflict when result.CurrentVersion is { } current:
                EditConflict(logger, result.Receipt?.Id ?? "", result.BasedOnVersion ?? 0, current, ProblemTypes.Kind(result.ProblemType) ?? "none");
                break;
            case SubmissionStatus.Conflict: Conflict(logger, result.HttpStatus ?? 0, ProblemTypes.Kind(result.ProblemType) ?? "none"); break;
            case SubmissionStatus.Stale: Stale(logger, result.Receipt?.Id ?? "", result.CurrentVersion ?? 0); break;
            case SubmissionStatus.Forbidden: Forbidden(logger); break;
            case SubmissionStatus.Unauthorized: Unauthorized(logger); break;
            default: NotDelivered(logger, result.Attempts, result.Detail ?? "unknown"); break;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Case created by the registry as {ReceiptId} after {Attempts} attempt(s)")]
    public static partial void Created(ILogger logger, string receiptId, int attempts);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Case {ReceiptId} already holds this content (version {Version}); nothing changed")]
    public static partial void Unchanged(ILogger logger, string receiptId, int version);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Submission rejected by the registry with {ErrorCount} error(s): {Codes}")]
    public static partial void Rejected(ILogger logger, int errorCount, string codes);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "The registry reported a conflict it will not resolve (HTTP {Status}, {ProblemKind})")]
    public static partial void Conflict(ILogger logger, int status, string problemKind);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "The registry refused the credentials (HTTP 401)")]
    public static partial void Unauthorized(ILogger logger);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Not delivered after {Attempts} attempt(s): {Detail}; safe to send again later")]
    public static partial void NotDelivered(ILogger logger, int attempts, string detail);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Case {ReceiptId} amended to version {Version} after {Attempts} attempt(s)")]
    public static partial void Amended(ILogger logger, string receiptId, int version, int attempts);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Case {ReceiptId} is withdrawn (HTTP {Status})")]
    public static partial void Withdrawn(ILogger logger, string receiptId, int status);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The registry holds no such case")]
    public static partial void NotFound(ILogger logger);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "The token is not bound to this organisation (HTTP 403)")]
    public static partial void Forbidden(ILogger logger);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Not sent: the registry holds newer content of case {ReceiptId} (version {CurrentVersion})")]
    public static partial void Stale(ILogger logger, string receiptId, int currentVersion);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Not sent: case {ReceiptId} was changed by another writer since version {BasedOnVersion} (now {CurrentVersion}, {ProblemKind}) and nothing shows which is newer")]
    public static partial void EditConflict(ILogger logger, string receiptId, int basedOnVersion, int currentVersion, string problemKind);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Registry attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, int attempt, string reason, long delayMs);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "Registry attempt {Attempt} failed with an exception")]
    public static partial void AttemptException(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "The registry circuit opened for {BreakMs} ms after repeated failures")]
    public static partial void CircuitOpened(ILogger logger, long breakMs);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "The registry circuit closed again")]
    public static partial void CircuitClosed(ILogger logger);
}
