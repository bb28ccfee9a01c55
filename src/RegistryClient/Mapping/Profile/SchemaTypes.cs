using System.Text.Json.Nodes;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>What the submission schema says a field holds, so that a profile need not repeat it.</summary>
/// <param name="Kind">The JSON type: string, integer, number, boolean, object or array.</param>
/// <param name="IsDate">A <c>yyyy-MM-dd</c> date string.</param>
/// <param name="Codes">The registry codes of an enumerated string.</param>
/// <param name="Items">The item type of an array.</param>
/// <param name="Required">The required properties of an object.</param>
/// <param name="MaxItems">The most items an array may hold, when the schema bounds it.</param>
internal sealed record FieldType(string Kind, bool IsDate, IReadOnlyList<string>? Codes, FieldType? Items, IReadOnlyList<string> Required, int? MaxItems)
{
    public bool IsScalar => Kind is not ("object" or "array");

    /// <summary>An RFC 3339 date-time string with its offset (<c>format: date-time</c>), such as <c>submitter.recordUpdatedAt</c>.</summary>
    public bool IsDateTime { get; init; }
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

    /// <summary>The type at <paramref name="pointer"/>, relative to <paramref name="basePointer"/>, or null when the
    /// schema has no such field (array indexes must be canonical and within <see cref="PointerIndex.Limit"/>).</summary>
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
            else if (node?["type"]?.GetValue<string>() == "array" && PointerIndex.TryParse(segment, out _))
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
        var required = node["required"] is JsonArray names ? names.Select(n => n!.GetValue<string>()).ToList() : [];
        var maxItems = node["maxItems"] is JsonValue max ? max.GetValue<int>() : (int?)null;
        return new FieldType(kind, isDate, codes, kind == "array" ? Describe(node["items"] as JsonObject) : null, required, maxItems)
        {
            IsDateTime = node["format"]?.GetValue<string>() == "date-time",
        };
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

/// <summary>Array indexes in profile pointers: canonical decimal (no sign, no leading zero), below a fixed bound, so a
/// profile can never make the mapper grow a list without limit.</summary>
internal static class PointerIndex
{
    /// <summary>The largest list a profile may address by index; the schema's own <c>maxItems</c> lowers it.</summary>
    public const int Limit = 100;

    public static bool TryParse(string segment, out int index)
    {
        index = 0;
        if (segment.Length is 0 or > 3 || (segment.Length > 1 && segment[0] == '0'))
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            index = (index * 10) + (c - '0');
        }

        return index < Limit;
    }
}
