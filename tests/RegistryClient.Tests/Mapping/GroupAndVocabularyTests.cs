using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Tests.Mapping.Workbooks;
using static RegistryClient.Tests.Mapping.MappingTestData;

namespace RegistryClient.Tests.Mapping;

/// <summary>Column groups, vocabularies and workbook cells, on small exports written here.</summary>
public sealed class GroupAndVocabularyTests
{
    private const string WideProfile = """
        {
          "key": "id",
          "rowKind": { "column": "kind", "episode": "P", "followUp": "F" },
          "fields": {
            "/localRecordId": { "column": "id" },
            "/procedure/procedureDate": { "column": "proc", "formats": ["dd/MM/yyyy", "d-MMM-yy", "yyyy-MM-dd"] }
          },
          "followUpFields": {
            "/timepoint": { "constant": "months24" },
            "/assessmentDate": { "column": "fu_date", "format": "dd/MM/yyyy" },
            "/patency": { "constant": "patent" }
          },
          "groups": [
            {
              "name": "30-day follow-up", "target": "/followUps", "anchor": "d30_date",
              "fields": {
                "/timepoint": { "constant": "days30" },
                "/assessmentDate": { "column": "d30_date", "format": "dd/MM/yyyy" },
                "/patency": { "column": "d30_patency", "ignoreCase": true },
                "/rethrombosis": { "column": "d30_rethrombosis" },
                "/pulmonaryEmbolism": { "column": "d30_pe" }
              }
            },
            {
              "name": "6-month follow-up", "target": "/followUps",
              "fields": {
                "/timepoint": { "constant": "months6" },
                "/assessmentDate": { "column": "m6_date", "format": "dd/MM/yyyy" },
                "/villaltaTotal": { "column": "m6_villalta" },
                "/patency": { "constant": "patent" },
                "/rethrombosis": { "constant": false },
                "/pulmonaryEmbolism": { "constant": false }
              }
            }
          ]
        }
        """;

    private const string Header = "kind,id,proc,d30_date,d30_patency,d30_rethrombosis,d30_pe,m6_date,m6_villalta,fu_date\n";

    [Fact]
    public async Task Groups_AreEmittedOnlyWhenFilledIn_SeveralPerRow_MixedWithFollowUpRows()
    {
        var csv = Header +
                  "P,E1,05/01/2024,06/02/2024,PATENT,Y,no,,,\n" +        // 30-day group filled, 6-month group empty
                  "P,E2,5-Jan-24,,,,,01/07/2024,4,\n" +                    // anchorless group: any of its columns
                  "F,E2,,,,,,,,05/01/2026\n" +                             // and a follow-up row after the groups
                  "P,E3,2024-01-05,,,Y,N,,,\n";                            // no anchor value: the group is not emitted, however filled

        var results = await MapAsync(Profile(WideProfile), csv);

        var (e1, e2, e3) = (results[0].Submission!, results[1].Submission!, results[2].Submission!);
        var d30 = Assert.Single(e1.FollowUps!);
        Assert.Equal((FollowUpTimepoint.Days30, Patency.Patent, true, false), (d30.Timepoint, d30.Patency, d30.Rethrombosis, d30.PulmonaryEmbolism));
        Assert.Equal([FollowUpTimepoint.Months6, FollowUpTimepoint.Months24], e2.FollowUps!.Select(f => f.Timepoint));
        Assert.Equal(4, e2.FollowUps![0].VillaltaTotal);
        Assert.Equal(2, results[1].Rows);
        Assert.Null(e3.FollowUps);
        Assert.All([e1, e2, e3], s => Assert.Equal(new DateTime(2024, 1, 5), s.Procedure.ProcedureDate)); // three accepted formats
    }

