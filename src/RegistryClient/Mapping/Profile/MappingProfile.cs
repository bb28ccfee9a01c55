namespace RegistryClient.Mapping;

/// <summary>
/// A declarative mapping from a flat export (CSV, JSON lines or an .xlsx worksheet) to submissions; its JSON form is
/// described by <c>schemas/mapping-profile.v1.schema.json</c>. Load one with <see cref="LoadAsync"/>, which checks it
/// against the submission schema (field names, value types, constants, array indexes, delimiters, date formats) and
/// reports every mistake by the profile's line.
/// </summary>
public sealed class MappingProfile
{
    /// <summary>The profile schema the file declares (editors use it for completion); not interpreted.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>A name for reports.</summary>
    public string? Name { get; init; }

    private readonly InputSettings _input = new();

    /// <summary>The input format (absent: CSV, comma-separated).</summary>
    public InputSettings Input { get => _input; init => _input = value ?? new InputSettings(); }

    /// <summary>The column that joins an episode's rows (its follow-ups to it).</summary>
    public required string Key { get; init; }

    /// <summary>How to tell follow-up rows; without it every row is an episode.</summary>
    public RowKind? RowKind { get; init; }

    /// <summary>The date of birth, for <c>ageAtProcedure</c>.</summary>
    public DateOfBirthMap? DateOfBirth { get; init; }

    /// <summary>Submission fields by JSON Pointer, applied in order.</summary>
    public required IReadOnlyDictionary<string, FieldMap> Fields { get; init; }

    /// <summary>Follow-up fields by JSON Pointer relative to one follow-up, for follow-up rows.</summary>
    public IReadOnlyDictionary<string, FieldMap>? FollowUpFields { get; init; }

    /// <summary>Column groups of the episode's row, each making one element of a list field when it holds a value.</summary>
    public IReadOnlyList<ColumnGroup>? Groups { get; init; }

    /// <summary>The words of boolean fields, replacing the built-in Yes/No, Y/N, 1/0 and True/False.</summary>
    public BooleanWords? Booleans { get; init; }

    /// <summary>Match local codes (value maps) and registry codes ignoring case, for every field that does not say otherwise.</summary>
    public bool? IgnoreCase { get; init; }

    /// <summary>Reads and checks a profile; every mistake is reported, each with its line and column in the profile.</summary>
    public static async Task<(MappingProfile? Profile, IReadOnlyList<ProfileError> Errors)> LoadAsync(Stream json, CancellationToken cancellationToken = default)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        return Load(await ProfileDocument.ReadAsync(json, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads and checks a profile from UTF-8 bytes.</summary>
    public static (MappingProfile? Profile, IReadOnlyList<ProfileError> Errors) Load(byte[] utf8)
    {
        if (utf8 is null)
        {
            throw new ArgumentNullException(nameof(utf8));
        }

        var (profile, locations, error) = ProfileDocument.Read(utf8, MappingJsonContext.Default.MappingProfile);
        if (error is not null)
        {
            return (null, [error]);
        }

        var errors = ProfileChecker.Check(profile!).Select(e => ProfileDocument.At(locations, e.Pointer, e.Message)).ToList();
        return (errors.Count == 0 ? profile : null, errors);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(MappingProfile))]
internal sealed partial class MappingJsonContext : JsonSerializerContext;
