using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using RegistryClient.Model;
using RegistryClient.Testing.Middleware;
using RegistryClient.Testing.Storage;
using RegistryClient.Testing.Wire;
using RegistryClient.Validation;

namespace RegistryClient.Testing.Endpoints;

/// <summary>The checks every request with a body goes through, in the order the API gives them.</summary>
internal static class WriteRequests
{
    /// <summary>415 unless the body is declared <c>application/json</c>.</summary>
    public static async Task<bool> RequireJsonAsync(HttpContext context)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        await ApiResponses.WriteAsync(context, 415, ProblemTypes.UnsupportedMediaType, "The body must be application/json");
        return false;
    }

    /// <summary>The Idempotency-Key, or null once a 400 naming what is wrong with it has been written.</summary>
    public static async Task<string?> RequireKeyAsync(HttpContext context)
    {
        var (key, error) = IdempotencyKeyHeader.Parse(context.Request.Headers["Idempotency-Key"]);
        if (key is null)
        {
            await ApiResponses.WriteAsync(context, 400, ProblemTypes.InvalidIdempotencyKey, error!);
        }

        return key;
    }

    public static Task RequestInProgressAsync(HttpContext context, SandboxState state)
    {
        context.Response.Headers.RetryAfter = state.Options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiResponses.WriteAsync(context, 409, ProblemTypes.RequestInProgress,
            "A request with this Idempotency-Key is still in progress; retry later with the same key");
    }

    public static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    /// <summary>Validates the submission and checks the caller may write for its organisation; null once a 400 or 403 is written.</summary>
    public static async Task<CaseWrite?> ToCaseWriteAsync(HttpContext context, SandboxState state, string key, byte[] body)
    {
        var report = await state.Validator.ValidateAsync(body, context.RequestAborted);
        if (!report.IsValid)
        {
            await ApiResponses.WriteAsync(context, new Problem
            {
                Type = ProblemTypes.InvalidSubmission,
                Title = "The submission is invalid",
                Status = 400,
                Errors = Errors(report, ValidationSeverity.Error),
            });
            return null;
        }

        var submission = report.Submission!; // a valid report always carries the document it read
        var organisation = submission.Submitter.OrganisationCode;
        if (!SandboxCaller.Of(context).MayActFor(organisation))
        {
            await WrongOrganisationAsync(context);
            return null;
        }

        return new CaseWrite(key, BodyHash(body), organisation, submission.LocalRecordId, submission.SchemaVersion,
            SubmissionContentHash.Compute(submission), submission.Submitter.RecordUpdatedAt, body, state.Time.GetUtcNow());
    }

    /// <summary>The case the route's <c>{id}</c> names, or null once a 404 (no such case) or 403 (another organisation's) is written.</summary>
    public static async Task<CaseRecord?> FindOwnedCaseAsync(HttpContext context, SandboxState state)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (await state.Store.FindAsync(id, context.RequestAborted) is not { } record)
        {
            await ApiResponses.WriteAsync(context, 404, ProblemTypes.NotFound, "No case has this id");
            return null;
        }

        if (!SandboxCaller.Of(context).MayActFor(record.OrganisationCode))
        {
            await WrongOrganisationAsync(context);
            return null;
        }

        return record;
    }

    public static Task WrongOrganisationAsync(HttpContext context) =>
        ApiResponses.WriteAsync(context, 403, ProblemTypes.WrongOrganisation, "This token may not act for that organisation");

    public static IReadOnlyList<ApiError> Errors(ValidationReport report, ValidationSeverity severity) =>
        report.Issues.Where(i => i.Severity == severity).Select(i => new ApiError(i.Code, i.Path, i.Message)).ToList();

    /// <summary>What makes two requests "the same" for an idempotency key: the exact body (DESIGN.md: "same key + same
    /// body"), whether it came by POST or by PUT, so a re-run that POSTs what an earlier run PUT is a replay.</summary>
    private static string BodyHash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