    [Fact]
    public async Task AGroupMissingARequiredValue_IsALocatedError_NamingTheGroup()
    {
        var csv = Header + "P,E1,05/01/2024,06/02/2024,PATENT,,N,,,\n";

        var error = Assert.Single(Assert.Single(await MapAsync(Profile(WideProfile), csv)).Errors);

        Assert.Equal((2, "d30_rethrombosis"), (error.Row, error.Column));
        Assert.StartsWith("30-day follow-up: There is no value for /followUps/0/rethrombosis", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Yes", true)]
    [InlineData("y", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("No", false)]
    [InlineData("N", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public async Task Booleans_InTheUsualSpellings_AreBuiltIn(string cell, bool expected)
    {
        var profile = Profile("""{ "key": "id", "fields": { "/localRecordId": { "column": "id" }, "/governance/consentRecorded": { "column": "c" } } }""");

        var result = Assert.Single(await MapAsync(profile, $"id,c\nE1,{cell}\n"));

        Assert.Equal(expected, result.Submission!.Governance.ConsentRecorded);
    }

    [Fact]
    public async Task Booleans_CanBeReplacedByTheProfilesOwnWords()
    {
        var profile = Profile("""{ "key": "id", "booleans": { "true": ["Ja"], "false": ["Nein"] }, "fields": { "/localRecordId": { "column": "id" }, "/governance/consentRecorded": { "column": "c" } } }""");

        var results = await MapAsync(profile, "id,c\nE1,ja\nE2,Yes\n");

        Assert.True(results[0].Submission!.Governance.ConsentRecorded);
        Assert.Contains("is not a yes/no value (Ja, Nein)", Assert.Single(results[1].Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeMatching_IsExactUnlessTheProfileIgnoresCase()
    {
        const string Fields = """
            "/localRecordId": { "column": "id" }, "/patient/sex": { "column": "sex", "values": { "F": "female" } }, "/presentation/side": { "column": "side" }
            """;
        var exact = Profile("{ \"key\": \"id\", \"fields\": { " + Fields + " } }");
        var relaxed = Profile("{ \"key\": \"id\", \"ignoreCase\": true, \"fields\": { " + Fields + " } }");
        const string Csv = "id,sex,side\nE1,f,LEFT\n";

        var refused = Assert.Single(await MapAsync(exact, Csv));
        var mapped = Assert.Single(await MapAsync(relaxed, Csv)).Submission!;

        Assert.Equal(["sex", "side"], refused.Errors.Select(e => e.Column));
        Assert.Equal((Sex.Female, Side.Left), (mapped.Patient.Sex, mapped.Presentation.Side));
    }

    [Fact]
    public async Task Workbook_TypedCells_AndAMissingSheet()
    {
        var path = Path.Combine(Path.GetTempPath(), $"book-{Guid.NewGuid():N}.xlsx");
        using (var file = File.Create(path))
        using (var book = new WorkbookWriter(file, "Audit"))
        {
            book.WriteRow(["id", "proc", "consent", "villalta", "nhs"]);
            book.WriteRow(["E1", new DateTime(2024, 3, 7), true, 3.0, 9990000018.0]);
            book.WriteRow(["E2", 45358.0, "No", "4", "999 000 0026"]); // a date column holding a bare number
        }

        try
        {
            const string Fields = """
                "/localRecordId": { "column": "id" }, "/procedure/procedureDate": { "column": "proc", "format": "dd/MM/yyyy" }, "/governance/consentRecorded": { "column": "consent" }, "/patient/nhsNumber": { "column": "nhs" }
                """;
            var found = Profile("{ \"key\": \"id\", \"input\": { \"format\": \"xlsx\", \"sheet\": \"Audit\" }, \"fields\": { " + Fields + " } }");
            var missing = Profile("{ \"key\": \"id\", \"input\": { \"format\": \"xlsx\", \"sheet\": \"audit \" }, \"fields\": { " + Fields + " } }");

            var results = await MapFilesAsync(found, path);
            var refused = Assert.Single(await MapFilesAsync(missing, path));

            var e1 = results[0].Submission!;
            Assert.Equal((new DateTime(2024, 3, 7), true, "9990000018"), (e1.Procedure.ProcedureDate, e1.Governance.ConsentRecorded, e1.Patient.NhsNumber));
            Assert.Equal((3, "proc"), (results[1].Errors.Single().Row, results[1].Errors.Single().Column));
            Assert.True(refused.IsInputError);
            Assert.Contains("no sheet 'audit '; the closest is 'Audit'", refused.Errors[0].Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<List<MappingResult>> MapFilesAsync(MappingProfile profile, string path)
    {
        var results = new List<MappingResult>();
        await foreach (var result in ProfileMapper.MapFileAsync(profile, path))
        {
            results.Add(result);
        }

        return results;
    }
}
