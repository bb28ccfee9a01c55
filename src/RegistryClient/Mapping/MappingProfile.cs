using System.Text.Json.Nodes;
using RegistryClient.Validation.Json;

namespace RegistryClient.Mapping;

/// <summary>How one submission field is filled: from a column (optionally through a value map, a date format or a
/// list split) or from a constant.</summary>
public sealed record FieldMap
{
    /// <summary>The source column.</summary>
    public string? Column { get; init; }

    /// <summary>A fixed value instead of a column.</summary>
    public JsonNode? Constant { get; init; }

    /// <summary>The value to use when the cell is empty.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>The date format of the cell, e.g. <c>dd/MM/yyyy</c> (default <c>yyyy-MM-dd</c>).</summary>
    public string? Format { get; init; }

    /// <summary>For list fields: the separator inside the cell, e.g. <c>;</c> for <c>CFV;EIV</c>.</summary>
    public string? Split { get; init; }

    /// <summary>Local code to registry value (a code, a boolean or a number). A cell not in the map is an error.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Values { get; init; }
}

/// <summary>Where the rows come from.</summary>
public sealed record InputSettings
{
    /// <summary><c>csv</c> or <c>jsonl</c>.</summary>
    public string Format { get; init; } = "csv";

    /// <summary>The CSV field separator (default <c>,</c>; <c>;</c> is common in European exports).</summary>
    public string Delimiter { get; init; } = ",";
}

/// <summary>Tells episode rows from follow-up rows.</summary>
public sealed record RowKind
{
    /// <summary>The column that holds the kind.</summary>
    public required string Column { get; init; }

    /// <summary>Its value on episode (procedure) rows.</summary>
    public required string Episode { get; init; }

    /// <summary>Its value on follow-up rows.</summary>
    public required string FollowUp { get; init; }
}

/// <summary>The date of birth column: used to compute <c>ageAtProcedure</c>, never emitted.</summary>
public sealed record DateOfBirthMap
{
    /// <summary>The column.</summary>
    public required string Column { get; init; }

    /// <summary>Its date format (default <c>yyyy-MM-dd</c>).</summary>
    public string? Format { get; init; }
}

/// <summary>
/// A declarative mapping from a flat export (CSV or JSON lines) to submissions; its JSON form is described by
/// <c>schemas/mapping-profile.v1.schema.json</c>. Load one with <see cref="LoadAsync"/>, which checks it against the
/// submission schema and reports mistakes by the profile's line.
/// </summary>
public sealed record MappingProfile
{
    /// <summary>The profile schema the file declares (editors use it for completion); not interpreted.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>A name for reports.</summary>
    public string? Name { get; init; }

    /// <summary>The input format.</summary>
    public InputSettings Input { get; init; } = new();

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
            return (null, [new ProfileError(line, column, "", message)]);
        }

        if (profile is null)
        {
            return (null, [new ProfileError(1, 1, "", "The profile is empty.")]);
        }

        // The source-generated reader sets absent init-only properties to null rather than keeping their initialisers.
        var input = (InputSettings?)profile.Input;
        profile = profile with { Input = new InputSettings { Format = input?.Format ?? "csv", Delimiter = input?.Delimiter ?? "," } };

        var errors = ProfileChecker.Check(profile)
            .Select(e => { var (line, column) = locations.Of(e.Pointer); return e with { Line = line, Column = column }; })
            .ToList();
        return (errors.Count == 0 ? profile : null, errors);
    }
}

/// <summary>A mistake in a mapping profile, located in the profile file.</summary>
/// <param name="Line">1-based line in the profile.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Pointer">JSON Pointer into the profile.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ProfileError(int Line, int Column, string Pointer, string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(MappingProfile))]
internal sealed partial class MappingJsonContext : JsonSerializerContext;
