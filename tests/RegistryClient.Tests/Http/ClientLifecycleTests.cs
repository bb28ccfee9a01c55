using System.Text;
using RegistryClient.Http;
using RegistryClient.Model;
using static RegistryClient.Tests.Http.ScriptedRegistry;

namespace RegistryClient.Tests.Http;

/// <summary>
/// The client's side of a case's lifecycle (DESIGN.md) against a scripted registry: every branch of create, replay and
/// amend, and withdrawal, with the exact requests the client sends (quoted keys, If-Match versions, bodies).
/// </summary>
public sealed class ClientLifecycleTests : IDisposable
{
    private readonly ScriptedRegistry _registry = new();
    private readonly Submission _submission = TestSubmissions.Load();

    public void Dispose() => _registry.Dispose();

    private string Key => IdempotencyKey.For(_submission);

    private string Hash => SubmissionContentHash.Compute(_submission);

    private static readonly string OtherHash = "sha256:" + new string('a', 64);

    [Fact]
    public async Task Submit_NewCase_IsCreated_WithTheQuotedStableKey()
    {
        _registry.Script(Post(), Receipt(201, ReceiptJson(version: 1, contentHash: Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Created, result.Status);
        Assert.True(result.IsStored);
        Assert.Equal((1, 1, 201), (result.Receipt!.Version, result.Attempts, result.HttpStatus));
        var post = Assert.Single(_registry.Requests);
        Assert.Equal($"\"{Key}\"", Header(post, "Idempotency-Key"));
        Assert.Equal(Key, result.IdempotencyKey);
        Assert.StartsWith("application/json", Header(post, "Content-Type"), StringComparison.Ordinal);
        Assert.False(HasHeader(post, "If-Match"));
        Assert.Equal(Body(_submission), post.RequestMessage!.BodyAsBytes);
    }

    [Fact]
    public async Task Submit_Replay_IsUnchanged()
    {
        _registry.Script(Post(), Receipt(200, ReceiptJson(version: 2, contentHash: Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Unchanged, result.Status);
        Assert.Equal(2, result.Receipt!.Version);
        Assert.Single(_registry.Requests);
    }

    [Fact]
    public async Task Submit_CaseExistsWithTheSameContent_IsUnchanged_AndWritesNothing()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = Hash }));
        _registry.Script(Get("case_7"), Receipt(200, ReceiptJson("case_7", 3, Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Unchanged, result.Status);
        Assert.Equal(("case_7", 3), (result.Receipt!.Id, result.Receipt.Version));
        Assert.Equal(["POST", "GET"], _registry.Requests.Select(r => r.RequestMessage!.Method));
    }

    [Fact]
    public async Task Submit_CaseExistsWithOtherContent_IsAmended_WithIfMatchTheReportedVersion()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Receipt(200, ReceiptJson("case_7", 4, Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Amended, result.Status);
        Assert.Equal((4, 2, 200), (result.Receipt!.Version, result.Attempts, result.HttpStatus));
        var requests = _registry.Requests;
        Assert.Equal(["POST", "PUT"], requests.Select(r => r.RequestMessage!.Method));
        var put = requests[1];
        Assert.Equal("/v1/submissions/case_7", put.RequestMessage!.Path);
        Assert.Equal("\"3\"", Header(put, "If-Match"));
        Assert.Equal($"\"{Key}:v3\"", Header(put, "Idempotency-Key"));
        Assert.Equal($"{Key}:v3", result.IdempotencyKey);
        Assert.Equal(Body(_submission), put.RequestMessage.BodyAsBytes);
    }

    [Fact]
    public async Task Submit_AmendmentTheRegistryFindsEqual_KeepsTheVersion_AndIsUnchanged()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Receipt(200, ReceiptJson("case_7", 3, Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Unchanged, result.Status);
        Assert.Equal(3, result.Receipt!.Version);
    }

    [Fact]
    public async Task Submit_AfterAnotherWriterMovedTheCase_AmendsFromTheCurrentVersion_OnlyBecauseItIsNewerByRecordUpdatedAt()
    {
        var dated = _submission with { Submitter = _submission.Submitter with { RecordUpdatedAt = DateTimeOffset.Parse("2026-11-20T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture) } };
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Problem(412, "version-mismatch", "stale", new { version = 5 }), Receipt(200, ReceiptJson("case_7", 6, Hash)));
        _registry.Script(Get("case_7"), Receipt(200, ReceiptJson("case_7", 5, OtherHash)));
        _registry.Script(Versions("case_7"), Receipt(200, VersionsJson((4, "sha256:" + new string('b', 64), "2026-11-01T09:00:00Z"), (5, OtherHash, "2026-11-19T17:30:00+01:00")), 0));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(dated, new SubmitOptions { BasedOnVersion = 3 });

        Assert.Equal(SubmissionStatus.Amended, result.Status);
        Assert.Equal((6, 3, 5), (result.Receipt!.Version, result.BasedOnVersion, result.CurrentVersion));
        var requests = _registry.Requests;
        Assert.Equal(["POST", "PUT", "GET", "GET", "PUT"], requests.Select(r => r.RequestMessage!.Method));
        Assert.Equal(["\"3\"", "\"5\""], requests.Where(r => r.RequestMessage!.Method == "PUT").Select(r => Header(r, "If-Match")));
    }

    [Fact]
    public async Task Submit_AfterAnotherWriterMovedTheCase_WithoutRecordUpdatedAt_IsAConflictNamingBothVersions_AndOverwritesNothing()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 5, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Problem(412, "version-mismatch", "stale", new { version = 5 }));
        _registry.Script(Get("case_7"), Receipt(200, ReceiptJson("case_7", 5, OtherHash)));
        _registry.Script(Versions("case_7"), Receipt(200, VersionsJson((4, "sha256:" + new string('b', 64), null), (5, OtherHash, null)), 0));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission, new SubmitOptions { BasedOnVersion = 3 });

        Assert.Equal(SubmissionStatus.Conflict, result.Status);
        Assert.False(result.IsStored);
        Assert.Equal((3, 5), (result.BasedOnVersion, result.CurrentVersion));
        Assert.Contains("since version 3 (now version 5)", result.Detail, StringComparison.Ordinal);
        var put = Assert.Single(_registry.Requests, r => r.RequestMessage!.Method == "PUT");
        Assert.Equal("\"3\"", Header(put, "If-Match")); // the writer's own base, never the 409's version 5
    }

    [Fact]
    public async Task Submit_AfterAnotherWriterMovedTheCase_WithNewerContentThere_IsStale()
    {
        var dated = _submission with { Submitter = _submission.Submitter with { RecordUpdatedAt = DateTimeOffset.Parse("2026-11-20T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture) } };
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 4, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Problem(412, "version-mismatch", "stale", new { version = 4 }));
        _registry.Script(Get("case_7"), Receipt(200, ReceiptJson("case_7", 4, OtherHash)));
        _registry.Script(Versions("case_7"), Receipt(200, VersionsJson((4, OtherHash, "2026-11-21T08:00:00Z")), 0));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(dated, new SubmitOptions { BasedOnVersion = 2 });

        Assert.Equal(SubmissionStatus.Stale, result.Status);
        Assert.Equal((2, 4), (result.BasedOnVersion, result.CurrentVersion));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), result.CurrentRecordUpdatedAt);
        Assert.Single(_registry.Requests, r => r.RequestMessage!.Method == "PUT");
    }

    [Fact]
    public async Task Submit_TheRegistrysStaleContentAnswer_IsStale_WithTheCurrentVersion_AndSendsNoAmendment()
    {
        _registry.Script(Post(), Problem(409, "stale-content", "The registry holds newer content of this case",
            new { caseId = "case_7", version = 4, contentHash = OtherHash, recordUpdatedAt = "2026-11-21T08:00:00Z" }));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Stale, result.Status);
        Assert.Equal(4, result.CurrentVersion);
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), result.CurrentRecordUpdatedAt);
        Assert.Single(_registry.Requests);
    }

    [Fact]
    public async Task Submit_TheRegistrysConflictingEditAnswer_IsConflict()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 4, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Problem(409, "conflicting-edit", "Same recordUpdatedAt, other content", new { caseId = "case_7", version = 4, contentHash = OtherHash, recordUpdatedAt = "2026-11-21T08:00:00Z" }));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission, new SubmitOptions { BasedOnVersion = 4 });

        Assert.Equal(SubmissionStatus.Conflict, result.Status);
        Assert.Equal((4, 4), (result.BasedOnVersion, result.CurrentVersion));
        Assert.EndsWith("/conflicting-edit", result.ProblemType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_WithoutABase_FollowsCaseExists_AndSaysItReplacedContentItNeverSaw()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Receipt(200, ReceiptJson("case_7", 4, Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Amended, result.Status);
        Assert.True(result.ReplacedUnseenContent);
        Assert.Null(result.BasedOnVersion);
        Assert.Equal(3, result.CurrentVersion);
    }

    [Fact]
    public async Task Submit_WithABase_NeverPutsTheVersionTheRegistryReported()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Receipt(200, ReceiptJson("case_7", 3, Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission, new SubmitOptions { BasedOnVersion = 2 });

        var put = Assert.Single(_registry.Requests, r => r.RequestMessage!.Method == "PUT");
        Assert.Equal("\"2\"", Header(put, "If-Match"));
        Assert.Equal($"\"{Key}:v2\"", Header(put, "Idempotency-Key"));
        Assert.False(result.ReplacedUnseenContent);
    }

    [Fact]
    public async Task Submit_BasedOnVersionBelowOne_IsAProgrammerError()
    {
        using var client = _registry.Client();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.SubmitAsync(_submission, new SubmitOptions { BasedOnVersion = 0 }));
        Assert.Empty(_registry.Requests);
    }

    [Fact]
    public async Task Submit_StaleBecauseAnotherWriterStoredThisContent_IsUnchanged()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Problem(412, "version-mismatch", "stale", new { version = 4 }));
        _registry.Script(Get("case_7"), Receipt(200, ReceiptJson("case_7", 4, Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Unchanged, result.Status);
        Assert.Equal(4, result.Receipt!.Version);
        Assert.Single(_registry.Requests, r => r.RequestMessage!.Method == "PUT");
    }

    [Fact]
    public async Task Submit_WithdrawnCase_IsWithdrawn_OnCreate()
    {
        _registry.Script(Post(), Problem(410, "case-withdrawn", "withdrawn"));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Withdrawn, result.Status);
        Assert.False(result.IsStored);
        Assert.Single(_registry.Requests);
    }

    [Fact]
    public async Task Submit_CaseWithdrawnBeforeTheAmendment_IsWithdrawn()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Problem(410, "case-withdrawn", "withdrawn"));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Withdrawn, result.Status);
        Assert.Equal(410, result.HttpStatus);
    }

    [Fact]
    public async Task Submit_WrongOrganisation_IsForbidden_AndNotRetried()
    {
        _registry.Script(Post(), Problem(403, "wrong-organisation", "This token may not act for this organisation"));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Forbidden, result.Status);
        Assert.Equal(ProblemBase + "wrong-organisation", result.ProblemType);
        Assert.Equal("This token may not act for this organisation", result.Detail);
        Assert.Single(_registry.Requests);
    }

    [Theory]
    [InlineData("key-reused")]
    [InlineData("case-mismatch")]
    public async Task Submit_Unprocessable_IsConflict_AndNotRetried(string kind)
    {
        _registry.Script(Post(), Problem(422, kind, "conflict"));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Conflict, result.Status);
        Assert.Equal(ProblemBase + kind, result.ProblemType);
        Assert.Single(_registry.Requests);
    }

    [Fact]
    public async Task Submit_AmendmentForAnotherCase_IsConflict()
    {
        _registry.Script(Post(), Problem(409, "case-exists", "exists", new { caseId = "case_7", version = 3, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Problem(422, "case-mismatch", "another case"));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Conflict, result.Status);
        Assert.Equal(ProblemBase + "case-mismatch", result.ProblemType);
    }

    [Fact]
    public async Task Submit_Invalid_IsRejected_WithTheRegistrysErrors()
    {
        _registry.Script(Post(), Problem(400, "invalid-submission", "The submission is invalid",
            new { errors = new[] { new { code = "VR004", pointer = "/governance/researchStudy", message = "research only" } } }));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Rejected, result.Status);
        Assert.Equal(("VR004", "/governance/researchStudy"), (result.Errors.Single().Code, result.Errors.Single().Pointer));
        Assert.Single(_registry.Requests);
    }

    [Fact]
    public async Task Submit_RequestInProgress_IsRetriedWithTheSameKey_UntilItLands()
    {
        _registry.Script(Post(), Problem(409, "request-in-progress", "in progress"), Problem(409, "request-in-progress", "in progress"),
            Receipt(200, ReceiptJson(version: 1, contentHash: Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Unchanged, result.Status);
        Assert.Equal(3, result.Attempts);
        Assert.All(_registry.Requests, r => Assert.Equal($"\"{Key}\"", Header(r, "Idempotency-Key")));
    }

    [Fact]
    public async Task Submit_RequestInProgressOutlastingTheRetries_IsTransient()
    {
        _registry.Script(Post(), Problem(409, "request-in-progress", "in progress"));
        using var client = _registry.Client(o => o.MaxRetryAttempts = 2);

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.TransientFailure, result.Status);
        Assert.Equal((409, 3), (result.HttpStatus, result.Attempts));
    }

    [Fact]
    public async Task Submit_BranchesOnTheProblemType_NeverOnTheTitle()
    {
        // A title that reads like "retry later" on a case-exists problem: the type decides, so the client amends.
        _registry.Script(Post(), Problem(409, "case-exists", "request in progress, retry later", new { caseId = "case_7", version = 1, contentHash = OtherHash }));
        _registry.Script(Put("case_7"), Receipt(200, ReceiptJson("case_7", 2, Hash)));
        using var client = _registry.Client();

        var result = await client.SubmitAsync(_submission);

        Assert.Equal(SubmissionStatus.Amended, result.Status);
        Assert.Single(_registry.Requests, r => r.RequestMessage!.Method == "POST");
    }

    [Fact]
    public async Task Submit_StatusTheApiDoesNotPromise_IsRegistryException_WithTheServersWordsAndNoSubmittedValue()
    {
        _registry.Script(Post(), Problem(404, "not-found", "No such route"));
        using var client = _registry.Client();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.SubmitAsync(_submission));

        Assert.Equal((404, ProblemBase + "not-found", "No such route"), (error.Status, error.ProblemType, error.ServerMessage));
        Assert.DoesNotContain(_submission.Patient.NhsNumber!, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_submission.LocalRecordId, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdraw_FindsTheCaseAcrossPages_AndWithdrawsItWithTheReason()
    {
        var page1 = $$"""{"items":[{{ReceiptJson("case_1").Replace("RJ1-PMT-2023-0001", "RJ1-OTHER-1", StringComparison.Ordinal)}}],"nextCursor":"c2"}""";
        var page2 = $$"""{"items":[{{ReceiptJson("case_9").Replace("RJ1-PMT-2023-0001", "RJ1-TARGET", StringComparison.Ordinal)}}]}""";
        _registry.Script(List(), Receipt(200, page1, 0), Receipt(200, page2, 0));
        _registry.Script(Withdrawal("case_9"), Receipt(200, ReceiptJson("case_9", 2, "", "withdrawn", "consentWithdrawn")));
        using var client = _registry.Client();

        var result = await client.WithdrawAsync("RJ1", "RJ1-TARGET", WithdrawalReason.ConsentWithdrawn);

        Assert.Equal(SubmissionStatus.Withdrawn, result.Status);
        Assert.Equal((CaseStatus.Withdrawn, WithdrawalReason.ConsentWithdrawn), (result.Receipt!.Status, result.Receipt.Withdrawal!.Reason));
        var requests = _registry.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal("RJ1", requests[0].RequestMessage!.Query!["organisationCode"].Single());
        Assert.Equal("c2", requests[1].RequestMessage!.Query!["cursor"].Single());
        Assert.Equal("""{"reason":"consentWithdrawn"}""", Encoding.UTF8.GetString(requests[2].RequestMessage!.BodyAsBytes!));
    }

    [Fact]
    public async Task Withdraw_CaseTheRegistryNeverHeld_IsNotFound_AndSendsNoWithdrawal()
    {
        _registry.Script(List(), Receipt(200, """{"items":[]}""", 0));
        using var client = _registry.Client();

        var result = await client.WithdrawAsync("RJ1", "RJ1-NOPE", WithdrawalReason.EnteredInError);

        Assert.Equal(SubmissionStatus.NotFound, result.Status);
        Assert.Single(_registry.Requests);
    }

    [Fact]
    public async Task Withdraw_ForAnotherOrganisation_IsForbidden()
    {
        _registry.Script(List(), Problem(403, "wrong-organisation", "not yours"));
        using var client = _registry.Client();

        var result = await client.WithdrawAsync("RXX", "RJ1-TARGET", WithdrawalReason.Duplicate);

        Assert.Equal(SubmissionStatus.Forbidden, result.Status);
    }

    [Fact]
    public async Task GetSubmission_ReturnsVersionAndHash_NullWhenAbsent_AndThrowsOneTypeWhenRefused()
    {
        _registry.Script(Get("case_7"), Receipt(200, ReceiptJson("case_7", 3, Hash)));
        _registry.Script(Get("case_8"), Problem(404, "not-found", "No case has this id"));
        _registry.Script(Get("case_9"), Problem(403, "wrong-organisation", "not yours"));
        using var client = _registry.Client();

        var receipt = await client.GetSubmissionAsync("case_7");
        var absent = await client.GetSubmissionAsync("case_8");
        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.GetSubmissionAsync("case_9"));

        Assert.Equal((3, Hash), (receipt!.Version, receipt.ContentHash));
        Assert.Null(absent);
        Assert.Equal((403, ProblemBase + "wrong-organisation", "not yours"), (refused.Status, refused.ProblemType, refused.ServerMessage));
    }

    [Fact]
    public async Task FindCase_ReturnsTheCaseOrNull()
    {
        var page = $$"""{"items":[{{ReceiptJson("case_7", 2, Hash)}}]}""";
        _registry.Script(List(), Receipt(200, page, 0));
        using var client = _registry.Client();

        Assert.Equal("case_7", (await client.FindCaseAsync("RJ1", "RJ1-PMT-2023-0001"))!.Id);
        Assert.Null(await client.FindCaseAsync("RJ1", "RJ1-ELSEWHERE"));
    }
}
