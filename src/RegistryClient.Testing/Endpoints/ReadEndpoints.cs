using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RegistryClient.Model;
using RegistryClient.Testing.Middleware;
using RegistryClient.Testing.Wire;
using RegistryClient.Validation;

namespace RegistryClient.Testing.Endpoints;

/// <summary>The calls that store nothing: read a case and its history, list an organisation's cases, validate, and the schema.</summary>
internal static class ReadEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static void Map(WebApplication app, SandboxState state)
    {
        app.MapGet("/v1/submissions/{id}", context => GetAsync(context, state));
        app.MapGet("/v1/submissions/{id}/versions", context => HistoryAsync(context, state));
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

    /// <summary>The case's versions, oldest first, without documents; a withdrawn case keeps only its tombstone, so its
    /// history has no items.</summary>
    private static async Task HistoryAsync(HttpContext context, SandboxState state)
    {
        if (await WriteRequests.FindOwnedCaseAsync(context, state) is not { } record)
        {
            return;
        }

        IReadOnlyList<SandboxCaseVersion> versions = record.IsWithdrawn ? [] : await state.Store.HistoryAsync(record.Id, context.RequestAborted);
        var history = new VersionHistory
        {
            Items = versions.Select(v => new VersionEntry
            {
                Version = v.Version,
                ContentHash = v.ContentHash,
                RecordUpdatedAt = v.RecordUpdatedAt,
                ReceivedAt = v.StoredAt,
            }).ToList(),
        };
        await ApiResponses.JsonAsync(context, 200, history, SandboxJsonContext.Default.VersionHistory);
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

        string? after = null;
        if (query.ContainsKey("cursor") && (query["cursor"].Count != 1 || (after = state.Cursors.Decode(query["cursor"][0], organisation)) is null))
        {
            await BadCursorAsync(context);
            return;
        }

        if (await state.Store.ListAsync(organisation, after, limit, context.RequestAborted) is not { } listing)
        {
            await BadCursorAsync(context);
            return;
        }

        var (items, more) = listing;

        var page = new ReceiptPage
        {
            Items = items.Select(Receipt.From).ToList(),
            NextCursor = more ? state.Cursors.Encode(items[^1].Id, organisation) : null,
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

    private static Task BadCursorAsync(HttpContext context) =>
        BadQueryAsync(context, "cursor is not one this registry gave for this organisation's list");
}
