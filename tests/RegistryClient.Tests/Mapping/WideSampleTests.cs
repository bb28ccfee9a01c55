using System.Globalization;
using System.Text.Json;
using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Tests.Mapping.Workbooks;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Mapping;

/// <summary>The wide theatre export (Windows-1252 CSV, and the same data as a workbook) with its profiles.</summary>
public sealed class WideSampleTests
{
    private static string CsvPath => Path.Combine(Samples.RepositoryRoot, "samples", "exports", "theatre-wide-export.csv");

    private static string WorkbookPath => Path.Combine(Samples.RepositoryRoot, "samples", "exports", "theatre-wide-export.xlsx");

    private static string Profile(string name) => Path.Combine(Samples.RepositoryRoot, "samples", "mappings", name);

    internal static async Task<List<MappingResult>> MapFileAsync(string profilePath, string inputPath)
    {
        var (profile, errors) = MappingProfile.Load(File.ReadAllBytes(profilePath));
        Assert.Empty(errors);
        var results = new List<MappingResult>();
        await foreach (var result in ProfileMapper.MapFileAsync(profile!, inputPath))
        {
            results.Add(result);
        }

        return results;
    }

    private static Task<List<MappingResult>> MapCsvAsync() => MapFileAsync(Profile("theatre-wide-export.profile.json"), CsvPath);

    private static string Json(Submission submission) => JsonSerializer.Serialize(submission, RegistryJsonContext.Default.Submission);

    [Fact]
    public async Task WideCsv_MapsEveryEpisode_WithItsGroups_AndEveryResultValidates()
    {
        var results = await MapCsvAsync();

        Assert.All(results, r => Assert.Empty(r.Errors));
        var submissions = results.Select(r => r.Submission!).ToList();
        Assert.Equal(14, submissions.Count);
        var validator = new SubmissionValidator();
        foreach (var submission in submissions)
        {
            var report = await validator.ValidateAsync(submission);
            Assert.True(report.IsValid, submission.LocalRecordId + ": " + string.Join("; ", report.Issues));
        }

        var first = submissions[0]; // no complication, no follow-up: the empty groups are not emitted
        Assert.Empty(first.Outcome!.Complications);
        Assert.Null(first.FollowUps);
        Assert.Equal(20, first.Patient.AgeAtProcedure); // born 12-Mar-2003, procedure 17/01/2024
        Assert.Equal(Sex.Male, first.Patient.Sex);       // NHS Data Dictionary code 1
        var third = submissions[2];
        Assert.Equal([ComplicationType.Haemolysis, ComplicationType.VesselInjury], third.Outcome!.Complications.Select(c => c.Type));
        Assert.Equal("Haematoma at IJV access – compressed, Dr Müller", third.Outcome.Complications[1].Description); // Windows-1252 decoded
        Assert.Equal([FollowUpTimepoint.Days30, FollowUpTimepoint.Months6, FollowUpTimepoint.Months12], submissions[3].FollowUps!.Select(f => f.Timepoint));
        Assert.Equal([Sex.Indeterminate, Sex.NotKnown], new[] { submissions[9].Patient.Sex, submissions[12].Patient.Sex }); // codes 9 and X
        Assert.Equal("AngioJet™ Zelante DVT", submissions[8].Procedure.Device.Name);
        Assert.Equal(new DateTimeOffset(2024, 1, 22, 11, 23, 11, TimeSpan.Zero), first.Submitter.RecordUpdatedAt);                  // ...Z
        Assert.Equal(new DateTimeOffset(2024, 4, 9, 16, 18, 6, TimeSpan.FromHours(1)), submissions[5].Submitter.RecordUpdatedAt); // ...+01:00
    }

    [Fact]
    public async Task TheMappedJson_IsExactlyTheTypedSubmission_AndAResultNamesItsEpisodeByLocationOnly()
    {
        var results = await MapCsvAsync();

        Assert.Equal(14, results.Count(r => r.IsMapped));
        foreach (var result in results)
        {
            // What `registry map` writes (the document as mapped) says no more and no less than the typed model holds.
            var written = System.Text.Json.Nodes.JsonNode.Parse(result.Json.Span.ToArray());
            var typed = System.Text.Json.Nodes.JsonNode.Parse(Json(result.Submission!));
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(written, typed), $"row {result.Row}: {written!.ToJsonString()}\n{typed!.ToJsonString()}");
            Assert.Equal($"{CsvPath}:{result.Row}: mapped (1 row(s))", result.ToString());
            Assert.DoesNotContain(result.Submission!.Patient.NhsNumber!, result.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Workbook_OfTheSameData_GivesIdenticalSubmissions()
    {
        var csv = await MapCsvAsync();
        var xlsx = await MapFileAsync(Profile("theatre-wide-export.xlsx.profile.json"), WorkbookPath);

        Assert.All(xlsx, r => Assert.Empty(r.Errors));
        Assert.Equal(csv.Select(r => Json(r.Submission!)), xlsx.Select(r => Json(r.Submission!)));
        Assert.Equal(3, xlsx[0].Row); // a title row, then the header on row 2
    }

    [Fact]
    public async Task Workbook_IsWhatTheGeneratorWritesFromTheCsv()
    {
        if (Environment.GetEnvironmentVariable("REGENERATE_SAMPLES") == "1")
        {
            using var file = File.Create(WorkbookPath);
            WideSampleWorkbook.Write(CsvPath, file);
        }

        var generated = Path.Combine(Path.GetTempPath(), $"wide-{Guid.NewGuid():N}.xlsx");
        try
        {
            using (var file = File.Create(generated))
            {
                WideSampleWorkbook.Write(CsvPath, file);
            }

            var profile = Profile("theatre-wide-export.xlsx.profile.json");
            var fresh = await MapFileAsync(profile, generated);
            var committed = await MapFileAsync(profile, WorkbookPath);
            Assert.All(fresh, r => Assert.Empty(r.Errors));
            Assert.Equal(14, fresh.Count);
            Assert.Equal(committed.Select(r => Json(r.Submission!)), fresh.Select(r => Json(r.Submission!)));
        }
        finally
        {
            File.Delete(generated);
        }
    }

    [Fact]
    public async Task MonthNames_AreEnglish_WhateverTheMachinesCulture()
    {
        var english = await MapCsvAsync();
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // "Mar" is "März" there, "Oct" "Okt."
            var german = await MapCsvAsync();

            Assert.All(german, r => Assert.Empty(r.Errors));
            Assert.Equal(english.Select(r => Json(r.Submission!)), german.Select(r => Json(r.Submission!)));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
