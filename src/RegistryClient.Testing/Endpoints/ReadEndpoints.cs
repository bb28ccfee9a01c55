using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RegistryClient.Model;
using RegistryClient.Testing.Middleware;
using RegistryClient.Testing.Wire;
using RegistryClient.Validation;

namespace RegistryClient.Testing.Endpoints;

/// <summary>The calls that store nothing: read a case, list an organisation's cases, validate, and the schema.</summary>
internal static class ReadEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static void Map(WebApplication app, SandboxState state)
    {
        app.MapGet("/v1/submissions/{id}", context => GetAsync(context, state));
        app.MapGet("/v1/submissions", context => ListAsync(context, state));
        app.MapPost("/v1/submissions/validate", context => ValidateAsync(context, state));
        app.MapGet("/v1/schema", context =>
        {
            context.Response.ContentType = "application/schema+json";
            return context.Response.WriteAsync(SubmissionSchema.ReadText(), context.RequestAborted);
        });
    }

    private static async Task GetAsync(HttpContext context, SandboxState state)
    {
        if (await WriteRequests.FindOwnedCaseAsync(context, state) is { } record)
        {
            await ApiResponses.ReceiptAsync(context, 200, Receipt.From(record));
        }
    }

    private static async Task ListAsync(HttpContext context, SandboxState state)
    {
        var query = context.Request.Query;
        if (query["organisationCode"] is not { Count: 1 } organisations || string.IsNullOrEmpty(organisations[0]))
        {
            await BadQueryAsync(context, "organisationCode is required, once");
            return;
        }

        var organisation = organisations[0]!;
        if (!SandboxCaller.Of(context).MayActFor(organisation))
        {
            await WriteRequests.WrongOrganisationAsync(context);
            return;
        }

        var limit = DefaultLimit;
        if (query.ContainsKey("limit")
            && (query["limit"].Count != 1 || !int.TryParse(query["limit"][0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            await BadQueryAsync(context, $"limit must be a whole number from 1 to {MaxLimit}");
            return;
        }

        long after = 0;
        if (query.ContainsKey("cursor"))
        {
            if (query["cursor"].Count != 1 || DecodeCursor(query["cursor"][0], organisation) is not { } position)
            {
                await BadQueryAsync(context, "cursor is not one this registry gave for this organisation's list");
                return;
            }

            after = position;
        }

        var (items, more) = await state.Store.ListAsync(organisation, after, limit, context.RequestAborted);
        var page = new ReceiptPage
        {
            Items = items.Select(Receipt.From).ToList(),
            NextCursor = more ? EncodeCursor(items[^1].Sequence, organisation) : null,
        };
        await ApiResponses.JsonAsync(context, 200, page, SandboxJsonContext.Default.ReceiptPage);
    }

    private static async Task ValidateAsync(HttpContext context, SandboxState state)
    {
        if (!await WriteRequests.RequireJsonAsync(context))
        {
            return;
        }

        var report = await state.Validator.ValidateAsync(await WriteRequests.ReadBodyAsync(context), context.RequestAborted);
        var verdict = new ValidationVerdict(report.IsValid, WriteRequests.Errors(report, ValidationSeverity.Error), WriteRequests.Errors(report, ValidationSeverity.Warning));
        await ApiResponses.JsonAsync(context, 200, verdict, SandboxJsonContext.Default.ValidationVerdict);
    }

    private static Task BadQueryAsync(HttpContext context, string title) =>
        ApiResponses.WriteAsync(context, 400, ProblemTypes.InvalidRequest, title);

    /// <summary>Opaque to clients: the position after which the next page starts, bound to the organisation listed.</summary>
    private static string EncodeCursor(long sequence, string organisation) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"1:{sequence}:{organisation}")));

    private static long? DecodeCursor(string? cursor, string organisation)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200 || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':', 3);
        return parts.Length == 3 && parts[0] == "1" && parts[2] == organisation
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;
    }
}
