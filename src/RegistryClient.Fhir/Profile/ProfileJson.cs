using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RegistryClient.Mapping;

namespace RegistryClient.Fhir.Profile;

/// <summary>The JSON form of a FHIR mapping profile (<c>input.format: "fhir"</c> in <c>mapping-profile.v1.schema.json</c>).</summary>
internal sealed class ProfileJson
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public string? Name { get; init; }

    public InputJson? Input { get; init; }

    public AnchorJson? Anchor { get; init; }

    /// <summary>Named FHIRPath expressions evaluated on the anchor first, in order, and available to every later one as <c>%name</c>.</summary>
    public Dictionary<string, string>? Variables { get; init; }

    public DateOfBirthJson? DateOfBirth { get; init; }

    public Dictionary<string, FieldJson>? Fields { get; init; }

    public List<ForEachJson>? ForEach { get; init; }

    public BooleanWords? Booleans { get; init; }

    public bool? IgnoreCase { get; init; }
}

internal sealed class InputJson
{
    public string? Format { get; init; }
}

internal sealed class AnchorJson
{
    public string? ResourceType { get; init; }

    public string? Where { get; init; }
}

internal sealed class DateOfBirthJson
{
    public string? Fhirpath { get; init; }

    public string? Format { get; init; }

    public List<string>? Formats { get; init; }
}

internal sealed class FieldJson
{
    public string? Fhirpath { get; init; }

    public JsonNode? Constant { get; init; }

    public JsonNode? Default { get; init; }

    public string? Format { get; init; }

    public List<string>? Formats { get; init; }

    public string? TimeZone { get; init; }

    public Dictionary<string, JsonNode?>? Values { get; init; }

    public bool? IgnoreCase { get; init; }
}

internal sealed class ForEachJson
{
    public string? Name { get; init; }

    public string? Target { get; init; }

    public string? Select { get; init; }

    public int? Max { get; init; }

    public Dictionary<string, FieldJson>? Fields { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ProfileJson))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
