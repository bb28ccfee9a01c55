using System.Text;
using System.Text.Json.Nodes;
using RegistryClient.Fhir;
using RegistryClient.Mapping;

namespace RegistryClient.Tests.Fhir;

/// <summary>Bad FHIR input gets located errors (file, line, the anchor's Type/id, the field and its FHIRPath), never a
/// value from the input, and the episode is not emitted.</summary>
public class FhirErrorTests
{
    private const string NhsNumber = "9990020078"; // RIS24001's, in the sample

    /// <summary>The sample's Bulk NDJSON in a temporary folder, each resource type's lines editable.</summary>
    private sealed class Bulk : IDisposable
    {
        private readonly FhirTestData.TempFolder _folder = new();

        public Bulk()
        {
            foreach (var file in Directory.GetFiles(System.IO.Path.Combine(FhirTestData.Folder, "bulk"), "*.ndjson").Order(StringComparer.Ordinal))
            {
                Lines[System.IO.Path.GetFileNameWithoutExtension(file)] = File.ReadAllLines(file).ToList();
            }
        }

        public Dictionary<string, List<string>> Lines { get; } = [];

        public string Path => _folder.Path;

        public JsonObject Resource(string type, string id) => (JsonObject)JsonNode.Parse(Lines[type].Single(l => l.Contains($"\"id\":\"{id}\"")))!;

        public void Replace(string type, string id, JsonObject resource)
        {
            var i = Lines[type].FindIndex(l => l.Contains($"\"id\":\"{id}\""));
            Lines[type][i] = resource.ToJsonString();
        }

        public string Write()
        {
            foreach (var (type, lines) in Lines)
            {
                File.WriteAllText(System.IO.Path.Combine(_folder.Path, type + ".ndjson"), string.Join("\n", lines) + "\n");
            }

            return _folder.Path;
        }

        public void Dispose() => _folder.Dispose();
    }

    private static string All(IEnumerable<MappingResult> results) => string.Join("\n", results.SelectMany(r => r.Errors));

    [Fact]
    public async Task AReferenceThatDoesNotResolve_IsALocatedError_AndItsEpisodeIsNotEmitted()
    {
        using var bulk = new Bulk();
        bulk.Lines["Patient"].RemoveAll(l => l.Contains("\"id\":\"pat-ris24001\""));
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        var failed = Assert.Single(results, r => !r.IsMapped);
        Assert.Equal(3, results.Count(r => r.IsMapped));
        var error = failed.Errors[0];
        Assert.EndsWith("Procedure.ndjson", error.Source);
        Assert.Equal(1, error.Row); // the anchor's line
        Assert.StartsWith("Procedure/pmt-ris24001 %patient [subject.resolve()]", error.Column);
        Assert.Contains("Patient/pat-ris24001 does not resolve", error.Message);
    }

    [Fact]
    public async Task AnExpressionThatYieldsTwoValuesWhereOneIsExpected_IsALocatedError_WithoutTheValues()
    {
        using var bulk = new Bulk();
        var patient = bulk.Resource("Patient", "pat-ris24001");
        patient["identifier"]!.AsArray().Add(new JsonObject { ["system"] = "https://fhir.nhs.uk/Id/nhs-number", ["value"] = "9990001014" });
        bulk.Replace("Patient", "pat-ris24001", patient);
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        var failed = Assert.Single(results, r => !r.IsMapped);
        var error = Assert.Single(failed.Errors);
        Assert.Equal("Procedure/pmt-ris24001 /patient/nhsNumber [%patient.identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').value]", error.Column);
        Assert.Contains("yields 2 values where one is expected", error.Message);
        Assert.DoesNotContain(NhsNumber, error.ToString());
        Assert.DoesNotContain("9990001014", error.ToString());
    }

