using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Model;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Testing;

/// <summary>
/// "A case only moves forward" (DESIGN.md): once the registry holds a newer state of a case, no write (POST, PUT, or a
/// replayed key) puts an older one back; source times (<c>submitter.recordUpdatedAt</c>) tell newer from older, and
/// without them a superseded version's content is an old copy. Keys are per organisation and kept 24 hours.
/// </summary>
public sealed class SandboxMovesForwardTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 8, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Tuesday = new(2026, 11, 24, 16, 40, 0, TimeSpan.FromHours(1)); // the writer's own offset is kept
    private static readonly DateTimeOffset Wednesday = new(2026, 11, 25, 7, 5, 30, TimeSpan.Zero);

    [Fact]
    public async Task WithoutSourceTimes_ABA_IsStale_OnAPostWithANewKey_OnTheFirstPostsKeyOnceTheCaseMoved_AndOnAPut()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var (a, b) = (SandboxLifecycleTests.GrowingRecord()[0], SandboxLifecycleTests.GrowingRecord()[1]);
        var firstKey = SandboxApi.KeyFor(SandboxApi.Bytes(a));
        var id = await IdAsync(await api.CreateAsync(a, firstKey));
        Assert.Equal(HttpStatusCode.OK, (await api.AmendAsync(id, b, "\"1\"")).StatusCode);

        var rerun = await api.CreateAsync(a, "\"next-month-export\"");    // last month's export, re-run
        var replay = await api.CreateAsync(a, firstKey);                   // the very first POST again: its receipt is stale now
        var put = await api.AmendAsync(id, a, "\"2\"");                    // a second system that still holds A

        foreach (var refused in new[] { rerun, replay, put })
        {
            await AssertMovedOnAsync(refused, "stale-content", id, 2, SubmissionContentHash.Compute(b), recordUpdatedAt: null);
        }

        var problem = await SandboxApi.JsonAsync(rerun);
        Assert.Contains("recordUpdatedAt", (string)problem["detail"]! + (string)problem["title"]!); // says how to send a real correction
        Assert.DoesNotContain(a.Patient.NhsNumber!, problem.ToJsonString());
        Assert.Equal(2, (int)(await SandboxApi.JsonAsync(await api.GetAsync(id)))["version"]!);
        Assert.Equal(2, (await sandbox.GetHistoryAsync(id)).Count);
    }

    [Fact]
    public async Task WithANewerSourceTime_ABA_IsAcceptedAsVersion3_AndANewerTimeAloneChangesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = new FakeTimeProvider(Start) });
        using var api = new SandboxApi(sandbox);
        var (a, b) = (SandboxLifecycleTests.GrowingRecord()[0], SandboxLifecycleTests.GrowingRecord()[1]);
        var id = await IdAsync(await api.CreateAsync(SandboxApi.Dated(a, Monday)));
        Assert.Equal(HttpStatusCode.OK, (await api.AmendAsync(id, SandboxApi.Dated(b, Tuesday), "\"1\"")).StatusCode);

        var correction = await api.AmendAsync(id, SandboxApi.Dated(a, Wednesday), "\"2\"");        // a clinician restores A, dated now
        var sameAgain = await api.CreateAsync(SandboxApi.Dated(a, Wednesday.AddHours(1)));          // same content, newer time
        var sameByPut = await api.AmendAsync(id, SandboxApi.Dated(a, Wednesday.AddHours(2)), "\"3\"");

        Assert.Equal(HttpStatusCode.OK, correction.StatusCode);
        Assert.Equal(3, (int)(await SandboxApi.JsonAsync(correction))["version"]!);
        Assert.Equal(HttpStatusCode.OK, sameAgain.StatusCode);
        Assert.Equal(3, (int)(await SandboxApi.JsonAsync(sameAgain))["version"]!);
        Assert.Equal(3, (int)(await SandboxApi.JsonAsync(sameByPut))["version"]!);

        var history = await SandboxApi.JsonAsync(await api.HistoryAsync(id));
        var items = history["items"]!.AsArray();
        Assert.Equal([1, 2, 3], items.Select(i => (int)i!["version"]!));
        Assert.Equal(new[] { a, b, a }.Select(SubmissionContentHash.Compute), items.Select(i => (string)i!["contentHash"]!));
        Assert.Equal([Monday, Tuesday, Wednesday], items.Select(i => (DateTimeOffset)i!["recordUpdatedAt"]!));
        Assert.Equal(Tuesday.Offset, (await sandbox.GetHistoryAsync(id))[1].RecordUpdatedAt!.Value.Offset);
        Assert.All(items, i => Assert.Equal(Start, (DateTimeOffset)i!["receivedAt"]!));
        Assert.All(items, i => Assert.Null(i!["document"]));
    }

    [Fact]
    public async Task AnOlderSourceTime_IsStale_AndTheSameTimeWithOtherContent_IsAConflictingEdit_OnPostAndPut()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var (a, b) = (SandboxLifecycleTests.GrowingRecord()[1], SandboxLifecycleTests.GrowingRecord()[2]);
        var id = await IdAsync(await api.CreateAsync(SandboxApi.Dated(a, Tuesday)));
        var held = SubmissionContentHash.Compute(a);

        await AssertMovedOnAsync(await api.CreateAsync(SandboxApi.Dated(b, Monday)), "stale-content", id, 1, held, Tuesday);
        await AssertMovedOnAsync(await api.AmendAsync(id, SandboxApi.Dated(b, Monday), "\"1\""), "stale-content", id, 1, held, Tuesday);
        await AssertMovedOnAsync(await api.CreateAsync(SandboxApi.Dated(b, Tuesday.ToUniversalTime())), "conflicting-edit", id, 1, held, Tuesday);
        await AssertMovedOnAsync(await api.AmendAsync(id, SandboxApi.Dated(b, Tuesday), "\"1\""), "conflicting-edit", id, 1, held, Tuesday);
        var newerByPost = await api.CreateAsync(SandboxApi.Dated(b, Wednesday));   // newer, but POST only creates
        var newerByPut = await api.AmendAsync(id, SandboxApi.Dated(b, Wednesday), "\"1\"");

        Assert.Equal("case-exists", await SandboxApi.ProblemAsync(newerByPost));
        Assert.Equal(HttpStatusCode.OK, newerByPut.StatusCode);
        Assert.Equal(2, (int)(await SandboxApi.JsonAsync(newerByPut))["version"]!);
    }

    [Fact]
    public async Task WhenEitherSideHasNoSourceTime_NewContentIsAccepted_AndASupersededVersionsContentIsStale()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var versions = SandboxLifecycleTests.GrowingRecord();
        var id = await IdAsync(await api.CreateAsync(SandboxApi.Dated(versions[0], Tuesday)));

        var undated = await api.AmendAsync(id, versions[1], "\"1\"");                           // current dated, incoming not
        var datedAfterUndated = await api.AmendAsync(id, SandboxApi.Dated(versions[2], Monday), "\"2\""); // current undated
        var oldCopy = await api.AmendAsync(id, SandboxApi.Dated(versions[1], Wednesday), "\"3\""); // v2's content: the current v3 is dated Monday, so newer wins
        var undatedOldCopy = await api.AmendAsync(id, versions[0], "\"4\"");

        Assert.Equal(2, (int)(await SandboxApi.JsonAsync(undated))["version"]!);
        Assert.Equal(3, (int)(await SandboxApi.JsonAsync(datedAfterUndated))["version"]!);
        Assert.Equal(4, (int)(await SandboxApi.JsonAsync(oldCopy))["version"]!);
        await AssertMovedOnAsync(undatedOldCopy, "stale-content", id, 4, SubmissionContentHash.Compute(versions[1]), Wednesday);
    }

    [Fact]
    public async Task AReplayedPut_AnswersAsFirstWhileTheCaseIsWhereItLeftIt_AndIsJudgedAfreshOnceTheCaseMoved()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var versions = SandboxLifecycleTests.GrowingRecord();
        var id = await IdAsync(await api.CreateAsync(versions[0]));
        var first = await api.AmendAsync(id, versions[1], "\"1\"", key: "\"amend-b\"");

        var replayAtOnce = await api.AmendAsync(id, versions[1], "\"1\"", key: "\"amend-b\"");
        Assert.Equal(HttpStatusCode.OK, (await api.AmendAsync(id, versions[2], "\"2\"")).StatusCode);
        var replayLater = await api.AmendAsync(id, versions[1], "\"1\"", key: "\"amend-b\"");
        var otherBody = await api.AmendAsync(id, versions[3], "\"3\"", key: "\"amend-b\"");

        Assert.Equal(await first.Content.ReadAsStringAsync(), await replayAtOnce.Content.ReadAsStringAsync());
        await AssertMovedOnAsync(replayLater, "stale-content", id, 3, SubmissionContentHash.Compute(versions[2]), recordUpdatedAt: null);
        Assert.Equal("key-reused", await SandboxApi.ProblemAsync(otherBody)); // same key, different body: still refused
        Assert.Equal(3, (await sandbox.GetHistoryAsync(id)).Count);
    }

    [Fact]
    public async Task IdempotencyKeys_AreKept24Hours_ThenForgotten()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = clock });
        using var api = new SandboxApi(sandbox);
        var (first, other) = (TestSubmissions.Load(0), TestSubmissions.Load(5)); // two RJ1 cases

        var created = await api.CreateAsync(first, "\"daily-run\"");
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        var replay = await api.CreateAsync(first, "\"daily-run\"");
        var reused = await api.CreateAsync(other, "\"daily-run\"");
        clock.Advance(TimeSpan.FromSeconds(1));
        var afresh = await api.CreateAsync(other, "\"daily-run\"");

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(await created.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("key-reused", await SandboxApi.ProblemAsync(reused));
        Assert.Equal(HttpStatusCode.Created, afresh.StatusCode);
        Assert.Equal((2, 2), await sandbox.CountAsync());
    }

    [Fact]
    public async Task IdempotencyKeyRetention_IsConfigurable_AndMustBePositive()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = clock, IdempotencyKeyRetention = TimeSpan.FromMinutes(5) });
        using var api = new SandboxApi(sandbox);

        await api.CreateAsync(TestSubmissions.Load(0), "\"k\"");
        clock.Advance(TimeSpan.FromMinutes(5));
        var afresh = await api.CreateAsync(TestSubmissions.Load(5), "\"k\"");

        Assert.Equal(HttpStatusCode.Created, afresh.StatusCode);
        await Assert.ThrowsAsync<ArgumentException>(() => SandboxServer.StartAsync(new SandboxOptions { Port = 0, IdempotencyKeyRetention = TimeSpan.Zero }));
    }

    [Fact]
    public async Task IdempotencyKeys_ArePerOrganisation_SoOneTenantsKeyNeverBlocksAnothers()
    {
        var options = new SandboxOptions { Port = 0 };
        options.Tenants["RJ1"] = "token-rj1";
        options.Tenants["RTH"] = "token-rth";
        await using var sandbox = await SandboxServer.StartAsync(options);
        using var rj1 = new SandboxApi(sandbox, "token-rj1");
        using var rth = new SandboxApi(sandbox, "token-rth");
        var (rj1Case, rthCase) = (TestSubmissions.Load(0), TestSubmissions.Load(2));

        var rj1Created = await rj1.CreateAsync(rj1Case, "\"run-1\"");
        var rthCreated = await rth.CreateAsync(rthCase, "\"run-1\"");
        var rj1Replay = await rj1.CreateAsync(rj1Case, "\"run-1\"");
        var rthReplay = await rth.CreateAsync(rthCase, "\"run-1\"");
        var (held, other) = await KeyInFlight.HoldAsync(sandbox, HttpMethod.Post, "v1/submissions", SandboxApi.Bytes(TestSubmissions.Load(5)), "\"run-2\"", null,
            () => rth.CreateAsync(TestSubmissions.Load(3), "\"run-2\""), token: "token-rj1");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (rj1Created.StatusCode, rthCreated.StatusCode));
        Assert.Equal(await rj1Created.Content.ReadAsStringAsync(), await rj1Replay.Content.ReadAsStringAsync());
        Assert.Equal(await rthCreated.Content.ReadAsStringAsync(), await rthReplay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, other.StatusCode); // RJ1's write holding "run-2" does not hold up RTH's
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        Assert.Equal((4, 4), await sandbox.CountAsync());
    }

    [Fact]
    public async Task History_IsTheCasesOwners_404ForNoCase_AndHasNoItemsOnceWithdrawn()
    {
        var options = new SandboxOptions { Port = 0 };
        options.Tenants["RJ1"] = "token-rj1";
        options.Tenants["RTH"] = "token-rth";
        await using var sandbox = await SandboxServer.StartAsync(options);
        using var rj1 = new SandboxApi(sandbox, "token-rj1");
        using var rth = new SandboxApi(sandbox, "token-rth");
        var id = await IdAsync(await rj1.CreateAsync(TestSubmissions.Load()));

        var own = await rj1.HistoryAsync(id);
        var another = await rth.HistoryAsync(id);
        var none = await rj1.HistoryAsync("sub_00000000000000000000000000000000");
        await rj1.WithdrawAsync(id);
        var withdrawn = await rj1.HistoryAsync(id);

        var item = Assert.Single((await SandboxApi.JsonAsync(own))["items"]!.AsArray());
        Assert.Null(item!["recordUpdatedAt"]); // sent without one
        Assert.Equal("wrong-organisation", await SandboxApi.ProblemAsync(another));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Empty((await SandboxApi.JsonAsync(withdrawn))["items"]!.AsArray());
    }

    [Fact]
    public async Task ADatabaseFileFromBeforeSourceTimes_IsUpgradedInPlace_AndItsCasesMoveForwardToo()
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-upgrade-").FullName;
        var database = Path.Combine(directory, "old.db");
        try
        {
            var versions = SandboxLifecycleTests.GrowingRecord();
            string id;
            await using (var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, DatabasePath = database }))
            {
                using var api = new SandboxApi(sandbox);
                id = await IdAsync(await api.CreateAsync(versions[0]));
                Assert.Equal(HttpStatusCode.OK, (await api.AmendAsync(id, versions[1], "\"1\"")).StatusCode);
            }

            // The file as the previous sandbox left it: no source times, keys in the old table.
            await using (var old = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                await old.OpenAsync();
                await using var downgrade = old.CreateCommand();
                downgrade.CommandText = """
                    ALTER TABLE versions DROP COLUMN record_updated_at;
                    DROP TABLE idempotency_keys;
                    CREATE TABLE requests (idempotency_key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, case_id TEXT NOT NULL, receipt TEXT NOT NULL);
                    """;
                await downgrade.ExecuteNonQueryAsync();
            }

            await using (var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, DatabasePath = database }))
            {
                using var api = new SandboxApi(sandbox);
                await AssertMovedOnAsync(await api.AmendAsync(id, versions[0], "\"2\""), "stale-content", id, 2, SubmissionContentHash.Compute(versions[1]), recordUpdatedAt: null);
                Assert.Equal(HttpStatusCode.OK, (await api.AmendAsync(id, SandboxApi.Dated(versions[2], Monday), "\"2\"")).StatusCode);
                var items = (await SandboxApi.JsonAsync(await api.HistoryAsync(id)))["items"]!.AsArray();
                Assert.Equal([null, null, Monday], items.Select(i => (DateTimeOffset?)i!["recordUpdatedAt"]));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> IdAsync(HttpResponseMessage created)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (string)(await SandboxApi.JsonAsync(created))["id"]!;
    }

    /// <summary>A 409 of <paramref name="type"/> naming the case's current version, content hash and source time.</summary>
    private static async Task AssertMovedOnAsync(HttpResponseMessage response, string type, string id, int version, string contentHash, DateTimeOffset? recordUpdatedAt)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(type, await SandboxApi.ProblemAsync(response));
        var problem = await SandboxApi.JsonAsync(response);
        Assert.Equal(id, (string)problem["caseId"]!);
        Assert.Equal(version, (int)problem["version"]!);
        Assert.Equal(contentHash, (string)problem["contentHash"]!);
        Assert.Equal(recordUpdatedAt, (DateTimeOffset?)problem["recordUpdatedAt"]);
        Assert.Equal(recordUpdatedAt?.Offset, ((DateTimeOffset?)problem["recordUpdatedAt"])?.Offset);
    }
}
