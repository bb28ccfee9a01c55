using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryClient.Http;
using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Tests.Mapping;

/// <summary>
/// The documents the mapper writes straight to UTF-8 (what <c>registry map</c> outputs) are the ones it has always
/// written, are the typed submissions a library caller reads, and do not change when the documents' memory is reused.
/// </summary>
public class MappedDocumentTests
{
    /// <summary>Every committed sample export, its profile, and the NDJSON <c>registry map</c> writes for it: the documents
    /// of main at 84b9d4d (before the mapper reused its documents' memory), with their members since put in the model's
    /// order (the same JSON values, checked member by member when the files were renewed). The workbook maps to the same
    /// documents as the CSV.</summary>
    public static TheoryData<string, string, string> SampleExports => new()
    {
        { "ris-export.csv", "ris-export.profile.json", "ris-export.ndjson" },
        { "theatre-wide-export.csv", "theatre-wide-export.profile.json", "theatre-wide-export.ndjson" },
        { "theatre-wide-export.xlsx", "theatre-wide-export.xlsx.profile.json", "theatre-wide-export.ndjson" },
    };

    [Theory]
    [MemberData(nameof(SampleExports))]
    public async Task SampleExport_MapsToTheSameBytesAsBefore(string export, string profile, string expected)
    {
        var (results, ndjson) = await MapAsync(profile, export, forWriting: false);

        Assert.Equal(File.ReadAllText(ExpectedPath(expected), Encoding.UTF8), ndjson);
        Assert.Contains(results, r => r.IsMapped);
    }

    [Theory]
    [MemberData(nameof(SampleExports))]
    public async Task SampleExport_MappedForWriting_GivesTheSameDocumentsAndErrors(string export, string profile, string expected)
    {
        var (typed, typedNdjson) = await MapAsync(profile, export, forWriting: false);
        var (written, writtenNdjson) = await MapAsync(profile, export, forWriting: true);

        Assert.Equal(typedNdjson, writtenNdjson);
        Assert.Equal(File.ReadAllText(ExpectedPath(expected), Encoding.UTF8), writtenNdjson);
        Assert.Equal(typed.Select(Outcome), written.Select(Outcome));
    }

    [Theory]
    [MemberData(nameof(SampleExports))]
    public async Task SampleExport_MappedDocument_IsByteForByteTheSerialisedTypedSubmission(string export, string profile, string expected)
    {
        // Byte for byte, member order included: the mapped bytes are queued and hashed as they are, so they must be
        // what a typed enqueue of the same submission would serialise, or the two would get different keys.
        _ = expected;
        var (results, _) = await MapAsync(profile, export, forWriting: false);

        Assert.NotEmpty(results.Where(r => r.IsMapped));
        foreach (var result in results.Where(r => r.IsMapped))
        {
            var mapped = Encoding.UTF8.GetString(result.Json.Span);
            var typed = SubmissionJson.Serialize(SubmissionJson.Deserialize(result.Json.Span));
            Assert.Equal(typed, mapped);
            Assert.Equal(PreparedSubmission.From(result.Submission!).IdempotencyKey, PreparedSubmission.From(result).IdempotencyKey);
        }
    }