    [Fact]
    public async Task ACodeWithNoMapping_IsALocatedError_WithoutTheCode()
    {
        using var bulk = new Bulk();
        var condition = bulk.Resource("Condition", "dvt-ris24001");
        condition["severity"]!["coding"]![0]!["code"] = "XSEVERE";
        bulk.Replace("Condition", "dvt-ris24001", condition);
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        var error = Assert.Single(Assert.Single(results, r => !r.IsMapped).Errors);
        Assert.StartsWith("Procedure/pmt-ris24001 /presentation/symptomSeverity/grade [", error.Column);
        Assert.StartsWith("The value is not one of the profile's codes", error.Message);
        Assert.DoesNotContain("XSEVERE", error.ToString());
    }

    [Fact]
    public async Task AResourceThatDoesNotParse_IsALocatedError_AndTheEpisodeIsNotEmitted()
    {
        using var bulk = new Bulk();
        var procedure = bulk.Resource("Procedure", "pmt-ris24002");
        procedure["performedDateTime"] = "17 January";
        bulk.Replace("Procedure", "pmt-ris24002", procedure);
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        var error = Assert.Single(Assert.Single(results, r => !r.IsMapped).Errors);
        Assert.Equal(2, error.Row);
        Assert.Equal("Procedure/pmt-ris24002", error.Column);
        Assert.Contains("does not parse as FHIR R4", error.Message);
        Assert.DoesNotContain("17 January", error.ToString());
        Assert.Equal(3, results.Count(r => r.IsMapped));
    }

    [Fact]
    public async Task ABulkFileWithATruncatedLine_ReportsThatLine_FailsTheEpisodeThatReferencesIt_AndMapsTheRest()
    {
        using var bulk = new Bulk();
        var i = bulk.Lines["Patient"].FindIndex(l => l.Contains("\"id\":\"pat-ris24002\""));
        var line = bulk.Lines["Patient"][i];
        bulk.Lines["Patient"][i] = line.Substring(0, line.IndexOf("\"gender\"", StringComparison.Ordinal) + 5); // cut inside the resource, after its id
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        var truncated = Assert.Single(results, r => r.Errors.Any(e => e.Source.EndsWith("Patient.ndjson")));
        Assert.Equal(i + 1, truncated.Row);
        Assert.Contains("not valid JSON", truncated.Errors[0].Message);
        Assert.DoesNotContain("9990020140", All(results)); // RIS24002's NHS number was on that line, before the cut
        var episode = Assert.Single(results, r => r.Errors.Any(e => e.Source.EndsWith("Procedure.ndjson")));
        Assert.Contains("Patient/pat-ris24002 leads to a resource that could not be read", episode.Errors[0].Message);
        Assert.Equal(3, results.Count(r => r.IsMapped));
    }

    [Fact]
    public async Task AResourceNestedTooDeeply_IsALocatedError()
    {
        using var bulk = new Bulk();
        var deep = new StringBuilder("{\"resourceType\":\"Observation\",\"id\":\"deep\",\"x\":");
        for (var i = 0; i < 200; i++)
        {
            deep.Append("{\"a\":");
        }

        deep.Append('1').Append('}', 201);
        bulk.Lines["Observation"] = [deep.ToString()];
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        var error = Assert.Single(results, r => !r.IsMapped).Errors[0];
        Assert.EndsWith("Observation.ndjson", error.Source);
        Assert.Contains("nests deeper than 64", error.Message);
        Assert.Equal(4, results.Count(r => r.IsMapped));
    }

