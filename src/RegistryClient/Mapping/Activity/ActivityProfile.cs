using RegistryClient.Validation.Json;

namespace RegistryClient.Mapping;

/// <summary>
/// How to read a hospital's coded clinical activity (a PAS or theatre coding extract, CSV or .xlsx) for case finding:
/// which column names the patient, the procedure date and side, the procedure codes, the row's own reference, and which
/// codes count as percutaneous mechanical thrombectomy for acute leg DVT. Its JSON form is described by
/// <c>schemas/activity-profile.v1.schema.json</c>; <see cref="Load"/> checks it and locates every mistake by line.
/// </summary>
internal sealed record ActivityProfile
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public string? Name { get; init; }

    public InputSettings Input { get; init; } = new();

    /// <summary>The column holding the activity's own reference for the row (spell, episode or theatre case id): the only name reports give an activity episode.</summary>
    public string? Reference { get; init; }

    /// <summary>The column holding the NHS number (spaces and hyphens allowed); or <see cref="Pseudonym"/>.</summary>
    public string? NhsNumber { get; init; }

    /// <summary>The column holding the registry pseudonym (64 lower-case hex) when the extract is pseudonymised.</summary>
    public string? Pseudonym { get; init; }

    public ActivityDate? ProcedureDate { get; init; }

    /// <summary>The laterality column, optional; matching compares sides only when both have one.</summary>
    public ActivitySide? Side { get; init; }

    /// <summary>The columns holding procedure codes (OPCS-4 or SNOMED CT), e.g. the primary and secondary procedure columns.</summary>
    public IReadOnlyList<string>? CodeColumns { get; init; }

    /// <summary>A separator inside a code cell, for extracts that list several codes in one cell.</summary>
    public string? CodeSplit { get; init; }

    public PmtCodes? PmtCodes { get; init; }

    public IEnumerable<string> Columns()
    {
        foreach (var column in new[] { Reference, NhsNumber, Pseudonym, ProcedureDate?.Column, Side?.Column })
        {
            if (!string.IsNullOrEmpty(column))
            {
                yield return column!;
            }
        }

        foreach (var column in CodeColumns ?? [])
        {
            yield return column;
        }
    }

    public static async Task<(ActivityProfile? Profile, IReadOnlyList<ProfileError> Errors)> LoadAsync(Stream json, CancellationToken cancellationToken = default)
    {
        return Load(await ProfileDocument.ReadAsync(json, cancellationToken).ConfigureAwait(false));
    }

    public static (ActivityProfile? Profile, IReadOnlyList<ProfileError> Errors) Load(byte[] utf8)
    {
        var (read, locations, error) = ProfileDocument.Read(utf8, ActivityJsonContext.Default.ActivityProfile);
        if (error is not null)
        {
            return (null, [error]);
        }

        var profile = read!;

        // The source-generated reader passes null for an absent "input"; InputSettings fills in its own absent members.
        profile = (InputSettings?)profile.Input is null ? profile with { Input = new InputSettings() } : profile;
        var errors = Check(profile)
            .Select(e => ProfileDocument.At(locations, e.Pointer, e.Message))
            .ToList();
        return (errors.Count == 0 ? profile : null, errors);
    }

    private static List<ProfileError> Check(ActivityProfile profile)
    {
        var errors = new List<ProfileError>();
        void Error(string pointer, string message) => errors.Add(new ProfileError { Line = 0, Column = 0, Pointer = pointer, Message = message });

        ProfileChecker.CheckInput(profile.Input, Error);
        if (profile.Input.Format == "jsonl")
        {
            Error("/input/format", "An activity extract is csv or xlsx.");
        }

        if (string.IsNullOrWhiteSpace(profile.Reference))
        {
            Error("/reference", "Name the column holding the activity's own reference for each row (reports name activity episodes by it, never by NHS number).");
        }

        if (string.IsNullOrWhiteSpace(profile.NhsNumber) == string.IsNullOrWhiteSpace(profile.Pseudonym))
        {
            Error(profile.Pseudonym is null ? "/nhsNumber" : "/pseudonym", "Name exactly one patient column: nhsNumber or pseudonym.");
        }

        if (profile.ProcedureDate is not { Column.Length: > 0 } date)
        {
            Error("/procedureDate", "Name the procedure date's column (procedureDate.column), with its format.");
        }
        else
        {
            ProfileChecker.CheckDateFormats(date.Format, date.Formats, "/procedureDate", Error);
        }

        if (profile.Side is { } side)
        {
            if (string.IsNullOrWhiteSpace(side.Column))
            {
                Error("/side/column", "Name the laterality column, or leave side out.");
            }

            foreach (var (code, value) in side.Values ?? new Dictionary<string, string>())
            {
                if (!ActivitySide.TryRegistry(value, out _))
                {
                    Error(JsonPointer.Append("/side/values", code), "A side maps to left, right or bilateral.");
                }
            }
        }

        if (profile.CodeColumns is not { Count: > 0 } columns || columns.Any(string.IsNullOrWhiteSpace))
        {
            Error("/codeColumns", "List the columns holding procedure codes (OPCS-4 or SNOMED CT), each named.");
        }

        if (profile.CodeSplit is { Length: not 1 })
        {
            Error("/codeSplit", "codeSplit is one character, such as ; or |.");
        }

        if (profile.PmtCodes is not { } codes)
        {
            Error("/pmtCodes", "List the codes that count as percutaneous mechanical thrombectomy for acute leg DVT (pmtCodes.opcs4, snomedCt or local): the trust's coding team owns this list.");
        }
        else
        {
            if (codes.All().Count == 0)
            {
                Error("/pmtCodes", "List at least one code that counts as percutaneous mechanical thrombectomy for acute leg DVT.");
            }

            for (var i = 0; i < (codes.Opcs4?.Count ?? 0); i++)
            {
                if (!IsOpcs4(PmtCodes.Normalise(codes.Opcs4![i])))
                {
                    Error($"/pmtCodes/opcs4/{i}", "An OPCS-4 code is a letter and three digits, written L123 or L12.3.");
                }
            }

            for (var i = 0; i < (codes.SnomedCt?.Count ?? 0); i++)
            {
                var code = codes.SnomedCt![i];
                if (code.Length is < 6 or > 18 || code.Any(c => c is < '0' or > '9') || code[0] == '0')
                {
                    Error($"/pmtCodes/snomedCt/{i}", "A SNOMED CT concept id is 6 to 18 digits, not starting with 0.");
                }
            }

            for (var i = 0; i < (codes.Local?.Count ?? 0); i++)
            {
                if (string.IsNullOrWhiteSpace(codes.Local![i]))
                {
                    Error($"/pmtCodes/local/{i}", "A local code cannot be empty.");
                }
            }
        }

        return errors;
    }

    private static bool IsOpcs4(string code) =>
        code.Length == 4 && code[0] is >= 'A' and <= 'Z' && code.Skip(1).All(c => c is >= '0' and <= '9');
}

