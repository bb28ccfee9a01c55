using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Tests.Mapping;

/// <summary>
/// The documents the mapper writes straight to UTF-8 (what <c>registry map</c> outputs) are the ones it has always
/// written, are the typed submissions a library caller reads, and do not change when the documents' memory is reused.
/// </summary>
public class MappedDocumentTests
{
    /// <summary>Every committed sample export, its profile, and the NDJSON <c>registry map</c> wrote for it before the
    /// mapper reused its documents' memory (main at 84b9d4d): the workbook maps to the same documents as the CSV.</summary>
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
    public async Task SampleExport_TypedSubmission_IsTheMappedDocument(string export, string profile, string expected)
    {
        _ = expected;
        var (results, _) = await MapAsync(profile, export, forWriting: false);

        foreach (var result in results.Where(r => r.IsMapped))
        {
            var fromJson = JsonNode.Parse(result.Json.Span.ToArray());
            var fromTyped = JsonNode.Parse(SubmissionJson.SerializeToUtf8Bytes(result.Submission!));
            Assert.True(JsonNode.DeepEquals(fromJson, fromTyped), $"{result}: the typed submission differs from the mapped document");
        }
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
