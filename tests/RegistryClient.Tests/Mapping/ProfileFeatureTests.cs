using System.Text;
using System.Text.Json.Nodes;
using RegistryClient.Mapping;
using static RegistryClient.Tests.Mapping.MappingTestData;

namespace RegistryClient.Tests.Mapping;

/// <summary>Each feature of the profile format, on small exports written here.</summary>
public sealed class ProfileFeatureTests
{
    private const string Minimal = """
        {
          "key": "id",
          "input": { "format": "csv", "delimiter": "DELIM" },
          "dateOfBirth": { "column": "dob", "format": "dd/MM/yyyy" },
          "fields": {
            "/localRecordId": { "column": "id" },
            "/patient/nhsNumber": { "column": "nhs" },
            "/patient/sex": { "column": "sex", "values": { "F": "female", "M": "male" } },
            "/presentation/clotSegments": { "column": "segs", "split": ";", "values": { "CFV": "commonFemoral", "EIV": "externalIliac", "POP": "popliteal" } },
            "/governance/mdtAssessed": { "column": "mdt" },
            "/governance/consentRecorded": { "column": "consent", "values": { "signed": true, "verbal": false } },
            "/procedure/procedureDate": { "column": "proc", "format": "dd/MM/yyyy" },
            "/procedure/fluoroscopyTimeMinutes": { "column": "fluoro", "default": 0 },
            "/procedure/device/name": { "constant": "AngioJet" },
            "/outcome/complications": { "constant": [] },
            "/outcome/complications/0/type": { "column": "comp", "values": { "AKI": "acuteKidneyInjury" } },
            "/outcome/complications/0/onsetDate": { "column": "cdate", "format": "dd/MM/yyyy" },
            "/outcome/complications/0/severity": { "column": "csev", "values": { "MIN": "minor" } },
            "/outcome/complications/0/description": { "column": "note" }
          }
        }
        """;

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    public async Task Csv_ValueMapsListsDatesConstantsDefaults_AndDerivations(string delimiter)
    {
        var profile = Profile(Minimal.Replace("DELIM", delimiter));
        var d = delimiter;
        var csv = $"id{d}nhs{d}dob{d}sex{d}segs{d}mdt{d}consent{d}proc{d}fluoro{d}comp{d}cdate{d}csev{d}note\r\n" +
                  $"E1{d}999 000 0018{d}29/02/1960{d}F{d}\"POP;EIV\"{d}yes{d}signed{d}28/02/2024{d}{d}AKI{d}29/02/2024{d}MIN{d}\"Rise in creatinine{d} settled\nwith fluids\"\r\n" +
                  $"E2{d}999-000-0026{d}01/03/1960{d}M{d}POP{d}N{d}verbal{d}01/03/2024{d}12.5{d}{d}{d}{d}\r\n";

        var results = await MapAsync(profile, "\uFEFF" + csv);

        Assert.All(results, r => Assert.Empty(r.Errors));
        var (first, second) = (MappingTestData.Json(results[0]), MappingTestData.Json(results[1]));
        Assert.Equal("9990000018", At(first, "/patient/nhsNumber")!.GetValue<string>());          // spaces stripped
        Assert.Equal("9990000026", At(second, "/patient/nhsNumber")!.GetValue<string>());         // hyphens stripped
        Assert.Equal(63, At(first, "/patient/ageAtProcedure")!.GetValue<int>());                  // 29 Feb birthday not yet reached on 28 Feb
        Assert.Equal(64, At(second, "/patient/ageAtProcedure")!.GetValue<int>());
        Assert.Null(At(first, "/patient/dateOfBirth"));                                             // never emitted
        Assert.Equal(["popliteal", "externalIliac"], At(first, "/presentation/clotSegments")!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("iliofemoral", At(first, "/presentation/dvtClass")!.GetValue<string>());      // derived from the segments
        Assert.Equal("femoropopliteal", At(second, "/presentation/dvtClass")!.GetValue<string>());
        Assert.True(At(first, "/governance/mdtAssessed")!.GetValue<bool>());
        Assert.False(At(second, "/governance/consentRecorded")!.GetValue<bool>());                 // value map to a boolean
        Assert.Equal("2024-02-28", At(first, "/procedure/procedureDate")!.GetValue<string>());
        Assert.Equal("0", At(first, "/procedure/fluoroscopyTimeMinutes")!.ToJsonString());         // default for an empty cell
        Assert.Equal(12.5, At(second, "/procedure/fluoroscopyTimeMinutes")!.GetValue<double>());
        Assert.Equal("AngioJet", At(first, "/procedure/device/name")!.GetValue<string>());         // constant
        Assert.Equal($"Rise in creatinine{d} settled\nwith fluids", At(first, "/outcome/complications/0/description")!.GetValue<string>());
        Assert.Empty(At(second, "/outcome/complications")!.AsArray());                              // blank complication dropped
        Assert.Equal((2, 4), (results[0].Row, results[1].Row));                                     // the quoted newline counts as a line
    }

    [Fact]
    public async Task JsonLines_AreMappedLikeCsv()
    {
        var profile = Profile(Minimal.Replace("\"csv\"", "\"jsonl\"").Replace("DELIM", ","));
        var jsonl = """
            {"id":"E1","nhs":"9990000018","dob":"01/01/1970","sex":"F","segs":"CFV","mdt":true,"consent":"signed","proc":"02/01/2024","fluoro":3,"comp":null,"cdate":null,"csev":null,"note":null}

            {"id":"E2","nhs":"9990000026","dob":"01/01/1970","sex":"Z","segs":"CFV","mdt":false,"consent":"signed","proc":"02/01/2024"}
            not json
            """;

        var results = await MapAsync(profile, jsonl);

        Assert.Equal(3, At(MappingTestData.Json(results[0]), "/procedure/fluoroscopyTimeMinutes")!.GetValue<double>());
        Assert.Equal((3, "sex"), (results[1].Errors[0].Row, results[1].Errors[0].Column));
        Assert.Equal(4, results[2].Errors[0].Row);
    }

    [Fact]
    public async Task FollowUpRows_JoinTheirEpisode_ByKey()
    {
        var profile = Profile("""
            {
              "key": "id",
              "rowKind": { "column": "kind", "episode": "P", "followUp": "F" },
              "fields": { "/localRecordId": { "column": "id" } },
              "followUpFields": {
                "/timepoint": { "column": "tp", "values": { "D30": "days30", "M6": "months6" } },
                "/villaltaTotal": { "column": "villalta" }
              }
            }
            """);
        var csv = "kind,id,tp,villalta\nP,E1,,\nF,E1,D30,\nF,E1,M6,4\nP,E2,,\nF,E1,M6,2\nX,E3,,\n";

        var results = await MapAsync(profile, csv);

        var followUps = MappingTestData.Json(results[0])["followUps"]!.AsArray();
        Assert.Equal(["days30", "months6"], followUps.Select(f => f!["timepoint"]!.GetValue<string>()));
        Assert.Equal(4, followUps[1]!["villaltaTotal"]!.GetValue<int>());
        Assert.Equal(3, results[0].Rows);
        Assert.Null(MappingTestData.Json(results.Single(r => r.Row == 5))["followUps"]);
        Assert.Equal("id", results.Single(r => r.Row == 6).Errors.Single().Column); // E1's follow-up under E2
        Assert.Equal("kind", results.Single(r => r.Row == 7).Errors.Single().Column);
    }

    [Fact]
    public async Task AnEpisodeWithAnyBadCell_IsNotEmitted_AndEveryBadCellIsReported()
    {
        var profile = Profile(Minimal.Replace("DELIM", ","));
        var csv = "id,nhs,dob,sex,segs,mdt,consent,proc,fluoro,comp,cdate,csev,note\nE1,9990000018,1/1/1970,X,CFV;XYZ,maybe,signed,2024-01-02,ten,,,,\n";

        var result = Assert.Single(await MapAsync(profile, csv));

        Assert.Null(result.Submission);
        Assert.Equal(["dob", "fluoro", "mdt", "proc", "segs", "sex"], result.Errors.Select(e => e.Column).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal(2, e.Row));
    }

    [Theory]
    [InlineData("\"/patient/dob\": { \"column\": \"dob\" }", "/fields/~1patient~1dob", "not a field")]
    [InlineData("\"/patient/sex\": { \"column\": \"sex\", \"values\": { \"F\": \"woman\" } }", "/fields/~1patient~1sex/values/F", "registry codes")]
    [InlineData("\"/patient/sex\": { \"column\": \"sex\", \"constant\": \"female\" }", "/fields/~1patient~1sex", "either column or constant")]
    [InlineData("\"/presentation/clotSegments\": { \"column\": \"segs\" }", "/fields/~1presentation~1clotSegments", "split")]
    [InlineData("\"/procedure/procedureDate\": { \"column\": \"p\", \"format\": \"dd/MM\" }", "/fields/~1procedure~1procedureDate/format", "format")]
    public void Load_BadProfile_ReportsTheMistakeAtItsLine(string field, string pointer, string message)
    {
        var json = "{\n  \"key\": \"id\",\n  \"fields\": {\n    " + field + "\n  }\n}";

        var (profile, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes(json));

        Assert.Null(profile);
        var error = Assert.Single(errors);
        Assert.Equal(pointer, error.Pointer);
        Assert.Equal(4, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownProperty_OrBrokenJson_IsLocated()
    {
        var (_, unknown) = MappingProfile.Load(Encoding.UTF8.GetBytes("{\n  \"key\": \"id\",\n  \"feilds\": {}\n}"));
        var (_, broken) = MappingProfile.Load(Encoding.UTF8.GetBytes("{\n  \"key\": \"id\",\n  \"fields\": {\n}"));

        Assert.Contains("feilds", Assert.Single(unknown).Message, StringComparison.Ordinal);
        Assert.Equal(4, Assert.Single(broken).Line);
    }

    [Fact]
    public async Task ALargeExport_KeepsItsOrder_AndEveryRow_WhileEpisodesAreFinishedInBatches()
    {
        var profile = Profile("""{ "key": "id", "fields": { "/localRecordId": { "column": "id" }, "/patient/ageAtProcedure": { "column": "age" } } }""");
        var csv = new StringBuilder("id,age\n");
        for (var i = 0; i < 2000; i++)
        {
            csv.Append("E").Append(i).Append(',').Append(i % 97 == 0 ? "old" : "50").Append('\n');
        }

        var results = await MapAsync(profile, csv.ToString());

        Assert.Equal(Enumerable.Range(2, 2000), results.Select(r => r.Row));
        Assert.Equal(Enumerable.Range(0, 2000).Where(i => i % 97 == 0).Select(i => i + 2), results.Where(r => r.Errors.Count > 0).Select(r => r.Row));
        Assert.All(results.Where(r => r.Submission is not null), r => Assert.Equal("E" + (r.Row - 2), r.Submission!.LocalRecordId));
    }

    [Theory]
    [InlineData("29/02/2024", "dd/MM/yyyy")]
    [InlineData("29/02/2023", "dd/MM/yyyy")]
    [InlineData("31/04/2024", "dd/MM/yyyy")]
    [InlineData("00/01/2024", "dd/MM/yyyy")]
    [InlineData("01-12-2024", "dd/MM/yyyy")]
    [InlineData("01-12-2024", "dd-MM-yyyy")]
    [InlineData("01.12.2024", "dd.MM.yyyy")]
    [InlineData("2024-12-01", "yyyy-MM-dd")]
    [InlineData("2024-13-01", "yyyy-MM-dd")]
    [InlineData("1/12/2024", "d/MM/yyyy")]
    [InlineData("1/12/2024", "dd/MM/yyyy")]
    [InlineData("0001/12/24", "dd/MM/yyyy")]
    public void DateFastPath_AgreesWithTheCultureAwareParser(string text, string format)
    {
        var expected = DateTime.TryParseExact(text, format, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date);

        Assert.Equal((expected, date), (DateFormats.TryParse(text, format, out var fast), fast));
    }
}
