using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NJsonSchema;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Reconciliation;
using RegistryClient.Validation;
using static RegistryClient.Tests.Reconciliation.ReconciliationData;

namespace RegistryClient.Tests.Reconciliation;

/// <summary>The library's reconciliation: case states by content hash, ascertainment, follow-ups at every window edge.</summary>
public sealed class CaseReconcilerTests
{
    [Fact]
    public async Task EveryCaseState_IsFound_AndCounted()
    {
        var (local, registry) = EveryState();

        var report = await ReconcileAsync(local, registry, null);

        Assert.Equal(
            [("CASE-A", CaseState.Matched), ("CASE-B", CaseState.Behind), ("CASE-C", CaseState.Missing), ("CASE-D", CaseState.Withdrawn),
             ("CASE-E", CaseState.RegistryOnly), ("CASE-F", CaseState.Behind)],
            report.Cases.Select(c => (c.LocalRecordId, c.State)));
        Assert.Equal(2, report.Cases.Single(c => c.LocalRecordId == "CASE-F").RegistryVersion); // amended on the registry since the extract
        Assert.Null(report.Cases.Single(c => c.LocalRecordId == "CASE-C").RegistryId);
        Assert.Equal(new ReconciliationSummary { Local = 5, Registry = 5, Matched = 1, Behind = 2, Missing = 1, RegistryOnly = 1, Withdrawn = 1, Ascertainment = 0.75 }, report.Summary);
        Assert.False(report.IsComplete);
    }

    [Fact]
    public async Task WithdrawnAndRegistryOnlyCases_ExpectNoFollowUps()
    {
        var (local, registry) = EveryState();

        var report = await ReconcileAsync(local, registry, null);

        Assert.Equal(["CASE-A", "CASE-B", "CASE-C", "CASE-F"], report.FollowUps.Select(f => f.LocalRecordId).Distinct());
    }

    [Fact]
    public async Task Ascertainment_IsOne_WhenNoLocalCaseRemainsToCount()
    {
        var nothing = await ReconcileAsync([], [Receipt("ELSEWHERE", "sha256:00")], null);
        var allWithdrawn = await ReconcileAsync([Case("GONE")], [Receipt("GONE", "", 1, CaseStatus.Withdrawn)], null);

        Assert.Equal(1.0, nothing.Summary.Ascertainment);
        Assert.Equal(1.0, allWithdrawn.Summary.Ascertainment);
        Assert.True(allWithdrawn.IsComplete);
    }

    [Fact]
    public async Task SameContent_MatchesWhateverTheSoftwareFieldsSay()
    {
        var local = Case("CASE-A");
        var registry = ReceiptOf(local with { Submitter = local.Submitter with { SoftwareName = "Other", SoftwareVersion = "9" } });

        var report = await ReconcileAsync([local], [registry], null);

        Assert.Equal(CaseState.Matched, Assert.Single(report.Cases).State);
    }

    // Procedure 2024-01-17: days30 2024-01-31..2024-03-17, months6 2024-05-17..2024-10-17, months12 2024-11-17..2025-04-17,
    // months24 2025-10-17..2026-07-17 (rule VR016's windows, both ends inclusive).
    [Theory]
    [InlineData(FollowUpTimepoint.Days30, "2024-01-30", FollowUpState.NotYetDue)]
    [InlineData(FollowUpTimepoint.Days30, "2024-01-31", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Days30, "2024-03-17", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Days30, "2024-03-18", FollowUpState.Overdue)]
    [InlineData(FollowUpTimepoint.Months6, "2024-05-16", FollowUpState.NotYetDue)]
    [InlineData(FollowUpTimepoint.Months6, "2024-05-17", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Months6, "2024-10-17", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Months6, "2024-10-18", FollowUpState.Overdue)]
    [InlineData(FollowUpTimepoint.Months12, "2024-11-16", FollowUpState.NotYetDue)]
    [InlineData(FollowUpTimepoint.Months12, "2024-11-17", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Months12, "2025-04-17", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Months12, "2025-04-18", FollowUpState.Overdue)]
    [InlineData(FollowUpTimepoint.Months24, "2025-10-16", FollowUpState.NotYetDue)]
    [InlineData(FollowUpTimepoint.Months24, "2025-10-17", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Months24, "2026-07-17", FollowUpState.Due)]
    [InlineData(FollowUpTimepoint.Months24, "2026-07-18", FollowUpState.Overdue)]
    public async Task FollowUp_AtEachWindowEdge(FollowUpTimepoint timepoint, string asOf, FollowUpState expected)
    {
        var local = Case("CASE-A");

        var report = await ReconcileAsync([local], [ReceiptOf(local)], DateTime.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, report.FollowUps.Single(f => f.Timepoint == timepoint).State);
    }

