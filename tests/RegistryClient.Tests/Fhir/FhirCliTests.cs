using System.Text;
using RegistryClient.Tests.Cli;
using RegistryClient.Tests.Mapping;

namespace RegistryClient.Tests.Fhir;

[Collection(ExternalResources.Name)]
public class FhirCliTests
{
    [Theory]
    [InlineData("bundles")]
    [InlineData("bulk")]
    public async Task Map_WithAFhirProfile_PrintsOneSubmissionPerEpisode(string folder)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("map", "--profile", FhirTestData.ProfileFile, Path.Combine(FhirTestData.Folder, folder));

        Assert.Equal(0, exit);
        Assert.Equal(4, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("4 episode(s) read: 4 submission(s) mapped, 0 episode(s) or resource(s) not mapped.", stderr);
    }

    [Fact]
    public async Task Map_WithAFhirProfileWithASyntaxError_NamesItsLine_AndExitsTwo()
    {
        using var folder = new FhirTestData.TempFolder();
        var profile = folder.Write("bad.fhir.json", "{\n  \"input\": { \"format\": \"fhir\" },\n  \"anchor\": { \"resourceType\": \"Procedure\" },\n  \"fields\": { \"/localRecordId\": { \"fhirpath\": \"id.where(\" } }\n}\n");

        var (exit, _, stderr) = await CliRunner.RunAsync("map", "--profile", profile, Path.Combine(FhirTestData.Folder, "bulk"));

        Assert.Equal(2, exit);
        Assert.Contains($"{profile}:4:", stderr);
        Assert.Contains("not valid FHIRPath", stderr);
    }

    /// <summary>Start-up time: the FHIR SDK is loaded for a FHIR profile only. The runtime's loader events (EventPipe,
    /// keyword 0x8) name every assembly the process loaded.</summary>
    [Fact]
    public async Task Validate_AndCsvMapping_NeverLoadTheFhirSdk_AFhirProfileDoes()
    {
        using var folder = new FhirTestData.TempFolder();
        async Task<string> LoadedAsync(string name, params string[] args)
        {
            var trace = Path.Combine(folder.Path, name + ".nettrace");
            var environment = new Dictionary<string, string>
            {
                ["DOTNET_EnableEventPipe"] = "1", ["DOTNET_EventPipeOutputPath"] = trace, ["DOTNET_EventPipeConfig"] = "Microsoft-Windows-DotNETRuntime:0x8:4",
            };
            var (exit, _, stderr) = await ExternalProcess.RunAsync("dotnet", null, TimeSpan.FromMinutes(2), environment, [Path.Combine(AppContext.BaseDirectory, "registry.dll"), .. args]);
            // A run that stopped early (exit 2 or a crash), or left no trace, proves nothing about what it loaded; the RIS
            // sample's deliberately bad rows make its map exit 1 after mapping the rest.
            Assert.True(exit is 0 or 1, $"registry {args[0]} exited {exit}: {stderr}");
            Assert.True(File.Exists(trace), $"registry {args[0]} wrote no EventPipe trace");
            // The trace is binary: its UTF-16 assembly names start at even or odd offsets, so read it both ways.
            var bytes = File.ReadAllBytes(trace);
            return Encoding.Unicode.GetString(bytes) + "\n" + Encoding.Unicode.GetString(bytes, 1, bytes.Length - 1);
        }

        var validate = await LoadedAsync("validate", "validate", Path.Combine(Samples.ValidDirectory, "01-iliofemoral-left-four-follow-ups.json"));
        var csv = await LoadedAsync("csv", "map", "--profile", MappingTestData.ProfileFile,
            MappingTestData.ExportFile);
        var fhir = await LoadedAsync("fhir", "map", "--profile", FhirTestData.ProfileFile, Path.Combine(FhirTestData.Folder, "bulk"));

        Assert.Contains("RegistryClient", validate);
        Assert.DoesNotContain("Hl7.Fhir", validate);
        Assert.DoesNotContain("RegistryClient.Fhir", validate);
        Assert.DoesNotContain("Hl7.Fhir", csv);
        Assert.Contains("Hl7.Fhir.R4", fhir);
    }

    [Fact]
    public async Task Map_WithAFhirProfile_OfAnInputWithNoEpisode_SaysSo_AndExitsTwo()
    {
        using var folder = new FhirTestData.TempFolder();
        folder.Write("Patient.ndjson", File.ReadAllLines(Path.Combine(FhirTestData.Folder, "bulk", "Patient.ndjson"))[0] + "\n");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("map", "--profile", FhirTestData.ProfileFile, folder.Path);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("holds no episode", stderr);
    }

    [Fact]
    public async Task Map_WithValidateFhir_PassesTheSample_AndFailsTheEpisodeOfAResourceThatBreaksARequiredBinding()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("map", "--profile", FhirTestData.ProfileFile, Path.Combine(FhirTestData.Folder, "bulk"), "--validate-fhir");
        Assert.True(exit == 0, stderr);
        Assert.Equal(4, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        using var folder = new FhirTestData.TempFolder();
        foreach (var file in Directory.GetFiles(Path.Combine(FhirTestData.Folder, "bulk")))
        {
            var text = File.ReadAllText(file);
            // Parses (clinicalStatus is a CodeableConcept), but the binding to condition-clinical is required.
            folder.Write(Path.GetFileName(file), text.Replace("condition-clinical\",\"code\":\"active\"", "condition-clinical\",\"code\":\"not-a-status\""));
        }

        var (failedExit, failedStdout, failedStderr) = await CliRunner.RunAsync("map", "--profile", FhirTestData.ProfileFile, folder.Path, "--validate-fhir");
        var (plainExit, _, _) = await CliRunner.RunAsync("map", "--profile", FhirTestData.ProfileFile, folder.Path);

        Assert.Equal(1, failedExit);
        Assert.Empty(failedStdout);
        Assert.Contains("Procedure/pmt-ris24001 %dvt [", failedStderr);
        Assert.Contains("Condition/dvt-ris24001 (", failedStderr);
        Assert.Contains("does not conform: Condition.clinicalStatus", failedStderr);
        Assert.DoesNotContain("not-a-status", failedStderr);
        Assert.Equal(0, plainExit); // without --validate-fhir the binding is not checked
    }

    [Fact]
    public async Task Map_WithValidateFhir_ForACsvProfile_IsAUsageError()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("map", "--profile", MappingTestData.ProfileFile,
            MappingTestData.ExportFile, "--validate-fhir");

        Assert.Equal(2, exit);
        Assert.Contains("are for a FHIR profile", stderr);
    }
}
