using Microsoft.Extensions.Logging;
using RegistryClient.Outbox;

namespace RegistryClient.Hosting;

/// <summary>The worker's log lines (category <c>RegistryClient.Hosting</c>): counts, states and reasons, never a case or patient identifier.</summary>
internal static partial class WorkerLog
{
    public const string Category = "RegistryClient.Hosting";

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Outbox drained: {Created} created, {Amended} amended, {Unchanged} unchanged, {Stale} stale, {Rejected} rejected, {Conflicts} conflict(s), {Withdrawn} withdrawn; {Pending} pending")]
    public static partial void Drained(ILogger logger, int created, int amended, int unchanged, int stale, int rejected, int conflicts, int withdrawn, int pending);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "The outbox is unavailable ({Problem}): {Reason} Trying again in {RetryMs} ms")]
    public static partial void OutboxUnavailable(ILogger logger, OutboxProblem problem, string reason, long retryMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "The registry refused the credentials (HTTP 401); trying again in {RetryMs} ms")]
    public static partial void Unauthorized(ILogger logger, long retryMs);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Waiting {WaitMs} ms before sending again ({Reason})")]
    public static partial void Waiting(ILogger logger, long waitMs, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "The outbox drain failed unexpectedly; trying again in {RetryMs} ms")]
    public static partial void Failed(ILogger logger, long retryMs, Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Stopping: versions in flight finish, the rest stay queued for the next start")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 106, Level = LogLevel.Debug, Message = "Outbox worker started: concurrency {Concurrency}, retry every {RetryMs} ms, poll every {PollMs} ms")]
    public static partial void Started(ILogger logger, int concurrency, long retryMs, long pollMs);
}