    [Fact]
    public async Task Windows_AreTheOnesRuleVR016Accepts()
    {
        var report = await ReconcileAsync([Case("CASE-A")], [], null);
        var validator = new SubmissionValidator(new SubmissionValidatorOptions { TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)) });

        foreach (var window in report.FollowUps)
        {
            async Task<bool> AcceptedOn(DateTime day)
            {
                var submission = Case("CASE-A", null, window.Timepoint);
                submission = submission with { FollowUps = [submission.FollowUps![0] with { AssessmentDate = day }] };
                var issues = (await validator.ValidateAsync(submission)).Issues;
                return !issues.Any(i => i.Code == "VR016");
            }

            Assert.False(await AcceptedOn(window.WindowStart.AddDays(-1)), $"{window.Timepoint} the day before the window");
            Assert.True(await AcceptedOn(window.WindowStart), $"{window.Timepoint} the first day");
            Assert.True(await AcceptedOn(window.WindowEnd), $"{window.Timepoint} the last day");
            Assert.False(await AcceptedOn(window.WindowEnd.AddDays(1)), $"{window.Timepoint} the day after the window");
        }
    }

    [Fact]
    public async Task RecordedFollowUp_IsDone_EvenBeforeItsWindow()
    {
        var local = Case("CASE-A", null, FollowUpTimepoint.Days30, FollowUpTimepoint.Months6);

        var report = await ReconcileAsync([local], [ReceiptOf(local)], new DateTime(2024, 1, 18));

        Assert.Equal([FollowUpState.Done, FollowUpState.Done, FollowUpState.NotYetDue, FollowUpState.NotYetDue], report.FollowUps.Select(f => f.State));
    }

    /// <summary>
    /// Issue 22 leftover: died 2024-03-01, inside the 30-day window (2024-01-31 to 2024-03-17) with that follow-up not
    /// recorded. It used to stay overdue forever, though any later assessment would break VR017: death closed the window.
    /// </summary>
    [Fact]
    public async Task DeathInsideTheThirtyDayWindow_LeavesItNotExpected_NotOverdue_AndNothingLater()
    {
        var local = WithDeath(Case("CASE-A"), new DateTime(2024, 3, 1));

        var report = await ReconcileAsync([local], [ReceiptOf(local)], new DateTime(2026, 11, 25));

        var only = Assert.Single(report.FollowUps);
        Assert.Equal((FollowUpTimepoint.Days30, FollowUpState.NotExpected), (only.Timepoint, only.State));
        Assert.True(report.IsComplete);
        Assert.Contains("\"state\":\"notExpected\"", report.ToJson(), StringComparison.Ordinal);
        Assert.Empty(await SchemaErrorsAsync(report.ToJson()));
    }

    [Theory]
    [InlineData("2024-02-20", FollowUpState.Due)]         // before the death: the window was still open
    [InlineData("2024-03-01", FollowUpState.NotExpected)] // from the day of death
    public async Task DeathInsideAWindow_ClosesIt_FromTheDayOfDeath(string asOf, FollowUpState expected)
    {
        var local = WithDeath(Case("CASE-A"), new DateTime(2024, 3, 1));

        var report = await ReconcileAsync([local], [ReceiptOf(local)], DateTime.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, report.FollowUps.Single(f => f.Timepoint == FollowUpTimepoint.Days30).State);
    }

    [Fact]
    public async Task DeathInsideAWindow_WithTheFollowUpRecorded_IsDone()
    {
        var local = WithDeath(Case("CASE-A", null, FollowUpTimepoint.Days30), new DateTime(2024, 3, 10));

        var report = await ReconcileAsync([local], [ReceiptOf(local)], new DateTime(2026, 11, 25));

        Assert.Equal(FollowUpState.Done, Assert.Single(report.FollowUps).State);
    }

    /// <summary>Issue 22 leftover: the later of two documents with one localRecordId silently won, so the verdict flipped with input order.</summary>
    [Fact]
    public async Task TwoLocalSubmissionsWithOneLocalRecordId_AreRefused_NamingTheIdAndBothPositions()
    {
        var older = Case("CASE-A");
        var newer = Case("CASE-A", null, FollowUpTimepoint.Days30);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReconcileAsync([Case("CASE-B"), older, newer], [ReceiptOf(older)], null));
        var reversed = await Assert.ThrowsAsync<ArgumentException>(() => ReconcileAsync([newer, Case("CASE-B"), older], [ReceiptOf(older)], null));

        Assert.StartsWith("Local submissions 1 and 2 share the localRecordId CASE-A", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Local submissions 0 and 2 share the localRecordId CASE-A", reversed.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 22 leftover: a registry that returned the same nextCursor again kept the listing going forever.</summary>
    [Fact]
    public async Task ARepeatedCursor_EndsTheListing_WithRegistryException()
    {
        using var server = WireMock.Server.WireMockServer.Start();
        var page = new JsonObject
        {
            ["items"] = System.Text.Json.JsonSerializer.SerializeToNode(new[] { Receipt("CASE-Z", "sha256:00") }, System.Text.Json.JsonSerializerOptions.Web),
            ["nextCursor"] = "same",
        };
        server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/submissions").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(page.ToJsonString()));
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = new Uri(server.Url!), Token = FakeRegistry.Token });

        var listing = await Assert.ThrowsAsync<RegistryException>(() => new CaseReconciler().ReconcileAsync("RJ1", [Case("CASE-A")], client, new DateTime(2024, 2, 15)));
        var finding = await Assert.ThrowsAsync<RegistryException>(() => client.FindCaseAsync("RJ1", "CASE-A"));

        Assert.Contains("the registry returned the cursor of an earlier page again after 2 page(s)", listing.Message, StringComparison.Ordinal);
        Assert.Contains("the registry returned the cursor of an earlier page again", finding.Message, StringComparison.Ordinal);
        Assert.Equal(4, server.LogEntries.Count()); // two pages each, then stopped
    }

    [Theory]
    [InlineData("2024-05-16", 1)] // the day before the 6-month window opens: from 6 months on, nothing is expected
    [InlineData("2024-05-17", 2)] // on the day it opens: the 6-month follow-up was still expected
    [InlineData("2024-01-30", 0)] // before the 30-day window: none at all
    public async Task Death_CutsOffEveryTimepointWhoseWindowStartsAfterIt(string died, int expected)
    {
        var local = WithDeath(Case("CASE-A"), DateTime.Parse(died, System.Globalization.CultureInfo.InvariantCulture));

        var report = await ReconcileAsync([local], [ReceiptOf(local)], new DateTime(2026, 11, 25));

        Assert.Equal(expected, report.FollowUps.Count);
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("9999-06-30")]
    [InlineData("0001-01-01")]
    public async Task CalendarEdges_DoNotThrow_AndWindowsStayOnTheCalendar(string procedure)
    {
        var local = Case("EDGE", DateTime.Parse(procedure, System.Globalization.CultureInfo.InvariantCulture), FollowUpTimepoint.Days30);

        var report = await ReconcileAsync([local], [], DateTime.MaxValue.Date);
        var json = report.ToJson();

        Assert.Equal(4, report.FollowUps.Count);
        Assert.All(report.FollowUps, f => Assert.True(f.WindowStart <= f.WindowEnd));
        Assert.Contains("\"windowEnd\":\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsOf_DefaultsToTheTimeProvidersDate()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 18, 10, 0, 0, TimeSpan.Zero));
        var local = Case("CASE-A");

        var report = await new CaseReconciler(time).ReconcileAsync("RJ1", [local], Async(new[] { ReceiptOf(local) }));

        Assert.Equal(new DateTime(2024, 3, 18), report.AsOf);
        Assert.Equal(FollowUpState.Overdue, report.FollowUps.Single(f => f.Timepoint == FollowUpTimepoint.Days30).State);
    }

    [Fact]
    public async Task LocalCaseOfAnotherOrganisation_IsRefused()
    {
        var other = Case("CASE-A") with { Submitter = Case("CASE-A").Submitter with { OrganisationCode = "RGT" } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReconcileAsync([other], [], null));

        Assert.Contains("CASE-A", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_IsExactlyTheDesignsObject_AndValidatesAgainstItsSchema()
    {
        var (local, registry) = EveryState();
        var report = await ReconcileAsync(local, registry, new DateTime(2024, 2, 15));

        var json = JsonNode.Parse(report.ToJson())!.AsObject();

        Assert.Equal(["organisationCode", "asOf", "summary", "cases", "followUps"], json.Select(p => p.Key));
        Assert.Equal("2024-02-15", (string?)json["asOf"]);
        Assert.Equal(["local", "registry", "matched", "behind", "ahead", "conflict", "missing", "registryOnly", "withdrawn", "ascertainment"], json["summary"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["localRecordId", "state", "registryId", "registryVersion"], json["cases"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["localRecordId", "state"], json["cases"]!.AsArray().Single(c => (string?)c!["state"] == "missing")!.AsObject().Select(p => p.Key));
        Assert.Equal(["localRecordId", "timepoint", "windowStart", "windowEnd", "state"], json["followUps"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal("registryOnly", (string?)json["cases"]!.AsArray().Single(c => (string?)c!["localRecordId"] == "CASE-E")!["state"]);
        Assert.Equal("days30", (string?)json["followUps"]![0]!["timepoint"]);
        Assert.Equal("due", (string?)json["followUps"]![0]!["state"]);
        Assert.Equal(await SchemaErrorsAsync(report.ToJson()), []);
    }

    [Fact]
    public async Task Registry_IsReadThroughEveryPage_OfTheClientsList()
    {
        var (local, registry) = EveryState();
        using var fake = new FakeRegistry(registry, pageSize: 2);
        using var client = fake.Client();

        var report = await new CaseReconciler().ReconcileAsync("RJ1", local, client.ListSubmissionsAsync("RJ1"), new DateTime(2024, 2, 15));

        Assert.Equal(3, fake.ListRequests);
        Assert.Equal(5, report.Summary.Registry);
        Assert.Equal(1, report.Summary.RegistryOnly);
    }

    [Fact]
    public async Task EveryState_AgainstTheSandbox_ReadThroughMoreThanOnePage()
    {
        var (local, _) = EveryState();
        await using var sandbox = await Cli.ReconcileCommandTests.SeedEveryStateAsync(local);
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        var before = sandbox.Requests;

        var report = await new CaseReconciler().ReconcileAsync("RJ1", local, client.ListSubmissionsAsync("RJ1", pageSize: 2), new DateTime(2024, 4, 1));

        Assert.Equal(3, sandbox.Requests - before); // five cases, two a page
        Assert.Equal(
            [("CASE-A", CaseState.Matched, 1), ("CASE-B", CaseState.Behind, 1), ("CASE-C", CaseState.Missing, (int?)null), ("CASE-D", CaseState.Withdrawn, 1),
             ("CASE-E", CaseState.RegistryOnly, 1), ("CASE-F", CaseState.Behind, 2)],
            report.Cases.Select(c => (c.LocalRecordId, c.State, c.RegistryVersion)));
    }

    internal static async Task<IReadOnlyList<string>> SchemaErrorsAsync(string json)
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(Samples.RepositoryRoot, "schemas", "reconciliation-report.v1.schema.json"));
        return schema.Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }
}
