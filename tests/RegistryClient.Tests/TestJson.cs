using System.Text.Json.Nodes;

namespace RegistryClient.Tests;

/// <summary>JSON Pointer lookups over <see cref="JsonNode"/> trees, for assertions.</summary>
internal static class TestJson
{
    /// <summary>The node at <paramref name="pointer"/> (RFC 6901, unescaped segments), or null when it is not there.</summary>
    public static JsonNode? At(JsonNode node, string pointer) => Resolve(node, pointer.Split('/').Skip(1));

    public static JsonNode? Resolve(JsonNode node, IEnumerable<string> segments)
    {
        JsonNode? current = node;
        foreach (var segment in segments)
        {
            current = current switch
            {
                JsonObject o => o.TryGetPropertyValue(segment, out var child) ? child : null,
                JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }
}
