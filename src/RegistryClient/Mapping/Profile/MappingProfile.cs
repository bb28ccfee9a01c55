using RegistryClient.Validation.Json;

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

        using var buffer = new MemoryStream();
        await json.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
        return Load(buffer.ToArray());
    }

    /// <summary>Reads and checks a profile from UTF-8 bytes.</summary>
    public static (MappingProfile? Profile, IReadOnlyList<ProfileError> Errors) Load(byte[] utf8)
    {
        if (utf8 is null)
        {
            throw new ArgumentNullException(nameof(utf8));
        }

        var locations = JsonLocations.Build(utf8, 64);
        MappingProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(utf8, MappingJsonContext.Default.MappingProfile);
        }
        catch (JsonException ex)
        {
            var (line, column) = ex.LineNumber is { } l ? locations.OfReaderError(l, ex.BytePositionInLine ?? 0) : (1, 1);
            var message = ex.Message.Split(new[] { " Path:", " LineNumber:" }, StringSplitOptions.None)[0];
            return (null, [new ProfileError { Line = line, Column = column, Pointer = "", Message = message }]);
        }

        if (profile is null)
        {
            return (null, [new ProfileError { Line = 1, Column = 1, Pointer = "", Message = "The profile is empty." }]);
        }

        var errors = ProfileChecker.Check(profile)
            .Select(e => { var (line, column) = locations.Of(e.Pointer); return new ProfileError { Line = line, Column = column, Pointer = e.Pointer, Message = e.Message }; })
            .ToList();
        return (errors.Count == 0 ? profile : null, errors);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(MappingProfile))]
internal sealed partial class MappingJsonContext : JsonSerializerContext;
