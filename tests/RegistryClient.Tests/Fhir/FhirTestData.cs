using System.Text;
using System.Text.Json.Nodes;
using RegistryClient.Fhir;
using RegistryClient.Mapping;

namespace RegistryClient.Tests.Fhir;

internal static class FhirTestData
{
    public static string Folder => Path.Combine(Samples.RepositoryRoot, "samples", "fhir");

    public static string ProfileFile => Path.Combine(Folder, "pmt-registry.fhir.profile.json");

    public static FhirMappingProfile SampleProfile()
    {
        var (profile, errors) = FhirMappingProfile.Load(File.ReadAllBytes(ProfileFile));
        Assert.Empty(errors);
        return profile!;
    }

    public static FhirMappingProfile Profile(string json)
    {
        var (profile, errors) = FhirMappingProfile.Load(Encoding.UTF8.GetBytes(json));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return profile!;
    }

    public static async Task<List<MappingResult>> MapAsync(FhirMappingProfile profile, string path)
    {
        var results = new List<MappingResult>();
        await foreach (var result in FhirMapper.MapPathAsync(profile, path))
        {
            results.Add(result);
        }

        return results;
    }

    public static JsonNode Json(MappingResult result) => JsonNode.Parse(result.Json.Span)!;

    /// <summary>A temporary folder, deleted when disposed.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-" + Guid.NewGuid().ToString("N"));

        public string Write(string name, string text)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
