using System.Text;
using System.Text.Json.Nodes;
using RegistryClient.Mapping;

namespace RegistryClient.Tests.Mapping;

internal static class MappingTestData
{
    public static string ProfileFile => Path.Combine(Samples.RepositoryRoot, "samples", "mappings", "ris-export.profile.json");

    public static string ExportFile => Path.Combine(Samples.RepositoryRoot, "samples", "exports", "ris-export.csv");

    public static MappingProfile SampleProfile()
    {
        var (profile, errors) = MappingProfile.Load(File.ReadAllBytes(ProfileFile));
        Assert.Empty(errors);
        return profile!;
    }

    public static MappingProfile Profile(string json)
    {
        var (profile, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes(json));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return profile!;
    }

    public static async Task<List<MappingResult>> MapAsync(MappingProfile profile, string input)
    {
        var results = new List<MappingResult>();
        await foreach (var result in ProfileMapper.MapAsync(profile, new MemoryStream(Encoding.UTF8.GetBytes(input))))
        {
            results.Add(result);
        }

        return results;
    }

    public static JsonNode? At(JsonObject document, string pointer) => TestJson.At(document, pointer);
}
