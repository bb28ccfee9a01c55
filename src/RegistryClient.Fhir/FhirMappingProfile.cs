using System.Globalization;
using System.Text.Json;
using Hl7.FhirPath;
using RegistryClient.Fhir.Profile;
using RegistryClient.Mapping;
using RegistryClient.Validation.Json;

namespace RegistryClient.Fhir;

/// <summary>
/// A mapping profile for FHIR R4 input (<c>input.format: "fhir"</c>): the episode's anchor resource (a resource type
/// and a FHIRPath filter), each submission field's FHIRPath expression evaluated on the anchor, value maps from codes,
/// and <c>forEach</c> collections for follow-ups and complications. Load one with <see cref="Load"/> or
/// <see cref="LoadAsync"/>: every FHIRPath expression is compiled then, and every mistake (a FHIRPath syntax error, a
/// field the submission schema lacks, a constant of the wrong type) is reported with its line in the profile.
/// </summary>
public sealed class FhirMappingProfile
{
    internal const string ListSeparator = "\u001F";

    private FhirMappingProfile(string? name, string anchorType, CompiledExpression? anchorFilter, string? anchorWhere,
        List<(string Name, CompiledExpression Expression, string Text)> variables, MappingProfile tabular, Dictionary<string, ColumnSource> columns)
    {
        Name = name;
        AnchorType = anchorType;
        AnchorFilter = anchorFilter;
        AnchorWhere = anchorWhere;
        Variables = variables;
        Tabular = tabular;
        Columns = columns;
    }

    /// <summary>The profile's name, for reports.</summary>
    public string? Name { get; }

    /// <summary>The anchor's resource type: one episode per resource of this type that passes the filter.</summary>
    public string AnchorType { get; }

    internal CompiledExpression? AnchorFilter { get; }

    internal string? AnchorWhere { get; }

    internal List<(string Name, CompiledExpression Expression, string Text)> Variables { get; }

    /// <summary>The same profile as the tabular mapper sees it: one synthetic column per expression.</summary>
    internal MappingProfile Tabular { get; }

    /// <summary>What fills each synthetic column, by its name.</summary>
    internal Dictionary<string, ColumnSource> Columns { get; }

    /// <summary>Reads, checks and compiles a FHIR mapping profile; every mistake is reported with its line and column.</summary>
    /// <param name="json">The profile (UTF-8 JSON).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<(FhirMappingProfile? Profile, IReadOnlyList<ProfileError> Errors)> LoadAsync(Stream json, CancellationToken cancellationToken = default)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        return Load(await ProfileDocument.ReadAsync(json, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads, checks and compiles a FHIR mapping profile from UTF-8 bytes.</summary>
    public static (FhirMappingProfile? Profile, IReadOnlyList<ProfileError> Errors) Load(byte[] utf8)
    {
        if (utf8 is null)
        {
            throw new ArgumentNullException(nameof(utf8));
        }

        var (json, locations, readError) = ProfileDocument.Read(utf8, ProfileJsonContext.Default.ProfileJson);
        if (readError is not null)
        {
            return (null, [readError]);
        }

        var errors = new List<ProfileError>();
        void Error(string pointer, string message) => errors.Add(ProfileDocument.At(locations, pointer, message));

        var profile = Build(json!, Error, () => errors.Select(e => e.Pointer).ToList());
        return (errors.Count == 0 ? profile : null, errors);
    }

    private static FhirMappingProfile? Build(ProfileJson json, Action<string, string> error, Func<List<string>> reportedSoFar)
    {
        if (json.Input?.Format != "fhir")
        {
            error("/input/format", "A FHIR profile says input.format \"fhir\".");
        }

        var compiler = Expressions.CreateCompiler();
        CompiledExpression? Compile(string? text, string pointer, string what)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                error(pointer, $"Give the {what} as a FHIRPath expression.");
                return null;
            }

