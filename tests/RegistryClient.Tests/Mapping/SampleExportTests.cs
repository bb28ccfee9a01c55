using System.Text;
using NJsonSchema;
using RegistryClient.Tests.Cli;
using RegistryClient.Mapping;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Mapping;

/// <summary>The sample radiology export and its profile: the map-then-validate pipeline of the README.</summary>
public sealed class SampleExportTests
{
    [Fact]
    public async Task SampleExport_MapsEveryGoodEpisode_AndLocatesEachFaultyRow()
    {
        var results = await MappingTestData.MapAsync(MappingTestData.SampleProfile(), File.ReadAllText(MappingTestData.ExportFile));

        var errors = results.SelectMany(r => r.Errors).Select(e => (e.Row, e.Column)).ToList();
        Assert.Equal(
            [(6, "sex"), (12, "proc_date"), (19, "removed_pct"), (32, "segments"), (39, ""), (55, "episode_id")],
            errors);
        Assert.Equal(31, results.Count(r => r.Submission is not null));
        Assert.All(results.Where(r => r.Errors.Count > 0), r => Assert.Null(r.Submission)); // never half-filled
        Assert.Equal(54, results.Sum(r => r.Rows)); // every data row accounted for
    }

    [Fact]
    public async Task SampleExport_RecordUpdatedAt_IsTheLastUpdatedColumn_InLondonsOffsetOfTheDay()
    {
        var results = await MappingTestData.MapAsync(MappingTestData.SampleProfile(), File.ReadAllText(MappingTestData.ExportFile));

        var stamps = results.Where(r => r.IsMapped).ToDictionary(r => r.Submission!.LocalRecordId, r => MappingTestData.At(MappingTestData.Json(r), "/submitter/recordUpdatedAt")?.GetValue<string>());
        Assert.Equal("2024-01-22T14:17:00Z", stamps["RIS24001"]);      // 22/01/2024 14:17, Greenwich Mean Time
        Assert.Equal("2024-09-01T12:42:00+01:00", stamps["RIS24006"]); // 01/09/2024 12:42, British Summer Time
        Assert.All(stamps.Values, Assert.NotNull);
    }

    [Fact]
    public async Task SampleExport_MappedThenValidated_GivesThirtyValidSubmissions_AndTheConsentFault()
    {
        var validator = new SubmissionValidator();
        var results = await MappingTestData.MapAsync(MappingTestData.SampleProfile(), File.ReadAllText(MappingTestData.ExportFile));

        var reports = new List<ValidationReport>();
        foreach (var submission in results.Select(r => r.Submission).OfType<RegistryClient.Model.Submission>())
        {
            reports.Add(await validator.ValidateAsync(submission));
        }

        Assert.Equal(30, reports.Count(r => r.IsValid));
        var invalid = Assert.Single(reports, r => !r.IsValid);
        Assert.Equal("RIS24017", invalid.LocalRecordId);
        Assert.Equal("VR006", Assert.Single(invalid.Issues, i => i.Severity == ValidationSeverity.Error).Code);
    }

    [Fact]
    public async Task SampleProfile_ConformsToTheProfileSchema()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(Samples.RepositoryRoot, "schemas", "mapping-profile.v1.schema.json"));

        foreach (var profile in Directory.GetFiles(Path.Combine(Samples.RepositoryRoot, "samples", "mappings"), "*.json"))
        {
            Assert.Empty(schema.Validate(File.ReadAllText(profile)));
        }

        Assert.NotEmpty(schema.Validate("""{ "key": "id", "input": { "delimiter": "\"" }, "fields": {} }"""));
        Assert.NotEmpty(schema.Validate("""{ "key": "id", "input": { "encoding": "ebcdic" }, "fields": {} }"""));
        Assert.NotEmpty(schema.Validate("""{ "key": "id", "fields": {}, "groups": [ { "target": "/followUps" } ] }"""));
        Assert.NotEmpty(schema.Validate("""{ "key": "id", "fields": { "/patient/sex": { "colum": "sex" } } }"""));
    }

    [Fact]
    public async Task MapCommand_WritesNdjson_AndLocatedErrors_AndExitsOne()
    {
        var output = Path.Combine(Path.GetTempPath(), $"mapped-{Guid.NewGuid():N}.ndjson");
        try
        {
            var (exit, _, stderr) = await CliRunner.RunAsync("map", "--profile", MappingTestData.ProfileFile, MappingTestData.ExportFile, "--output", output);

            Assert.Equal(1, exit);
            Assert.Equal(31, File.ReadAllLines(output).Length);
            Assert.Contains($"{MappingTestData.ExportFile}:6:sex: error: ", stderr, StringComparison.Ordinal);
            Assert.Contains($"{MappingTestData.ExportFile}:39:*: error: ", stderr, StringComparison.Ordinal);

            var (validateExit, validateOut, _) = await CliRunner.RunAsync("validate", output, "--format", "json");
            Assert.Equal(1, validateExit);
            Assert.Contains("\"valid\": 30", validateOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task MapCommand_BadProfile_ExitsTwo_NamingTheProfileLine()
    {
        var profile = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        File.WriteAllText(profile, "{\n  \"key\": \"id\",\n  \"fields\": {\n    \"/patient/dob\": { \"column\": \"dob\" }\n  }\n}\n");
        try
        {
            var (exit, stdout, stderr) = await CliRunner.RunAsync("map", "--profile", profile, MappingTestData.ExportFile);

            Assert.Equal(2, exit);
            Assert.Empty(stdout);
            Assert.Contains($"{profile}:4:", stderr, StringComparison.Ordinal);
            Assert.Contains("/patient/dob", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(profile);
        }
    }

    [Fact]
    public async Task MapCommand_ErrorsNeverEchoTheNhsNumberOrDateOfBirth()
    {
        var input = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.csv");
        var lines = File.ReadAllLines(MappingTestData.ExportFile).Take(2).ToList();
        var cells = lines[1].Split(',');
        cells[3] = "31/13/1961"; // date of birth: not a date
        cells[4] = "Q";          // sex: unmapped
        cells[2] = "9990001236";
        File.WriteAllLines(input, [lines[0], string.Join(",", cells)], new UTF8Encoding(false));
        try
        {
            var (_, _, stderr) = await CliRunner.RunAsync("map", "--profile", MappingTestData.ProfileFile, input);

            Assert.Contains(":2:dob: error:", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("1961", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("9990001236", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(input);
        }
    }
}