/// <summary>The procedure date column and its formats (default <c>yyyy-MM-dd</c>; a workbook's date cells are read as dates).</summary>
internal sealed record ActivityDate
{
    public string? Column { get; init; }

    public string? Format { get; init; }

    public IReadOnlyList<string>? Formats { get; init; }
}

/// <summary>The laterality column and its local codes; without <see cref="Values"/>, L/R/B and left/right/bilateral (any case).</summary>
internal sealed record ActivitySide
{
    public string? Column { get; init; }

    public IReadOnlyDictionary<string, string>? Values { get; init; }

    public static bool TryRegistry(string? text, out Model.Side side)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "LEFT" or "L":
                side = Model.Side.Left;
                return true;
            case "RIGHT" or "R":
                side = Model.Side.Right;
                return true;
            case "BILATERAL" or "B":
                side = Model.Side.Bilateral;
                return true;
            default:
                side = default;
                return false;
        }
    }
}

/// <summary>
/// The codes that count as PMT for acute leg DVT. Owned by the trust's coding team; matched ignoring case, spaces
/// and the dot of OPCS-4 (<c>L12.3</c> and <c>L123</c> are one code).
/// </summary>
internal sealed record PmtCodes
{
    /// <summary>Who owns the list and what it is (free text, for readers of the profile).</summary>
    public string? Note { get; init; }

    public IReadOnlyList<string>? Opcs4 { get; init; }

    public IReadOnlyList<string>? SnomedCt { get; init; }

    /// <summary>The trust's own codes (a theatre system's local procedure codes), matched as written.</summary>
    public IReadOnlyList<string>? Local { get; init; }

    public HashSet<string> All() => new((Opcs4 ?? []).Concat(SnomedCt ?? []).Concat(Local ?? []).Select(Normalise), StringComparer.Ordinal);

    public static string Normalise(string code) => new(code.Where(c => c is not ('.' or ' ')).Select(char.ToUpperInvariant).ToArray());
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ActivityProfile))]
internal sealed partial class ActivityJsonContext : JsonSerializerContext;