            try
            {
                return compiler.Compile(text!);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or NotSupportedException || ex.GetType().Namespace?.StartsWith("Hl7.", StringComparison.Ordinal) == true)
            {
                error(pointer, $"The {what} is not valid FHIRPath: {FirstLine(ex.Message)}");
                return null;
            }
        }

        var anchorType = json.Anchor?.ResourceType;
        if (string.IsNullOrWhiteSpace(anchorType) || Hl7.Fhir.Model.ModelInfo.IsKnownResource(anchorType) is false)
        {
            error("/anchor/resourceType", "Name the anchor's resource type (a FHIR R4 resource type such as Procedure): one episode per resource of that type.");
        }

        var filter = json.Anchor?.Where is null ? null : Compile(json.Anchor.Where, "/anchor/where", "anchor filter");
        var variables = new List<(string, CompiledExpression, string)>();
        foreach (var variable in json.Variables ?? [])
        {
            var pointer = "/variables/" + Escape(variable.Key);
            if (!IsName(variable.Key) || variable.Key is "resource" or "rootResource" or "context" or "ucum" or "sct" or "loinc" or "anchor" or "referrers")
            {
                error(pointer, "A variable's name is letters, digits and _ (starting with a letter), and not one FHIRPath or this mapper defines (resource, rootResource, context, ucum, sct, loinc, anchor, referrers).");
                continue;
            }

            if (Compile(variable.Value, pointer, "variable") is { } compiled)
            {
                variables.Add((variable.Key, compiled, variable.Value));
            }
        }

        var columns = new Dictionary<string, ColumnSource>(StringComparer.Ordinal);
        var fields = new Dictionary<string, FieldMap>(StringComparer.Ordinal);
        foreach (var field in json.Fields ?? [])
        {
            var pointer = "/fields/" + Escape(field.Key);
            fields[field.Key] = Field(field.Key, "", field.Value, pointer, -1, -1, Compile, error, columns);
        }

        if (json.Fields is null || json.Fields.Count == 0)
        {
            error("/fields", "Map at least one field.");
        }

        if (!fields.ContainsKey("/submitter/recordUpdatedAt"))
        {
            // The anchor's meta.lastUpdated dates the record unless the profile says otherwise.
            fields["/submitter/recordUpdatedAt"] = Field("/submitter/recordUpdatedAt", "", new FieldJson { Fhirpath = "meta.lastUpdated" }, "/fields", -1, -1, Compile, error, columns);
        }

        DateOfBirthMap? dateOfBirth = null;
        if (json.DateOfBirth is { } dob && Compile(dob.Fhirpath, "/dateOfBirth/fhirpath", "date of birth") is { } dobExpression)
        {
            const string column = "dateOfBirth";
            columns[column] = new ColumnSource(dobExpression, dob.Fhirpath!, "/dateOfBirth", false, false, -1, -1);
            dateOfBirth = new DateOfBirthMap { Column = column, Format = dob.Format, Formats = dob.Formats };
        }

        var groups = new List<ColumnGroup>();
        var groupPointers = new List<string>();
        for (var j = 0; j < (json.ForEach?.Count ?? 0); j++)
        {
            var each = json.ForEach![j];
            var at = "/forEach/" + j.ToString(CultureInfo.InvariantCulture);
            var select = Compile(each.Select, at + "/select", "forEach selection");
            var max = each.Max ?? 10;
            if (max is < 1 or > 100)
            {
                error(at + "/max", "max is between 1 and 100.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(each.Target))
            {
                error(at + "/target", "Name the list field the elements are added to, e.g. /followUps.");
                continue;
            }

            if (select is null)
            {
                continue;
            }

            for (var i = 0; i < max; i++)
            {
                var anchorColumn = $"{each.Target}/{i} [{each.Select}]";
                columns[anchorColumn] = new ColumnSource(select, each.Select!, at + "/select", false, false, j, i) { IsElement = true };
                var groupFields = new Dictionary<string, FieldMap>(StringComparer.Ordinal);
                foreach (var field in each.Fields ?? [])
                {
                    groupFields[field.Key] = Field(field.Key, each.Target + "/0", field.Value, at + "/fields/" + Escape(field.Key), j, i, Compile, error, columns, each.Target + "/" + i.ToString(CultureInfo.InvariantCulture));
                }

                groups.Add(new ColumnGroup { Name = (each.Name ?? each.Target) + " " + (i + 1).ToString(CultureInfo.InvariantCulture), Target = each.Target!, Anchor = anchorColumn, Fields = groupFields });
                groupPointers.Add(at);
            }
        }

        var tabular = new MappingProfile
        {
            Name = json.Name,
            Input = new InputSettings { Format = "jsonl" },
            Key = "$anchor",
            DateOfBirth = dateOfBirth,
            Fields = fields,
            Groups = groups.Count == 0 ? null : groups,
            Booleans = json.Booleans,
            IgnoreCase = json.IgnoreCase,
        };

        // The tabular checker knows the submission schema: field names, types, constants, value maps, date formats.
        var reported = new HashSet<(string, string)>();
        var own = reportedSoFar(); // a field whose expression did not compile has no column: say so once
        foreach (var problem in ProfileChecker.Check(tabular))
        {
            var pointer = problem.Pointer;
            if (pointer.StartsWith("/groups/", StringComparison.Ordinal))
            {
                var rest = pointer.Substring("/groups/".Length);
                var slash = rest.IndexOf('/');
                var g = int.Parse(slash < 0 ? rest : rest.Substring(0, slash), CultureInfo.InvariantCulture);
                pointer = groupPointers[g] + (slash < 0 ? "" : rest.Substring(slash));
            }

            var message = problem.Message.Replace("column", "expression");
            if (reported.Add((pointer, message)) && !own.Any(o => o.StartsWith(pointer, StringComparison.Ordinal)))
            {
                error(pointer, message); // a mistake in a forEach is in each of its copies: reported once
            }
        }

        if (anchorType is null)
        {
            return null;
        }

        return new FhirMappingProfile(json.Name, anchorType, filter, json.Anchor?.Where, variables, tabular, columns);
    }

    private static FieldMap Field(string pointer, string basePointer, FieldJson field, string at, int forEach, int element,
        Func<string?, string, string, CompiledExpression?> compile, Action<string, string> error, Dictionary<string, ColumnSource> columns, string? label = null)
    {
        if (field.Fhirpath is null && field.Constant is null)
        {
            error(at, "Give the field a fhirpath (or a constant).");
        }

        if (field.Fhirpath is not null && field.Constant is not null)
        {
            error(at, "A field has a fhirpath or a constant, not both.");
        }

        string? column = null;
        if (field.Fhirpath is not null && compile(field.Fhirpath, at + "/fhirpath", "field's expression") is { } expression)
        {
            var type = SchemaTypes.Submission.At(pointer, basePointer);
            var isList = type is { Kind: "array", Items.IsScalar: true };
            column = $"{(label is null ? pointer : label + pointer)} [{field.Fhirpath}]";
            columns[column] = new ColumnSource(expression, field.Fhirpath, at + "/fhirpath", isList, type?.IsDate == true && field.Format is null && field.Formats is null, forEach, element);
        }

        return new FieldMap
        {
            Column = column,
            Constant = field.Constant,
            Default = field.Default,
            Format = field.Format,
            Formats = field.Formats,
            TimeZone = field.TimeZone,
            Values = field.Values,
            IgnoreCase = field.IgnoreCase,
            Split = column is not null && columns[column].IsList ? ListSeparator : null,
        };
    }

    private static bool IsName(string name) =>
        name.Length > 0 && char.IsLetter(name[0]) && name.All(c => c == '_' || (c < 128 && char.IsLetterOrDigit(c)));

    private static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length > 200 ? line.Substring(0, 200) + "..." : line;
    }
}

/// <summary>What fills one synthetic column: a compiled expression, where it is in the profile, how its values read.</summary>
internal sealed record ColumnSource(CompiledExpression Expression, string Text, string Pointer, bool IsList, bool IsDate, int ForEach, int Element)
{
    /// <summary>The forEach's selection itself (its column says whether the element exists).</summary>
    public bool IsElement { get; init; }
}
