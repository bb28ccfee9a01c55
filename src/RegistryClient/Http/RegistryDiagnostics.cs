using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace RegistryClient.Http;

/// <summary>
/// The client's telemetry, all named <c>RegistryClient</c>. What is recorded: outcome, HTTP status, attempt timing,
/// error codes and counts, and the organisation code. What never is: NHS numbers, pseudonyms, dates of birth or any
/// other submitted value, nor the bearer token.
/// </summary>
public static class RegistryDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/>, the <see cref="Meter"/> and the log category prefix.</summary>
    public const string Name = "RegistryClient";

    internal static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Submissions = Meter.CreateCounter<long>("registry.client.submissions", unit: "{submission}",
        description: "Submissions sent, by outcome.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("registry.client.submit.duration", unit: "s",
        description: "Time to a final outcome, retries included.");
}

/// <summary>Source-generated log messages. Arguments are codes, counts and statuses only.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Submission accepted by the registry as {ReceiptId} (organisation {OrganisationCode})")]
    public static partial void Accepted(ILogger logger, string receiptId, string organisationCode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Submission already held by the registry as {ReceiptId} (replayed; organisation {OrganisationCode})")]
    public static partial void Replayed(ILogger logger, string receiptId, string organisationCode);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Submission rejected by the registry with {ErrorCount} error(s): {Codes}")]
    public static partial void Rejected(ILogger logger, int errorCount, string codes);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Idempotency key reused with a different body (HTTP 422); the local record id was reused for different content")]
    public static partial void Conflict(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "The registry refused the credentials (HTTP {Status})")]
    public static partial void Unauthorized(ILogger logger, int status);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Submission not delivered after retries: {Detail}")]
    public static partial void TransientFailure(ILogger logger, string detail);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Sending submission ({Bytes} bytes) to the registry")]
    public static partial void Sending(ILogger logger, int bytes);
}