    [Fact]
    public async Task ProfileInAnyOrder_WithAnObjectConstantInAnyOrder_MapsToTheSerialisersBytes()
    {
        // The fields listed backwards, nested objects split around others, a column group and an object constant whose
        // members are in the reverse of the model's order: the document still comes out in the model's order.
        var profile = MappingTestData.Profile("""
            {
              "key": "id",
              "input": { "format": "csv", "delimiter": "," },
              "fields": {
                "/outcome/complications": { "constant": [] },
                "/governance/researchStudy": { "constant": { "identifier": "ISRCTN12345678", "registry": "isrctn" } },
                "/procedure/device/name": { "constant": "AngioJet" },
                "/procedure/procedureDate": { "column": "proc", "format": "dd/MM/yyyy" },
                "/governance/consentRecorded": { "column": "consent" },
                "/presentation/clotSegments": { "column": "segs", "split": ";", "values": { "POP": "popliteal", "CALF": "calf" } },
                "/patient/sex": { "column": "sex", "values": { "F": "female" } },
                "/governance/mdtAssessed": { "column": "mdt" },
                "/patient/nhsNumber": { "column": "nhs" },
                "/submitter/organisationCode": { "constant": "RTH" },
                "/localRecordId": { "column": "id" }
              },
              "groups": [
                {
                  "name": "complication", "target": "/outcome/complications", "anchor": "comp",
                  "fields": {
                    "/description": { "column": "note" },
                    "/severity": { "constant": "minor" },
                    "/onsetDate": { "column": "cdate", "format": "dd/MM/yyyy" },
                    "/type": { "column": "comp", "values": { "AKI": "acuteKidneyInjury" } }
                  }
                }
              ]
            }
            """);
        var csv = "id,nhs,sex,segs,mdt,consent,proc,comp,cdate,note\n" +
                  "E1,9990000018,F,POP;CALF,yes,yes,28/02/2024,AKI,29/02/2024,settled\n";

        var results = await MappingTestData.MapAsync(profile, csv);

        var result = Assert.Single(results);
        Assert.True(result.IsMapped, string.Join(" | ", result.Errors.Select(e => e.ToString())));
        var mapped = Encoding.UTF8.GetString(result.Json.Span);
        Assert.StartsWith("{\"schemaVersion\":", mapped, StringComparison.Ordinal);
        Assert.Contains("\"researchStudy\":{\"registry\":\"isrctn\",\"identifier\":\"ISRCTN12345678\"}", mapped, StringComparison.Ordinal);
        Assert.Equal(SubmissionJson.Serialize(result.Submission!), mapped);
    }

    [Fact]
    public async Task RepeatedCells_AcrossColumnsAndThousandsOfRows_EachConvertAsTheirOwnColumnSays()
    {
        // Converted cells are remembered per column by their pooled string: "1" is male in one column and yes in
        // another, 40 dates cycle through more than the memory holds at once, and a bad date among good ones is still
        // reported at its own row. Every document must carry its own row's values.
        var profile = MappingTestData.Profile("""
            {
              "key": "id",
              "input": { "format": "csv", "delimiter": "," },
              "fields": {
                "/localRecordId": { "column": "id" },
                "/patient/sex": { "column": "sex", "values": { "1": "male", "2": "female" } },
                "/governance/mdtAssessed": { "column": "mdt" },
                "/procedure/procedureDate": { "column": "proc", "format": "dd/MM/yyyy" }
              }
            }
            """);
        var start = new DateTime(2024, 1, 1);
        var csv = new StringBuilder("id,sex,mdt,proc\n");
        for (var i = 0; i < 3000; i++)
        {
            var date = i == 2500 ? "31/02/2024" : start.AddDays(i % 40).ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"E{i},{1 + (i % 2)},{(i % 3 == 0 ? "1" : "0")},{date}\n");
        }

        var results = await MappingTestData.MapAsync(profile, csv.ToString());

