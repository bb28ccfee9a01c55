using System.Text.Json;
using RegistryClient.Model;

namespace RegistryClient.Tests.Http;

internal static class TestSubmissions
{
    public static Submission Load(int index = 0) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Samples.ValidFiles.ElementAt(index)), RegistryJsonContext.Default.Submission)!;

    /// <summary>Distinct valid submissions: sample 01 under different local record ids.</summary>
    public static IEnumerable<Submission> Many(int count)
    {
        var template = Load();
        return Enumerable.Range(1, count).Select(i => template with { LocalRecordId = $"RJ1-PMT-LOAD-{i:00000}" });
    }
}
