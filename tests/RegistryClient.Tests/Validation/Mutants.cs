using System.Text;
using System.Text.Json.Nodes;

namespace RegistryClient.Tests.Validation;

/// <summary>
/// Deterministic generator of broken and nearly-valid documents from the valid samples: structural edits on the JSON
/// tree (drop, retype, null, unknown property, out-of-range, bad code, swapped dates) and byte-level damage
/// (truncation, flipped bytes, deep nesting).
/// </summary>
internal static class Mutants
{
    public static IEnumerable<(string Name, byte[] Utf8)> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var bases = Samples.ValidFiles.Select(File.ReadAllBytes).ToArray();
        for (var i = 0; i < count; i++)
        {
            var source = bases[random.Next(bases.Length)];
            var kind = random.Next(12);
            yield return kind switch
            {
                0 => ($"truncate#{i}", source[..random.Next(source.Length)]),
                1 => ($"flip#{i}", Flip(source, random)),
                2 => ($"deep#{i}", Encoding.UTF8.GetBytes(new string('[', 50 + random.Next(200)) + new string(']', random.Next(300)))),
                _ => ($"tree{kind}#{i}", Encoding.UTF8.GetBytes(MutateTree(source, kind, random))),
            };
        }
    }

    private static byte[] Flip(byte[] source, Random random)
    {
        var copy = (byte[])source.Clone();
        for (var n = 1 + random.Next(3); n > 0; n--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static string MutateTree(byte[] source, int kind, Random random)
    {
        var root = JsonNode.Parse(source)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var parent = target.Parent;

        switch (kind)
        {
            case 3 when parent is JsonObject obj:
                obj.Remove(target.GetPropertyName());
                break;
            case 4:
                Replace(target, random.Next(4) switch { 0 => JsonValue.Create("text"), 1 => JsonValue.Create(12.5), 2 => JsonValue.Create(true), _ => new JsonArray() });
                break;
            case 5:
                Replace(target, null);
                break;
            case 6 when target is JsonObject obj:
                obj["unexpected" + random.Next(10)] = 1;
                break;
            case 7:
                Replace(target, JsonValue.Create(random.Next(2) == 0 ? -1_000_000 : 1_000_000));
                break;
            case 8:
                Replace(target, JsonValue.Create(random.Next(3) switch { 0 => "Left", 1 => "notACode", _ => "" }));
                break;
            case 9:
                Replace(target, JsonValue.Create(random.Next(3) switch { 0 => "2024-02-30", 1 => "03/04/2024", _ => "2031-01-01" }));
                break;
            case 10 when target is JsonArray array && array.Count > 0:
                array.Add(array[0]!.DeepClone());
                break;
            case 11:
                Replace(target, JsonValue.Create(random.Next(3) switch { 0 => 3.0, 1 => 1e300, _ => 0.5 }));
                break;
            default:
                Replace(target, JsonValue.Create(random.Next(2) == 0 ? "9990000019" : "X"));
                break;
        }

        return root.ToJsonString();
    }

    private static void Replace(JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case JsonObject obj:
                obj[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }
}
