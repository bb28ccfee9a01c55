using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RegistryClient.Testing.Middleware;
using RegistryClient.Testing.Storage;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Endpoints;

/// <summary><c>POST /v1/submissions</c> creates a case (version 1); <c>PUT /v1/submissions/{id}</c> stores its next version.</summary>
internal static class CaseWriteEndpoints
{
    public static void Map(WebApplication app, SandboxState state)
    {
        app.MapPost("/v1/submissions", context => CreateAsync(context, state));
        app.MapPut("/v1/submissions/{id}", context => AmendAsync(context, state));
    }

    private static async Task CreateAsync(HttpContext context, SandboxState state)
    {
        if (!await WriteRequests.RequireJsonAsync(context) || await WriteRequests.RequireKeyAsync(context) is not { } key)
        {
            return;
        }

        await StoreAsync(context, state, key, write => state.Store.CreateAsync(write, context.RequestAborted), WriteResult.Created, 201);
    }

    private static async Task AmendAsync(HttpContext context, SandboxState state)
    {
        if (!await WriteRequests.RequireJsonAsync(context) || await WriteRequests.RequireKeyAsync(context) is not { } key)
        {
            return;
        }

        var ifMatch = context.Request.Headers.IfMatch;
        if (ifMatch.Count == 0)
        {
            await ApiResponses.WriteAsync(context, 428, ProblemTypes.PreconditionRequired,
                "If-Match is required: send the version you are replacing, e.g. If-Match: \"2\"");
            return;
        }

        if (ParseVersion(ifMatch.ToString()) is not { } expected)
        {
            await ApiResponses.WriteAsync(context, 400, ProblemTypes.InvalidRequest, "If-Match must be one entity tag holding the case's version, e.g. \"2\"");
            return;
        }

        if (await WriteRequests.FindOwnedCaseAsync(context, state) is not { } current)
        {
            return;
        }

        await StoreAsync(context, state, key, write => state.Store.AmendAsync(current.Id, expected, write, context.RequestAborted), WriteResult.Amended, 200);
    }

    /// <summary>
    /// What creating and amending share once their own preconditions hold: validate the body and check its
    /// organisation, claim the organisation's key (409 while another request holds it), store it, answer. The body is
    /// read before the claim because keys are scoped per organisation, and the body names it.
    /// </summary>
    private static async Task StoreAsync(HttpContext context, SandboxState state, string key,
        Func<CaseWrite, Task<WriteOutcome>> store, WriteResult success, int successStatus)
    {
        var body = await WriteRequests.ReadBodyAsync(context);
        if (await WriteRequests.ToCaseWriteAsync(context, state, key, body) is not { } write)
        {
            return;
        }

        using var claim = state.InFlight.TryClaim(write.OrganisationCode, key);
        if (claim is null)
        {
            await WriteRequests.RequestInProgressAsync(context, state);
            return;
        }

        await state.InFlight.WaitIfHeldAsync(context.RequestAborted);
        await AnswerAsync(context, await store(write), success, successStatus);
    }

    private static async Task AnswerAsync(HttpContext context, WriteOutcome outcome, WriteResult success, int successStatus)
    {
        if (outcome.Result == success && FaultInjection.LoseResponse(context))
        {
            context.Abort(); // stored, but the client never hears: only its idempotency key saves it from a duplicate
            return;
        }

        var record = outcome.Case;
        switch (outcome.Result)
        {
            case WriteResult.Created or WriteResult.Amended:
                await ApiResponses.ReceiptAsync(context, successStatus, Receipt.From(record!));
                break;
            case WriteResult.Unchanged:
                await ApiResponses.ReceiptAsync(context, 200, Receipt.From(record!));
                break;
            case WriteResult.Replayed:
                await ApiResponses.StoredReceiptAsync(context, 200, outcome.StoredReceipt!);
                break;
            case WriteResult.KeyReused:
                await ApiResponses.WriteAsync(context, 422, ProblemTypes.KeyReused, "This Idempotency-Key was used with a different request");
                break;
            case WriteResult.CaseExists:
                await ApiResponses.WriteAsync(context, new Problem
                {
                    Type = ProblemTypes.CaseExists,
                    Title = "The case already exists with other content; amend it with PUT and If-Match",
                    Status = 409,
                    CaseId = record!.Id,
                    Version = record.Version,
                    ContentHash = record.ContentHash,
                    RecordUpdatedAt = record.RecordUpdatedAt, // lets a writer tell whether the amendment it is about to send is ordered by time
                });
                break;
            case WriteResult.Stale:
                await ApiResponses.WriteAsync(context, MovedOn(ProblemTypes.StaleContent, record!,
                    "The registry holds newer content for this case; this write would put older content back",
                    "The case is already at a later version (given as version, contentHash and recordUpdatedAt). If this is a genuine "
                    + "correction, send it again with a submitter.recordUpdatedAt newer than the registry's current version's."));
                break;
            case WriteResult.ConflictingEdit:
                await ApiResponses.WriteAsync(context, MovedOn(ProblemTypes.ConflictingEdit, record!,
                    "The registry holds other content for this case with the same recordUpdatedAt",
                    "Two writers sent different content dated the same instant; a person must decide which is right, then send it "
                    + "with a submitter.recordUpdatedAt newer than the registry's current version's."));
                break;
            case WriteResult.Withdrawn:
                await ApiResponses.WriteAsync(context, 410, ProblemTypes.CaseWithdrawn, "The case was withdrawn; it cannot be written again");
                break;
            case WriteResult.NotFound:
                await ApiResponses.WriteAsync(context, 404, ProblemTypes.NotFound, "No case has this id");
                break;
            case WriteResult.CaseMismatch:
                await ApiResponses.WriteAsync(context, 422, ProblemTypes.CaseMismatch,
                    "The document is for another organisation or local record than this case");
                break;
            case WriteResult.VersionMismatch:
                await ApiResponses.WriteAsync(context, new Problem
                {
                    Type = ProblemTypes.VersionMismatch,
                    Title = "If-Match does not name the case's current version; read the case and try again",
                    Status = 412,
                    Version = record!.Version,
                });
                break;
            default:
                throw new InvalidOperationException("Unhandled write result " + outcome.Result);
        }
    }

    /// <summary>A 409 saying the case has moved past this write, naming what the registry holds now.</summary>
    private static Problem MovedOn(string type, CaseRecord current, string title, string detail) => new()
    {
        Type = type,
        Title = title,
        Detail = detail,
        Status = 409,
        CaseId = current.Id,
        Version = current.Version,
        ContentHash = current.ContentHash,
        RecordUpdatedAt = current.RecordUpdatedAt,
    };

    /// <summary>The version in <c>If-Match: "N"</c> (bare N accepted). <c>*</c> is refused: an amendment names what it replaces.</summary>
    private static int? ParseVersion(string header)
    {
        var value = header.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version >= 1
            ? version
            : null;
    }
}
