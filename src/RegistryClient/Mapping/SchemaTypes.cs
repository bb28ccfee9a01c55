using System.Text.Json.Nodes;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>What the submission schema says a field holds, so that a profile need not repeat it.</summary>
internal sealed record FieldType(string Kind, bool IsDate, IReadOnlyList<string>? Codes, FieldType? Items)
{
    public bool IsScalar => Kind is not ("object" or "array");
}

/// <summary>Looks up field types in the embedded submission schema by JSON Pointer.</summary>
internal sealed class SchemaTypes
{
    private readonly JsonObject _root;

    private SchemaTypes(JsonObject root) => _root = root;

    /// <summary>The types of the embedded submission schema, read once for the profile checker and the mapper alike.</summary>
    public static SchemaTypes Submission { get; } = Load();

    private static SchemaTypes Load()
    {
        using var stream = SubmissionSchema.OpenRead();
        return new SchemaTypes((JsonObject)JsonNode.Parse(stream)!);
    }

    /// <summary>The type at <paramref name="pointer"/>, relative to <paramref name="basePointer"/>, or null when the schema has no such field.</summary>
    public FieldType? At(string pointer, string basePointer = "")
    {
        JsonObject? node = _root;
        foreach (var segment in (basePointer + pointer).Split('/').Skip(1))
        {
            node = Resolve(node);
            if (node?["properties"] is JsonObject properties && properties[segment] is JsonObject property)
            {
                node = property;
            }
            else if (node?["type"]?.GetValue<string>() == "array" && int.TryParse(segment, out _))
            {
                node = node["items"] as JsonObject;
            }
            else
            {
                return null;
            }
        }

        return Describe(node);
    }

    private FieldType? Describe(JsonObject? node)
    {
        var isDate = node?["$ref"]?.GetValue<string>() == "#/definitions/date";
        node = Resolve(node);
        if (node is null)
        {
            return null;
        }

        isDate |= node["format"]?.GetValue<string>() == "date";
        var codes = node["enum"] is JsonArray values ? values.Select(v => v!.ToString()).ToList() : null;
        var kind = node["type"]?.GetValue<string>() ?? (codes is not null ? "string" : "object");
        return new FieldType(kind, isDate, codes, kind == "array" ? Describe(node["items"] as JsonObject) : null);
    }

    private JsonObject? Resolve(JsonObject? node)
    {
        while (node?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/definitions/", StringComparison.Ordinal))
        {
            node = _root["definitions"]?[reference.Substring("#/definitions/".Length)] as JsonObject;
        }

        return node;
    }
}
