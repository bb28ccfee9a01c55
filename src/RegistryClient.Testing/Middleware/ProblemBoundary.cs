using Microsoft.AspNetCore.Http;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Middleware;

/// <summary>
/// No bare error ever leaves the sandbox: an exception becomes a 500 problem document (a body too large, 413), and a
/// status set without a body (no such route, a method the route does not have) gets a problem document too.
/// </summary>
internal static class ProblemBoundary
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            var tooLarge = ex.StatusCode == StatusCodes.Status413PayloadTooLarge;
            await ApiResponses.WriteAsync(context, ex.StatusCode,
                tooLarge ? ProblemTypes.PayloadTooLarge : ProblemTypes.InvalidRequest,
                tooLarge ? "The request body is larger than the registry accepts (2 MiB)" : "The request could not be read");
            return;
        }
        catch (Exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.Response.Clear();
            await ApiResponses.WriteAsync(context, 500, ProblemTypes.InternalError, "The registry failed unexpectedly; nothing was stored by this request");
            return;
        }

        if (context.Response.StatusCode >= 400 && !context.Response.HasStarted && context.Response.ContentType is null)
        {
            var status = context.Response.StatusCode;
            var (type, title) = status switch
            {
                404 => (ProblemTypes.NotFound, "No such resource"),
                405 => (ProblemTypes.MethodNotAllowed, "This resource does not support the method"),
                _ => (ProblemTypes.InvalidRequest, "The request could not be handled"),
            };
            await ApiResponses.WriteAsync(context, status, type, title);
        }
    }
}