    [Fact]
    public async Task AReferenceCycleFollowedByRepeat_Terminates()
    {
        using var bulk = new Bulk();
        var patient = bulk.Resource("Patient", "pat-ris24001");
        patient["link"] = JsonNode.Parse("""[{"other":{"reference":"Patient/twin"},"type":"seealso"}]""");
        bulk.Replace("Patient", "pat-ris24001", patient);
        bulk.Lines["Patient"].Add("""{"resourceType":"Patient","id":"twin","link":[{"other":{"reference":"Patient/pat-ris24001"},"type":"seealso"}]}""");
        var profile = (JsonObject)JsonNode.Parse(File.ReadAllText(FhirTestData.ProfileFile))!;
        profile["variables"]!["linked"] = "%patient.repeat(link.other.resolve())";
        profile["fields"]!["/governance/mdtAssessed"] = JsonNode.Parse("""{ "fhirpath": "%linked.count() = 2" }""");

        var results = await FhirTestData.MapAsync(FhirTestData.Profile(profile.ToJsonString()), bulk.Write());

        // Either the engine stops at resources it has seen, or the resolve budget stops it: never a hang or a crash.
        var first = results.Single(r => r.Row == 1 && r.Source.EndsWith("Procedure.ndjson"));
        Assert.True(first.IsMapped || first.Errors.All(e => e.Message.Contains("reference cycle")), All([first]));
        Assert.Equal(4, results.Count);
    }

    [Fact]
    public async Task ABundleWithOneHundredThousandEntries_IsIndexedAndMapped()
    {
        using var bulk = new Bulk();
        using var folder = new FhirTestData.TempFolder();
        var file = Path.Combine(folder.Path, "big.json");
        using (var writer = new StreamWriter(file))
        {
            writer.Write("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[\n");
            for (var i = 0; i < 100_000; i++)
            {
                writer.Write("{\"fullUrl\":\"urn:uuid:" + Guid.NewGuid() + "\",\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o" + i + "\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}},\n");
            }

            var episode = bulk.Lines.Values.SelectMany(l => l).Where(l => l.Contains("ris24001")).ToList();
            writer.Write(string.Join(",\n", episode.Select(l => "{\"resource\":" + l + "}")));
            writer.Write("]}\n");
        }

        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), file);

        var result = Assert.Single(results);
        Assert.True(result.IsMapped, All(results));
        Assert.Equal("RIS24001", result.Submission!.LocalRecordId);
        Assert.Equal(100_002 + 3, result.Row); // after the 100,000 entries: Patient, Condition, Encounter, then the Procedure
    }

    [Fact]
    public async Task ABundleThatNestsTooDeeply_IsAnErrorForThatFile_AndTheOtherFilesStillMap()
    {
        using var folder = new FhirTestData.TempFolder();
        foreach (var file in Directory.GetFiles(Path.Combine(FhirTestData.Folder, "bundles")))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        folder.Write("deep.json", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" + new string('[', 500) + new string(']', 500) + "}]}");
        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), folder.Path);

        var error = Assert.Single(results, r => !r.IsMapped).Errors.Single();
        Assert.EndsWith("deep.json", error.Source);
        Assert.Contains("nests deeper than 64", error.Message);
        Assert.Equal(4, results.Count(r => r.IsMapped));
    }

    [Fact]
    public async Task AProcedureTheAnchorFilterLeavesOut_IsNoEpisode_AndNoError()
    {
        using var bulk = new Bulk();
        var other = bulk.Resource("Procedure", "pmt-ris24001");
        other["id"] = "appendectomy";
        other["code"] = JsonNode.Parse("""{ "text": "another procedure" }""");
        bulk.Lines["Procedure"].Add(other.ToJsonString());

        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.True(r.IsMapped));
    }

    [Fact]
    public async Task AForEachWithMoreElementsThanItsMax_IsALocatedError()
    {
        using var bulk = new Bulk();
        var template = bulk.Lines["QuestionnaireResponse"].Single(l => l.Contains("\"id\":\"fu-ris24003-d30\""));
        for (var i = 0; i < 8; i++)
        {
            bulk.Lines["QuestionnaireResponse"].Add(template.Replace("fu-ris24003-d30", "fu-ris24003-extra" + i));
        }

        var results = await FhirTestData.MapAsync(FhirTestData.SampleProfile(), bulk.Write());

        var error = Assert.Single(Assert.Single(results, r => !r.IsMapped).Errors);
        Assert.StartsWith("Procedure/pmt-ris24003 /followUps/0 [", error.Column);
        Assert.Contains("yields 9 elements; the profile allows 8", error.Message);
    }
}
