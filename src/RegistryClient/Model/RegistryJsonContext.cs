namespace RegistryClient.Model;

/// <summary>
/// Source-generated System.Text.Json metadata for the submission model: camelCase names, unknown properties rejected,
/// nulls omitted, dates as <c>YYYY-MM-DD</c>. Use <c>RegistryJsonContext.Default.Submission</c> to (de)serialise.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    Converters = [typeof(IsoDateConverter)])]
[JsonSerializable(typeof(Submission))]
[JsonSerializable(typeof(IReadOnlyList<Submission>))]
public sealed partial class RegistryJsonContext : JsonSerializerContext;