        Assert.Equal(3000, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            if (i == 2500)
            {
                Assert.Equal(2502, Assert.Single(results[i].Errors).Row); // the header is row 1
                continue;
            }

            var document = MappingTestData.Json(results[i]);
            Assert.Equal($"E{i}", MappingTestData.At(document, "/localRecordId")!.GetValue<string>());
            Assert.Equal(i % 2 == 0 ? "male" : "female", MappingTestData.At(document, "/patient/sex")!.GetValue<string>());
            Assert.Equal(i % 3 == 0, MappingTestData.At(document, "/governance/mdtAssessed")!.GetValue<bool>());
            Assert.Equal(start.AddDays(i % 40).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), MappingTestData.At(document, "/procedure/procedureDate")!.GetValue<string>());
        }
    }

    [Fact]
    public void PreparedFromAResultThatDidNotMap_IsRefusedNamingItsLocation()
    {
        var failed = new MappingResult { Source = "export.csv", Row = 7, Errors = [new MappingError { Source = "export.csv", Row = 7, Column = "id", Message = "x" }] };

        var refused = Assert.Throws<ArgumentException>(() => PreparedSubmission.From(failed));
        Assert.Contains("export.csv row 7", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LargeExport_MappedForWriting_KeepsEveryDocumentIntactAcrossReusedChunks()
    {
        // 3,000 episodes: a dozen batches, each packing its documents into several shared chunks that the next batches reuse.
        var directory = Directory.CreateTempSubdirectory("mapped-documents-");
        try
        {
            var sample = Path.Combine(Samples.RepositoryRoot, "samples", "exports", "theatre-wide-export.csv");
            var encoding = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
            var lines = File.ReadAllLines(sample, encoding);
            var input = Path.Combine(directory.FullName, "wide-3000.csv");
            File.WriteAllLines(input, new[] { lines[0] }.Concat(Enumerable.Range(0, 3000)
                .Select(i => $"RTH-PMT-{i:D6}" + lines[1 + (i % (lines.Length - 1))][lines[1 + (i % (lines.Length - 1))].IndexOf(';', StringComparison.Ordinal)..])), encoding);
            var profile = Load("theatre-wide-export.profile.json");

            var owned = new List<string>();
            await foreach (var result in ProfileMapper.MapFileAsync(profile, input))
            {
                owned.Add(Encoding.UTF8.GetString(result.Json.Span));
            }

            var written = new List<string>();
            await foreach (var result in ProfileMapper.MapFileForWritingAsync(profile, input))
            {
                written.Add(Encoding.UTF8.GetString(result.Json.Span));
            }

            Assert.Equal(3000, owned.Count(d => d.Length > 0));
            Assert.Equal(owned, written);
            Assert.Equal(3000, owned.Distinct(StringComparer.Ordinal).Count()); // each its own episode number
        }
        finally
        {
            directory.Delete(true);
        }
    }

    [Fact]
    public void CellText_IsWrittenAsTheJsonSerialiserEscapesIt()
    {
        // Every character a cell can hold in the first two Unicode blocks, alone and inside plain text, plus text
        // beyond them: the writer's plain ASCII shortcut must never keep a character the serialiser escapes.
        var texts = Enumerable.Range(0, 0x250).Select(c => ((char)c).ToString())
            .SelectMany(c => new[] { c, "Boston " + c + " Scientific" })
            .Concat(["", "Ünïcødé", "日本", "\uD83D\uDE00 emoji", "a\uD800b", "</script>", "R&D + 'quotes' \"double\" `tick`"]);
        var buffer = new ByteBuffer();
        var json = new DocumentJson(buffer);
        foreach (var text in texts)
        {
            json.Reset();
            json.StartArray();
            json.String(text);
            json.EndArray();

            var expected = new ByteBuffer();
            using (var writer = new Utf8JsonWriter(expected))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(text);
                writer.WriteEndArray();
            }

            Assert.Equal(Encoding.UTF8.GetString(expected.Written), Encoding.UTF8.GetString(buffer.Written));
        }
    }

    private static string Outcome(MappingResult result) =>
        result + " " + string.Join(" | ", result.Errors.Select(e => e.ToString()));

    private static async Task<(List<MappingResult> Results, string Ndjson)> MapAsync(string profile, string export, bool forWriting)
    {
        var loaded = Load(profile);
        var path = Path.Combine(Samples.RepositoryRoot, "samples", "exports", export);
        var results = new List<MappingResult>();
        var ndjson = new StringBuilder();
        var mapping = forWriting ? ProfileMapper.MapFileForWritingAsync(loaded, path) : ProfileMapper.MapFileAsync(loaded, path);
        await foreach (var result in mapping)
        {
            results.Add(result);
            if (result.IsMapped)
            {
                ndjson.Append(Encoding.UTF8.GetString(result.Json.Span)).Append('\n'); // taken before the next is asked for
            }
        }

        return (results, ndjson.ToString());
    }

    private static MappingProfile Load(string profile)
    {
        var (loaded, errors) = MappingProfile.Load(File.ReadAllBytes(Path.Combine(Samples.RepositoryRoot, "samples", "mappings", profile)));
        Assert.Empty(errors);
        return loaded!;
    }

    private static string ExpectedPath(string name) => Path.Combine(Samples.RepositoryRoot, "tests", "RegistryClient.Tests", "Mapping", "Expected", name);
}
