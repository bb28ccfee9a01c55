using System.Text.Json;

namespace RegistryClient.Tests.Validation;

/// <summary>One entry of samples/submissions/invalid/expected.json: the one issue an invalid sample must produce.</summary>
internal sealed record Expectation(string File, string Code, string Severity, string Path)
{
    public static IReadOnlyList<Expectation> Load()
    {
        using var manifest = JsonDocument.Parse(System.IO.File.ReadAllText(System.IO.Path.Combine(Samples.InvalidDirectory, "expected.json")));
        return manifest.RootElement.GetProperty("expectations").EnumerateArray()
            .Select(e => new Expectation(e.GetProperty("file").GetString()!, e.GetProperty("code").GetString()!, e.GetProperty("severity").GetString()!, e.GetProperty("path").GetString()!))
            .ToList();
    }

    public static TheoryData<string> Files() => new(Load().Select(e => e.File));

    public static Expectation For(string file) => Load().Single(e => e.File == file);
}
