using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RegistryClient.Testing.Middleware;

/// <summary>One line per request: method, path and status. Never a body, a query string or a header, so never an identifier.</summary>
internal sealed partial class RequestLog
{
    private readonly ILogger _logger;

    public RequestLog(ILogger logger) => _logger = logger;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted
                ? "dropped"
                : context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Request(_logger, context.Request.Method, LoggablePath(context.Request.Path.Value), status);
        }
    }

    /// <summary>The API's own paths as they are (a case id is the registry's, not the patient's); any other path could
    /// carry anything a caller typed, so it is not repeated.</summary>
    private static string LoggablePath(string? path) =>
        path is not null && ApiPath().IsMatch(path) ? path : "(unknown path)";

    [System.Text.RegularExpressions.GeneratedRegex("^/v1/(schema|submissions(/validate|/sub_[0-9a-f]{32}(/withdrawal)?)?)$")]
    private static partial System.Text.RegularExpressions.Regex ApiPath();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} {Status}")]
    private static partial void Request(ILogger logger, string method, string path, string status);
}
