namespace RegistryClient.Model;

/// <summary>
/// Source-generated System.Text.Json metadata for the submission model: camelCase names, unknown properties rejected,
/// nulls omitted, dates as <c>YYYY-MM-DD</c>. Internal: consumers use <see cref="SubmissionJson"/>, so the serialiser's
/// generated surface is not part of the package's API.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    Converters =
    [
        typeof(IsoDateConverter),
        typeof(RecordTimestampConverter),
        typeof(RegistryCodeListConverter<ClotSegment>),
        typeof(RegistryCodeListConverter<RiskFactor>),
        typeof(RegistryCodeListConverter<MdtSpecialty>),
        typeof(RegistryCodeListConverter<AccessVein>),
        typeof(RegistryCodeListConverter<ImagingGuidance>),
    ])]
[JsonSerializable(typeof(Submission))]
[JsonSerializable(typeof(IReadOnlyList<Submission>))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;

/// <summary>The registry's JSON form of a <see cref="Submission"/> (the wire format, as the schema describes it).</summary>
public static class SubmissionJson
{
    /// <summary>The submission as UTF-8 JSON, exactly as the client sends it.</summary>
    public static byte[] SerializeToUtf8Bytes(Submission submission) =>
        JsonSerializer.SerializeToUtf8Bytes(submission ?? throw new ArgumentNullException(nameof(submission)), RegistryJsonContext.Default.Submission);

    /// <summary>The submission as a JSON string.</summary>
    public static string Serialize(Submission submission) =>
        JsonSerializer.Serialize(submission ?? throw new ArgumentNullException(nameof(submission)), RegistryJsonContext.Default.Submission);

    /// <summary>
    /// Reads a submission from trusted UTF-8 JSON (one the library wrote). Untrusted input goes through
    /// <c>SubmissionValidator</c>, which reports every problem with its location instead of throwing.
    /// </summary>
    /// <exception cref="JsonException">The JSON is not a submission.</exception>
    public static Submission Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, RegistryJsonContext.Default.Submission) ?? throw new JsonException("The JSON is null, not a submission.");
}
