using System.Text.Json.Nodes;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Validation;

/// <summary>
/// Placeholder dates at the edges of the calendar (<c>9999-12-31</c> for "unknown", <c>0001-01-01</c> for a default)
/// reach every date rule (VR007, VR008, VR013, VR016, VR017) and must be judged, never crash the validator.
/// </summary>
public sealed class CalendarEdgeTests
{
    private static readonly SubmissionValidator Validator = new(SubmissionValidatorTests.Options());

    private static readonly string[] DatePointers =
    [
        "/presentation/symptomOnsetDate", "/presentation/diagnosisDate", "/procedure/procedureDate",
        "/procedure/ivcFilter/retrievedDate", "/outcome/dischargeDate", "/outcome/complications/0/onsetDate",
        "/followUps/0/assessmentDate", "/followUps/1/assessmentDate", "/followUps/2/assessmentDate", "/followUps/3/assessmentDate",
    ];

    public static TheoryData<string, string> EdgeDates()
    {
        var data = new TheoryData<string, string>();
        foreach (var pointer in DatePointers)
        {
            foreach (var date in new[] { "9999-12-31", "9999-01-01", "0001-01-01", "0001-12-31" })
            {
                data.Add(pointer, date);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EdgeDates))]
    public async Task ValidateAsync_OneDateAtTheCalendarEdge_ReportsInsteadOfThrowing(string pointer, string date)
    {
        var document = WithFilterRetrieved(Sample());
        Set(document, pointer, date);

        var report = await Validator.ValidateAsync(document.ToJsonString());

        Assert.All(report.Issues, i => Assert.StartsWith("VR", i.Code, StringComparison.Ordinal)); // judged by the rules
        Assert.Equal(date.StartsWith("9999", StringComparison.Ordinal), report.Issues.Any(i => i.Code == "VR008" && i.Message.Contains("future", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    public async Task ValidateAsync_EveryDateAtTheSameEdge_WithFollowUps_ReportsInsteadOfThrowing(string date)
    {
        var document = WithFilterRetrieved(Sample());
        foreach (var pointer in DatePointers)
        {
            Set(document, pointer, date);
        }

        var report = await Validator.ValidateAsync(document.ToJsonString());

        Assert.Equal(date.StartsWith("9999", StringComparison.Ordinal), report.Issues.Any(i => i.Code == "VR008" && i.Message.Contains("future", StringComparison.Ordinal)));
        Assert.DoesNotContain(report.Issues, i => i.Code is IssueCodes.Schema or IssueCodes.Parse);
    }

    [Fact]
    public async Task ValidateAsync_ProcedureOnTheLastDay_FollowUpWindowsAreStillJudged()
    {
        var document = Sample();
        Set(document, "/procedure/procedureDate", "9999-12-31");

        var report = await Validator.ValidateAsync(document.ToJsonString());

        // Every follow-up now precedes the procedure: VR008 says so, VR016 says each is outside its window.
        Assert.Equal(4, report.Issues.Count(i => i.Code == "VR016"));
    }

    private static JsonNode Sample() => JsonNode.Parse(File.ReadAllText(Samples.ValidFiles.First()))!;

    private static JsonNode WithFilterRetrieved(JsonNode document)
    {
        document["procedure"]!["ivcFilter"] = new JsonObject { ["placed"] = true, ["type"] = "retrievable", ["retrievedDate"] = "2023-04-01" };
        return document;
    }

    private static void Set(JsonNode document, string pointer, string value)
    {
        var segments = pointer.Split('/').Skip(1).ToArray();
        var parent = TestJson.Resolve(document, segments[..^1])!;
        if (parent is JsonArray array)
        {
            array[int.Parse(segments[^1])] = value;
        }
        else
        {
            parent[segments[^1]] = value;
        }
    }
}
