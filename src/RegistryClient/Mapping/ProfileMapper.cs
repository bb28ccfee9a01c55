using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>A mapping error, located by the input's row and the column's name. Never repeats patient data.</summary>
/// <param name="Row">The row, as a spreadsheet numbers it (the CSV header is row 1; JSON lines count from 1).</param>
/// <param name="Column">The column, or empty for the row as a whole.</param>
/// <param name="Message">What is wrong.</param>
public sealed record MappingError(int Row, string Column, string Message);

/// <summary>One episode's outcome: the submission document, or the errors that kept it from being emitted.</summary>
public sealed record MappingResult
{
    /// <summary>The episode's first row.</summary>
    public required int Row { get; init; }

    /// <summary>The submission as JSON, when every row of the episode mapped; null otherwise (never half-filled).</summary>
    public JsonObject? Document { get; init; }

    /// <summary>The errors, when any row of the episode failed.</summary>
    public IReadOnlyList<MappingError> Errors { get; init; } = [];

    /// <summary>How many input rows the episode used (itself and its follow-ups).</summary>
    public int Rows { get; init; } = 1;
}

/// <summary>
/// Maps a flat export to submissions with a <see cref="MappingProfile"/>. Streams: one episode (its row and the
/// follow-up rows after it) is held at a time, so memory stays flat however long the export. Follow-up rows must
/// follow their episode's row (sort the export by the key column).
/// </summary>
public static class ProfileMapper
{
    private static SchemaTypes Types => SchemaTypes.Submission;

