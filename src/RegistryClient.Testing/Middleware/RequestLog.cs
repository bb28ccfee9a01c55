using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace RegistryClient.Testing.Middleware;

/// <summary>
/// One line per request: method, path and status. Never a body, a query string or a header, so never an identifier;
/// and nothing a caller typed is repeated unless it is known to be harmless: a method only when it is a standard one,
/// a path only when it is one of the API's own (a case id is the registry's, not the patient's) and the caller
/// authenticated. An unauthenticated request's path is logged as the route it matched, e.g. <c>/v1/submissions/{id}</c>.
/// </summary>
internal sealed partial class RequestLog
{
    private const string UnknownPath = "(unknown path)";
    private const string OtherMethod = "(other method)";

    private static readonly string[] StandardMethods =
        [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Options, HttpMethods.Trace, HttpMethods.Connect];

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
            Request(_logger, LoggableMethod(context.Request.Method), LoggablePath(context), status);
        }
    }

    /// <summary>The method as the standard spells it; anything else is not repeated (a request line can start with anything).</summary>
    private static string LoggableMethod(string method) =>
        Array.Find(StandardMethods, m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase)) ?? OtherMethod;

    private static string LoggablePath(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (SandboxCaller.IsAuthenticated(context) && path is not null && ApiPath().IsMatch(path))
        {
            return path;
        }

        return context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template } ? template : UnknownPath;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^/v1/(schema|submissions(/validate|/sub_[0-9a-f]{32}(/withdrawal|/versions)?)?)$")]
    private static partial System.Text.RegularExpressions.Regex ApiPath();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} {Status}")]
    private static partial void Request(ILogger logger, string method, string path, string status);
}
