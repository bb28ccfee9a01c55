using System.Net;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Model;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Testing;

/// <summary>One case per episode: created once, amended as the record grows, never duplicated (DESIGN.md "A case and its versions").</summary>
public sealed class SandboxLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The record as it grows: before discharge, at discharge, at 30 days, at 6 months, then a correction.</summary>
    internal static IReadOnlyList<Submission> GrowingRecord()
    {
        var full = TestSubmissions.Load();
        return
        [
            full with { Outcome = null, FollowUps = null },
            full with { FollowUps = null },
            full with { FollowUps = full.FollowUps!.Take(1).ToList() },
            full with { FollowUps = full.FollowUps!.Take(2).ToList() },
            full with { FollowUps = full.FollowUps!.Take(2).ToList(), Patient = full.Patient with { AgeAtProcedure = full.Patient.AgeAtProcedure + 1 } },
        ];
    }

    [Fact]
    public async Task FiveVersionsOfOneEpisode_EndAsOneCaseAtVersionFive_HoldingTheLastContent()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = clock });
        using var api = new SandboxApi(sandbox);
        var versions = GrowingRecord();

        var created = await api.CreateAsync(versions[0]);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)(await SandboxApi.JsonAsync(created))["id"]!;
        for (var i = 1; i < versions.Count; i++)
        {
            clock.Advance(TimeSpan.FromDays(30));
            var posted = await api.CreateAsync(versions[i]); // what a first-wave client did: POST again
            Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
            Assert.Equal("case-exists", await SandboxApi.ProblemAsync(posted));
            var conflict = await SandboxApi.JsonAsync(posted);
            Assert.Equal(id, (string)conflict["caseId"]!);
            Assert.Equal(i, (int)conflict["version"]!);
            Assert.Equal(SubmissionContentHash.Compute(versions[i - 1]), (string)conflict["contentHash"]!);

            var amended = await api.AmendAsync(id, versions[i], $"\"{i}\"");
            Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
            Assert.Equal($"\"{i + 1}\"", amended.Headers.ETag!.ToString());
        }

        var read = await api.GetAsync(id);
        var receipt = await SandboxApi.JsonAsync(read);
        Assert.Equal("\"5\"", read.Headers.ETag!.ToString());
        Assert.Equal(5, (int)receipt["version"]!);
        Assert.Equal("accepted", (string)receipt["status"]!);
        Assert.Equal(SubmissionContentHash.Compute(versions[4]), (string)receipt["contentHash"]!);
        Assert.Equal(Start, (DateTimeOffset)receipt["receivedAt"]!);
        Assert.Equal(Start.AddDays(120), (DateTimeOffset)receipt["updatedAt"]!);
        Assert.Equal((1, 1), await sandbox.CountAsync());
        var history = await sandbox.GetHistoryAsync(id);
        Assert.Equal([1, 2, 3, 4, 5], history.Select(v => v.Version));
        Assert.Equal(versions.Select(SubmissionContentHash.Compute), history.Select(v => v.ContentHash));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => Start.AddDays(30 * i)), history.Select(v => v.StoredAt));
        Assert.Single(await ItemsAsync(api, "organisationCode=RJ1"));
    }

    [Fact]
    public async Task Amend_WithTheCurrentContent_KeepsTheVersion_AndAReplayedPutAnswersAsFirst()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var versions = GrowingRecord();
        var id = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(versions[0])))["id"]!;

        var same = await api.AmendAsync(id, versions[0] with { Submitter = versions[0].Submitter with { SoftwareVersion = "2.0.0" } }, "\"1\"");
        var first = await api.AmendAsync(id, versions[1], "\"1\"", key: "\"amend-1\"");
        var replay = await api.AmendAsync(id, versions[1], "\"1\"", key: "\"amend-1\""); // its first answer was lost
        var reused = await api.AmendAsync(id, versions[2], "\"2\"", key: "\"amend-1\"");
        var stale = await api.AmendAsync(id, versions[2], "\"1\"");

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(1, (int)(await SandboxApi.JsonAsync(same))["version"]!);
        Assert.Equal(2, (int)(await SandboxApi.JsonAsync(first))["version"]!);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("key-reused", await SandboxApi.ProblemAsync(reused));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("version-mismatch", await SandboxApi.ProblemAsync(stale));
        Assert.Equal(2, (int)(await SandboxApi.JsonAsync(stale))["version"]!);
        Assert.Equal(2, (await sandbox.GetHistoryAsync(id)).Count);
    }

    [Fact]
    public async Task AKeyFirstRefusedByPost_CarriesThePut_AndAReRunPostingTheSameBodyIsAReplay()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var versions = GrowingRecord();
        var id = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(versions[0])))["id"]!;
        var key = SandboxApi.KeyFor(SandboxApi.Bytes(versions[1]));

        var exists = await api.CreateAsync(versions[1], key);       // a refusal is not remembered against the key
        var amended = await api.AmendAsync(id, versions[1], "\"1\"", key);
        var rerun = await api.CreateAsync(versions[1], key);        // next month's run of the same export

        Assert.Equal(HttpStatusCode.Conflict, exists.StatusCode);
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rerun.StatusCode);
        Assert.Equal(await amended.Content.ReadAsStringAsync(), await rerun.Content.ReadAsStringAsync());
        Assert.Equal(2, (await sandbox.GetHistoryAsync(id)).Count);
    }

    [Fact]
    public async Task Amend_RefusesWhatCannotBeAnAmendmentOfThisCase()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var versions = GrowingRecord();
        var id = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(versions[0])))["id"]!;
        var invalid = versions[1] with { Governance = versions[1].Governance with { ConsentRecorded = false } };

        var noIfMatch = await api.AmendAsync(id, versions[1], null);
        var badIfMatch = await api.AmendAsync(id, versions[1], "\"one\"");
        var otherRecord = await api.AmendAsync(id, versions[1] with { LocalRecordId = "RJ1-PMT-OTHER" }, "\"1\"");
        var otherOrganisation = await api.AmendAsync(id, versions[1] with { Submitter = versions[1].Submitter with { OrganisationCode = "RTH" } }, "\"1\"");
        var missing = await api.AmendAsync("sub_00000000000000000000000000000000", versions[1], "\"1\"");
        var rejected = await api.AmendAsync(id, invalid, "\"1\"");

        Assert.Equal((HttpStatusCode)428, noIfMatch.StatusCode);
        Assert.Equal("precondition-required", await SandboxApi.ProblemAsync(noIfMatch));
        Assert.Equal(HttpStatusCode.BadRequest, badIfMatch.StatusCode);
        Assert.Equal("case-mismatch", await SandboxApi.ProblemAsync(otherRecord));
        Assert.Equal("case-mismatch", await SandboxApi.ProblemAsync(otherOrganisation));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("invalid-submission", await SandboxApi.ProblemAsync(rejected));
        Assert.Equal("/governance/consentRecorded", (string)(await SandboxApi.JsonAsync(rejected))["errors"]![0]!["pointer"]!);
        Assert.Single(await sandbox.GetHistoryAsync(id));
    }

    [Fact]
    public async Task ConcurrentAmendments_FromTheSameVersion_ExactlyOneWins_TheOthersGet412()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var versions = GrowingRecord();
        var id = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(versions[0])))["id"]!;

        var responses = await Task.WhenAll(versions.Skip(1).Select(v => api.AmendAsync(id, v, "\"1\"")));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        Assert.Equal(2, (int)(await SandboxApi.JsonAsync(await api.GetAsync(id)))["version"]!);
        Assert.Equal(2, (await sandbox.GetHistoryAsync(id)).Count);
        Assert.Equal((1, 1), await sandbox.CountAsync());
    }

    [Fact]
    public async Task Create_Replays_RefusesReusedKeys_AndSaysWhenTheFirstIsStillInFlight()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var body = SandboxApi.Bytes(TestSubmissions.Load());

        var first = await api.CreateAsync(body, "\"key-1\"");
        var replay = await api.CreateAsync(body, "key-1"); // bare form accepted too
        var reused = await api.CreateAsync(SandboxApi.Bytes(TestSubmissions.Load(5)), "\"key-1\""); // same organisation: keys are per organisation
        var (held, second) = await WhileAKeyIsInFlightAsync(sandbox, api, "\"slow\"");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("\"1\"", first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("key-reused", await SandboxApi.ProblemAsync(reused));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("request-in-progress", await SandboxApi.ProblemAsync(second));
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Contains(held.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }); // created, or replayed if the second got in first
    }

    /// <summary>Holds a POST open mid-body (its key claimed) while a second request with the same key arrives.</summary>
    internal static Task<(HttpResponseMessage First, HttpResponseMessage Second)> WhileAKeyIsInFlightAsync(SandboxServer sandbox, SandboxApi api, string key)
    {
        var body = SandboxApi.Bytes(TestSubmissions.Load(5));
        return KeyInFlight.HoldAsync(sandbox, HttpMethod.Post, "v1/submissions", body, key, ifMatch: null, () => api.CreateAsync(body, key));
    }

    private static async Task<List<string>> ItemsAsync(SandboxApi api, string query)
    {
        var page = await SandboxApi.JsonAsync(await api.ListAsync(query));
        return page["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
    }
}
