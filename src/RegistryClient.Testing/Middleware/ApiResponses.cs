using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Middleware;

/// <summary>Writes the only two shapes the sandbox answers with: RFC 9457 problem documents and JSON bodies (receipts with their ETag).</summary>
internal static class ApiResponses
{
    public const string ProblemJson = "application/problem+json";

    public static Task WriteAsync(HttpContext context, int status, string type, string title, string? detail = null) =>
        WriteAsync(context, new Problem { Type = type, Title = title, Status = status, Detail = detail });

    public static async Task WriteAsync(HttpContext context, Problem problem)
    {
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ProblemJson;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, SandboxJsonContext.Default.Problem, context.RequestAborted);
    }

    public static async Task JsonAsync<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    /// <summary>A receipt, with its version as the entity tag.</summary>
    public static Task ReceiptAsync(HttpContext context, int status, Receipt receipt)
    {
        context.Response.Headers.ETag = ETagOf(receipt.Version);
        return JsonAsync(context, status, receipt, SandboxJsonContext.Default.Receipt);
    }

    /// <summary>A receipt stored as JSON (an idempotent replay answers with the very receipt the first request got).</summary>
    public static async Task StoredReceiptAsync(HttpContext context, int status, string receiptJson)
    {
        var receipt = JsonSerializer.Deserialize(receiptJson, SandboxJsonContext.Default.Receipt)!;
        await ReceiptAsync(context, status, receipt);
    }

    public static string ETagOf(int version) => "\"" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
}
