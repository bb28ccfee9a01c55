using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryClient.Model;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Testing;

/// <summary>The content hash the registry reports and the library computes: one canonical form, whatever the layout.</summary>
public sealed class SubmissionContentHashTests
{
    [Theory]
    [MemberData(nameof(Samples.ValidFileNames), MemberType = typeof(Samples))]
    public void Compute_SameForPrettyMinifiedReorderedAndWithoutSoftwareFields(string file)
    {
        var text = File.ReadAllText(Path.Combine(Samples.ValidDirectory, file));
        var pretty = Parse(text);
        var minified = Parse(JsonNode.Parse(text)!.ToJsonString());
        var reordered = Parse(Reverse(JsonNode.Parse(text)!).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var withoutSoftware = pretty with { Submitter = pretty.Submitter with { SoftwareName = null, SoftwareVersion = null } };
        var otherSoftware = pretty with { Submitter = pretty.Submitter with { SoftwareName = "TrustPAS", SoftwareVersion = "9.9" } };

        var hash = SubmissionContentHash.Compute(pretty);

        Assert.Matches("^sha256:[0-9a-f]{64}$", hash);
        Assert.Equal(hash, SubmissionContentHash.Compute(minified));
        Assert.Equal(hash, SubmissionContentHash.Compute(reordered));
        Assert.Equal(hash, SubmissionContentHash.Compute(withoutSoftware));
        Assert.Equal(hash, SubmissionContentHash.Compute(otherSoftware));
        Assert.NotEqual(hash, SubmissionContentHash.Compute(pretty with { LocalRecordId = pretty.LocalRecordId + "-2" }));
    }

    [Fact]
    public async Task SandboxReceipt_CarriesTheHashTheLibraryComputes_ForEveryValidSample()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);

        foreach (var file in Samples.ValidFiles)
        {
            var bytes = File.ReadAllBytes(file);
            var created = await api.CreateAsync(bytes); // the file's own bytes: pretty-printed, with software fields
            var minified = Encoding.UTF8.GetBytes(JsonNode.Parse(bytes)!.ToJsonString());

            Assert.Equal(201, (int)created.StatusCode);
            var receipt = await SandboxApi.JsonAsync(created);
            Assert.Equal(SubmissionContentHash.Compute(Parse(Encoding.UTF8.GetString(minified))), (string)receipt["contentHash"]!);
            var again = await api.CreateAsync(minified); // another key, same content: the case as it is
            Assert.Equal(200, (int)again.StatusCode);
            Assert.Equal(1, (int)(await SandboxApi.JsonAsync(again))["version"]!);
        }
    }

    private static Submission Parse(string json) => JsonSerializer.Deserialize(json, RegistryJsonContext.Default.Submission)!;

    /// <summary>The same document with every object's properties in reverse order.</summary>
    private static JsonNode Reverse(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Reverse(p.Value.DeepClone())))),
        JsonArray a => new JsonArray(a.Select(e => e is null ? null : Reverse(e.DeepClone())).ToArray()),
        _ => node.DeepClone(),
    };
}