    /// <summary>Maps every episode of <paramref name="input"/>, in order.</summary>
    public static async IAsyncEnumerable<MappingResult> MapAsync(MappingProfile profile, Stream input, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (profile is null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        var plan = new Plan(Compile(profile.Fields, ""), Compile(profile.FollowUpFields ?? new Dictionary<string, FieldMap>(), "/followUps/0"));
        Episode? current = null;
        await foreach (var row in RowReader.ReadAsync(input, profile.Input, cancellationToken).ConfigureAwait(false))
        {
            var isFollowUp = profile.RowKind is { } kind && Cell(row, kind.Column) == kind.FollowUp;
            if (row.Problem is null && profile.RowKind is { } k && !isFollowUp && Cell(row, k.Column) != k.Episode)
            {
                if (current is not null)
                {
                    yield return current.Finish(profile);
                    current = null;
                }

                yield return Failed(row, new MappingError(row.Row, k.Column, $"The row kind is neither '{k.Episode}' (episode) nor '{k.FollowUp}' (follow-up)."));
                continue;
            }

            if (isFollowUp && row.Problem is null)
            {
                if (current is null || current.Key != Cell(row, profile.Key))
                {
                    yield return Failed(row, new MappingError(row.Row, profile.Key,
                        "This follow-up row is not under its episode's row (or its episode row failed to read); sort the export by this column."));
                    continue;
                }

                current.AddFollowUp(row, plan);
                continue;
            }

            if (current is not null)
            {
                yield return current.Finish(profile);
            }

            current = new Episode(row, profile, plan);
        }

        if (current is not null)
        {
            yield return current.Finish(profile);
        }
    }

    private static MappingResult Failed(SourceRow row, MappingError error) => new() { Row = row.Row, Errors = [error] };

    /// <summary>Resolves each field's schema type and pointer segments once per run, not once per row.</summary>
    private static CompiledField[] Compile(IReadOnlyDictionary<string, FieldMap> fields, string basePointer) =>
        fields.Select(f => new CompiledField(f.Key, f.Key.Split('/').Skip(1).ToArray(), f.Value, Types.At(f.Key, basePointer)!,
            basePointer.Length == 0 && f.Key == "/patient/nhsNumber")).ToArray();

    private sealed record CompiledField(string Pointer, string[] Segments, FieldMap Map, FieldType Type, bool IsIdentifier);

    private sealed record Plan(CompiledField[] Fields, CompiledField[] FollowUpFields);

    private static string Cell(SourceRow row, string column) => row.Cell(column).Trim();

    /// <summary>One episode being assembled from its rows.</summary>
    private sealed class Episode
    {
        private readonly JsonObject _document = new() { ["schemaVersion"] = Submission.CurrentSchemaVersion };
        private readonly List<MappingError> _errors = [];
        private readonly int _row;
        private int _rows = 1;
        private DateTime? _dateOfBirth;

        public Episode(SourceRow row, MappingProfile profile, Plan plan)
        {
            _row = row.Row;
            Key = Cell(row, profile.Key);
            if (row.Problem is not null)
            {
                _errors.Add(new MappingError(row.Row, "", "The row " + row.Problem + "."));
                return;
            }

            Apply(row, plan.Fields, _document, _errors);
            if (profile.DateOfBirth is { } dob)
            {
                var cell = Cell(row, dob.Column);
                if (cell.Length == 0)
                {
                    _errors.Add(new MappingError(row.Row, dob.Column, "The date of birth is empty; it is needed for the age at procedure."));
                }
                else if (Conversion.TryParseDate(cell, dob.Format ?? "yyyy-MM-dd", out var date))
                {
                    _dateOfBirth = date;
                }
                else
                {
                    _errors.Add(new MappingError(row.Row, dob.Column, $"The date of birth is not a date in the form {dob.Format ?? "yyyy-MM-dd"}."));
                }
            }
        }

        public string Key { get; }

        public void AddFollowUp(SourceRow row, Plan plan)
        {
            _rows++;
            var followUp = new JsonObject();
            Apply(row, plan.FollowUpFields, followUp, _errors);
            if (_document["followUps"] is not JsonArray list)
            {
                _document["followUps"] = list = [];
            }

            list.Add(followUp);
        }

        public MappingResult Finish(MappingProfile profile)
        {
            if (_errors.Count == 0)
            {
                Derive(profile);
            }

            return _errors.Count > 0
                ? new MappingResult { Row = _row, Errors = _errors, Rows = _rows }
                : new MappingResult { Row = _row, Document = Prune(_document), Rows = _rows };
        }

        private void Derive(MappingProfile profile)
        {
            if (_dateOfBirth is { } dob)
            {
                var procedure = _document["procedure"]?["procedureDate"]?.GetValue<string>();
                if (procedure is null || !DateTime.TryParseExact(procedure, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on))
                {
                    _errors.Add(new MappingError(_row, profile.DateOfBirth!.Column, "No age can be computed: the procedure date is missing."));
                }
                else if (on < dob)
                {
                    _errors.Add(new MappingError(_row, profile.DateOfBirth!.Column, "The date of birth is after the procedure date."));
                }
                else
                {
                    Set(_document, "/patient/ageAtProcedure", JsonValue.Create(Age.At(dob, on)));
                }
            }

            if (!profile.Fields.ContainsKey("/presentation/dvtClass") && _document["presentation"]?["clotSegments"] is JsonArray segments)
            {
                var parsed = segments.Select(s => RegistryCode.TryParse<ClotSegment>(s?.GetValue<string>(), out var segment) ? segment : (ClotSegment?)null).ToList();
                if (parsed.Count > 0 && parsed.All(s => s is not null))
                {
                    Set(_document, "/presentation/dvtClass", JsonValue.Create(RegistryCode.Of(DvtClassification.Derive(parsed.Select(s => s!.Value)))));
                }
            }
        }

        private static void Apply(SourceRow row, CompiledField[] fields, JsonObject target, List<MappingError> errors)
        {
            foreach (var field in fields)
            {
                var map = field.Map;
                Converted converted;
                if (map.Constant is not null)
                {
                    converted = new Converted(map.Constant.DeepClone(), null);
                }
                else
                {
                    var cell = Cell(row, map.Column!);
                    if (cell.Length == 0)
                    {
                        if (map.Default is not null)
                        {
                            Set(target, field.Segments, map.Default.DeepClone());
                        }

                        continue; // an empty cell leaves the field out; validation says whether it was required
                    }

                    converted = Conversion.FromCell(cell, map, field.Type, field.IsIdentifier);
                    if (converted.Error is { } error)
                    {
                        errors.Add(new MappingError(row.Row, map.Column!, "The cell " + error));
                        continue;
                    }
                }

                Set(target, field.Segments, converted.Value);
            }
        }

        private static void Set(JsonObject root, string pointer, JsonNode? value) => Set(root, pointer.Split('/').Skip(1).ToArray(), value);

        /// <summary>Sets a value at a JSON Pointer, creating the objects and arrays on the way.</summary>
        private static void Set(JsonObject root, string[] segments, JsonNode? value)
        {
            JsonNode node = root;
            for (var i = 0; i < segments.Length; i++)
            {
                var last = i == segments.Length - 1;
                var nextIsIndex = !last && int.TryParse(segments[i + 1], out _);
                if (node is JsonArray array && int.TryParse(segments[i], out var index))
                {
                    while (array.Count <= index)
                    {
                        array.Add(new JsonObject());
                    }

                    if (last)
                    {
                        array[index] = value;
                        return;
                    }

                    node = array[index]!;
                    continue;
                }

                var obj = (JsonObject)node;
                if (last)
                {
                    obj[segments[i]] = value;
                    return;
                }

                if (obj[segments[i]] is not { } child)
                {
                    obj[segments[i]] = child = nextIsIndex ? new JsonArray() : new JsonObject();
                }

                node = child;
            }
        }

        /// <summary>Drops objects that ended up empty (e.g. a complication whose cells were all blank).</summary>
        private static JsonObject Prune(JsonObject node)
        {
            List<KeyValuePair<string, JsonNode?>>? children = null;
            foreach (var child in node)
            {
                if (child.Value is JsonObject or JsonArray)
                {
                    (children ??= []).Add(child);
                }
            }

            foreach (var (name, child) in children ?? [])
            {
                switch (child)
                {
                    case JsonObject obj when Prune(obj).Count == 0:
                        node.Remove(name);
                        break;
                    case JsonArray array:
                        for (var i = array.Count - 1; i >= 0; i--)
                        {
                            if (array[i] is JsonObject item && Prune(item).Count == 0)
                            {
                                array.RemoveAt(i);
                            }
                        }

                        break;
                }
            }

            return node;
        }
    }
}
