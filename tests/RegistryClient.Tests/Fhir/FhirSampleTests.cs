using System.Text.Json.Nodes;
using RegistryClient.Tests.Mapping;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Fhir;

public class FhirSampleTests
{
    private static readonly string[] Episodes = ["RIS24001", "RIS24002", "RIS24003", "RIS24005"];

    [Theory]
    [InlineData("bundles")]
    [InlineData("bulk")]
    public async Task SampleFhirData_MapsToValidSubmissions(string folder)
    {
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), Path.Combine(FhirTestData.Folder, folder));

        Assert.All(results, r => Assert.True(r.IsMapped, string.Join("\n", r.Errors)));
        Assert.Equal(Episodes, results.Select(r => r.Submission!.LocalRecordId).Order());
        var validator = new SubmissionValidator();
        foreach (var result in results)
        {
            var report = await validator.ValidateAsync(result.Submission!);
            Assert.True(report.IsValid, string.Join("\n", report.Issues));
        }
    }

    [Theory]
    [InlineData("bundles")]
    [InlineData("bulk")]
    public async Task SampleFhirData_GivesTheSameSubmissionsAsTheCsvExport_ForTheSameEpisodes(string folder)
    {
        var csv = (await MappingTestData.MapAsync(MappingTestData.SampleProfile(), File.ReadAllText(MappingTestData.ExportFile)))
            .Where(r => r.IsMapped && Episodes.Contains(r.Submission!.LocalRecordId))
            .ToDictionary(r => r.Submission!.LocalRecordId, FhirTestData.Json);
        var fhir = (await FhirTestData.MapAsync(FhirTestData.SampleProfile(), Path.Combine(FhirTestData.Folder, folder)))
            .ToDictionary(r => r.Submission!.LocalRecordId, FhirTestData.Json);

        Assert.Equal(Episodes.Length, csv.Count);
        foreach (var episode in Episodes)
        {
            Assert.True(JsonNode.DeepEquals(csv[episode], fhir[episode]), $"{episode}\nCSV:  {csv[episode].ToJsonString()}\nFHIR: {fhir[episode].ToJsonString()}");
        }

        // The episodes exercise a follow-up (RIS24003), a complication (RIS24005) and a research study (RIS24002).
        Assert.Single(fhir["RIS24003"]["followUps"]!.AsArray());
        Assert.Single(fhir["RIS24005"]["outcome"]!["complications"]!.AsArray());
        Assert.NotNull(fhir["RIS24002"]["governance"]!["researchStudy"]);
    }

    [Fact]
    public async Task SampleFhirData_TakesRecordUpdatedAtFromTheAnchorsLastUpdated_AndNeverEmitsTheDateOfBirth()
    {
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), Path.Combine(FhirTestData.Folder, "bulk"));
        var first = FhirTestData.Json(results.Single(r => r.Submission!.LocalRecordId == "RIS24001"));

        Assert.Equal("2024-01-22T14:17:00Z", first["submitter"]!["recordUpdatedAt"]!.GetValue<string>());
        Assert.Equal(20, first["patient"]!["ageAtProcedure"]!.GetValue<int>()); // born 12/03/2003, treated 17/01/2024
        Assert.DoesNotContain("2003-03-12", first.ToJsonString());
        Assert.DoesNotContain("birth", first.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }
}
