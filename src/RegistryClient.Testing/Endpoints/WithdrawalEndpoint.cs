using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RegistryClient.Testing.Middleware;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Endpoints;

/// <summary><c>POST /v1/submissions/{id}/withdrawal</c>: erases the case's documents and identifiers, keeps a tombstone.</summary>
internal static class WithdrawalEndpoint
{
    private static readonly string[] Reasons = ["consentWithdrawn", "enteredInError", "duplicate"];

    public static void Map(WebApplication app, SandboxState state) =>
        app.MapPost("/v1/submissions/{id}/withdrawal", context => WithdrawAsync(context, state));

    private static async Task WithdrawAsync(HttpContext context, SandboxState state)
    {
        if (!await WriteRequests.RequireJsonAsync(context))
        {
            return;
        }

        var reason = ReadReason(await WriteRequests.ReadBodyAsync(context));
        if (reason is null || Array.IndexOf(Reasons, reason) < 0)
        {
            await ApiResponses.WriteAsync(context, new Problem
            {
                Type = ProblemTypes.InvalidRequest,
                Title = "The withdrawal needs a reason",
                Status = 400,
                Errors = [new ApiError("SCHEMA", "/reason", "reason must be one of consentWithdrawn, enteredInError, duplicate")],
            });
            return;
        }

        if (await WriteRequests.FindOwnedCaseAsync(context, state) is not { } current)
        {
            return;
        }

        var tombstone = await state.Store.WithdrawAsync(current.Id, reason, state.Time.GetUtcNow(), context.RequestAborted);
        await ApiResponses.ReceiptAsync(context, 200, Receipt.From(tombstone!));
    }

    private static string? ReadReason(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, SandboxJsonContext.Default.WithdrawalRequest)?.Reason;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
