using System.Globalization;
using System.Text.Json.Nodes;

namespace RegistryClient.Mapping;

/// <summary>Checks a deserialised profile against the submission schema; pointers are into the profile file.</summary>
internal static class ProfileChecker
{
    private static SchemaTypes Types => SchemaTypes.Submission;

    public static List<ProfileError> Check(MappingProfile profile)
    {
        var errors = new List<ProfileError>();
        void Error(string pointer, string message) => errors.Add(new ProfileError { Line = 0, Column = 0, Pointer = pointer, Message = message });

        CheckInput(profile.Input, Error);
        if (string.IsNullOrWhiteSpace(profile.Key))
        {
            Error("/key", "Name the column that identifies an episode.");
        }

        if (profile.DateOfBirth is { } dob)
        {
            CheckDateFormats(dob.Format, dob.Formats, "/dateOfBirth", Error);
            if (DateFormats.Of(dob.Format, dob.Formats).Any(f => !f.Contains("yyyy")))
            {
                Error("/dateOfBirth", "A date of birth needs a four-digit year (yyyy): a two-digit year cannot tell 1925 from 2025.");
            }

            if (profile.Fields.ContainsKey("/patient/ageAtProcedure"))
            {
                Error("/fields/~1patient~1ageAtProcedure", "Map ageAtProcedure or dateOfBirth, not both: the age is computed from the date of birth.");
            }
        }

        CheckFields(profile.Fields, "", "/fields", Error);
        if (profile.FollowUpFields is { } followUp)
        {
            if (profile.RowKind is null)
            {
                Error("/followUpFields", "followUpFields need rowKind to tell follow-up rows from episode rows.");
            }

            CheckFields(followUp, "/followUps/0", "/followUpFields", Error);
        }

        for (var i = 0; i < (profile.Groups?.Count ?? 0); i++)
        {
            CheckGroup(profile.Groups![i], "/groups/" + i.ToString(CultureInfo.InvariantCulture), Error);
        }

        if (profile.Booleans is { } words)
        {
            if (words.True.Count == 0 || words.False.Count == 0 || words.True.Concat(words.False).Any(string.IsNullOrWhiteSpace))
            {
                Error("/booleans", "Give at least one non-empty word for true and one for false.");
            }
            else if (words.True.Intersect(words.False, StringComparer.OrdinalIgnoreCase).Any())
            {
                Error("/booleans", "A word cannot mean both true and false.");
            }
        }

        return errors;
    }

    internal static void CheckInput(InputSettings input, Action<string, string> error)
    {
        if (input.Format is not ("csv" or "jsonl" or "xlsx"))
        {
            error("/input/format", "The input format is csv, jsonl or xlsx.");
        }

        var d = input.Delimiter;
        if (d.Length != 1)
        {
            error("/input/delimiter", "The delimiter is one character, such as , or ; or a tab.");
        }
        else if (d[0] == '"' || d[0] > 127 || char.IsLetterOrDigit(d[0]) || (char.IsControl(d[0]) && d[0] != '\t') || d[0] == ' ')
        {
            error("/input/delimiter", "The delimiter cannot be a quote, a letter or digit, a space, a line break, NUL or another control character, or a non-ASCII character; use , ; | or a tab.");
        }

        if (input.Encoding is { } encoding && !InputEncodings.IsKnown(encoding))
        {
            error("/input/encoding", "The encoding is one of " + string.Join(", ", InputEncodings.Names) + ".");
        }

        if (input.Format != "xlsx" && (input.Sheet is not null || input.HeaderRow is not null))
        {
            error("/input", "sheet and headerRow apply to xlsx input only.");
        }

        if (input.Format == "xlsx" && input.Encoding is not null)
        {
            error("/input/encoding", "An xlsx workbook has no text encoding to declare.");
        }

        if (input.Limits is { } limits)
        {
            if (input.Format != "xlsx")
            {
                error("/input/limits", "limits apply to xlsx input only.");
            }

            foreach (var (name, value) in new (string, long?)[]
            {
                ("maxCellCharacters", limits.MaxCellCharacters), ("maxCellsPerRow", limits.MaxCellsPerRow), ("maxRowCharacters", limits.MaxRowCharacters),
                ("maxSharedStringsBytes", limits.MaxSharedStringsBytes), ("maxSharedStrings", limits.MaxSharedStrings), ("maxPartBytes", limits.MaxPartBytes),
                ("maxWorkbookBytes", limits.MaxWorkbookBytes), ("maxCompressionRatio", limits.MaxCompressionRatio),
            })
            {
                if (value is < 1)
                {
                    error("/input/limits/" + name, name + " is a positive number.");
                }
            }
        }

        if (input.HeaderRow is < 1 or > 1000)
        {
            error("/input/headerRow", "headerRow is the 1-based row of the column names, at most 1000.");
        }
    }

    private static void CheckGroup(ColumnGroup group, string at, Action<string, string> error)
    {
        var type = Types.At(group.Target);
        if (type is not { Kind: "array", Items.Kind: "object" })
        {
            error(at + "/target", "A group's target is a list of objects in the submission, such as /followUps or /outcome/complications.");
            return;
        }

        if (!group.Fields.Values.Any(f => f.Column is not null) && group.Anchor is null)
        {
            error(at + "/fields", "A group needs at least one column (or an anchor): it is emitted only when a column of it has a value.");
        }

        if (group.Anchor is { } anchor && string.IsNullOrWhiteSpace(anchor))
        {
            error(at + "/anchor", "Name the anchor column, or leave anchor out.");
        }

        CheckFields(group.Fields, group.Target + "/0", at + "/fields", error);
    }

    private static void CheckFields(IReadOnlyDictionary<string, FieldMap> fields, string basePointer, string profilePointer, Action<string, string> error)
    {
        foreach (var (target, map) in fields)
        {
            var at = profilePointer + "/" + Escape(target);
            var indexProblem = IndexProblem(target, basePointer);
            var type = indexProblem is null && target.StartsWith("/", StringComparison.Ordinal) ? Types.At(target, basePointer) : null;
            if (type is null)
            {
                error(at, indexProblem
                    ?? $"'{target}' is not a field of the submission{(basePointer.Length > 0 ? " inside " + basePointer.Substring(0, basePointer.Length - 2) : "")}; use a JSON Pointer such as /patient/sex.");
                continue;
            }

            if ((map.Column is null) == (map.Constant is null))
            {
                error(at, "Give either column or constant.");
                continue;
            }

            if (map.Column is { } column && string.IsNullOrWhiteSpace(column))
            {
                error(at + "/column", "Name the column.");
            }

            var hasChildren = fields.Keys.Any(k => k.StartsWith(target + "/", StringComparison.Ordinal));
            if (hasChildren && (map.Column is not null || !IsEmptyContainer(map.Constant) || (map.Default is not null && !IsEmptyContainer(map.Default))))
            {
                error(at, "Fields inside this one are mapped too: it can only be given an empty constant ([] or {}).");
                continue;
            }

            if (type.Kind == "array" && map.Column is not null && string.IsNullOrEmpty(map.Split))
            {
                error(at, "A list field read from a column needs split, the separator inside the cell (e.g. \";\").");
            }

            if (map.Constant is not null && ValueProblem(map.Constant, basePointer + target, type) is { } constantProblem)
            {
                error(at + "/constant", "The constant " + constantProblem);
            }

            if (map.Default is not null && ValueProblem(map.Default, basePointer + target, type) is { } defaultProblem)
            {
                error(at + "/default", "The default " + defaultProblem);
            }

            var scalar = type.Kind == "array" ? type.Items : type;
            if (scalar is { IsDateTime: true })
            {
                CheckDateTimeFormats(map, at, error);
            }
            else if (map.Format is not null || map.Formats is not null)
            {
                if (scalar is not { IsDate: true })
                {
                    error(at, "format and formats apply to date fields only.");
                }
                else
                {
                    CheckDateFormats(map.Format, map.Formats, at, error);
                }
            }

            if (map.TimeZone is not null && scalar is not { IsDateTime: true })
            {
                error(at + "/timeZone", "timeZone applies to date-time fields (such as /submitter/recordUpdatedAt) only.");
            }

            if (map.Values is not null && scalar is not null)
            {
                foreach (var (local, value) in map.Values)
                {
                    if (Conversion.FromJson(value, scalar) is { Error: { } problem })
                    {
                        error(at + "/values/" + Escape(local), $"The value for '{local}' {problem}");
                    }
                }

                var ignoreCase = map.IgnoreCase ?? false;
                if (ignoreCase && map.Values.Keys.GroupBy(k => k.Trim(), StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
                {
                    error(at + "/values", "Two local codes differ only in case, which ignoreCase cannot tell apart.");
                }
            }
        }
    }

    /// <summary>Why a profile value (constant or default) does not fit its field, checking inside objects and lists too.</summary>
    private static string? ValueProblem(JsonNode? value, string schemaPointer, FieldType type)
    {
        switch (type.Kind)
        {
            case "object":
                if (value is not JsonObject obj)
                {
                    return "must be an object.";
                }

                foreach (var (name, child) in obj)
                {
                    var childType = Types.At(schemaPointer + "/" + name);
                    if (childType is null)
                    {
                        return $"has '{name}', which is not a field there.";
                    }

                    if (ValueProblem(child, schemaPointer + "/" + name, childType) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case "array" when type.Items is { IsScalar: false } items:
                if (value is not JsonArray array)
                {
                    return "must be a list.";
                }

                if (array.Count > (type.MaxItems ?? PointerIndex.Limit))
                {
                    return $"has more than {type.MaxItems ?? PointerIndex.Limit} items.";
                }

                return array.Select(item => ValueProblem(item, schemaPointer + "/0", items)).FirstOrDefault(p => p is not null);
            default:
                return Conversion.FromJson(value, type).Error;
        }
    }

    private static bool IsEmptyContainer(JsonNode? node) => node is null || node is JsonArray { Count: 0 } || node is JsonObject { Count: 0 };

    /// <summary>A clearer message when a pointer fails only because of an array index (negative, huge, padded).</summary>
    private static string? IndexProblem(string target, string basePointer)
    {
        var segments = target.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length > 0 && (char.IsDigit(segment[0]) || segment[0] is '-' or '+') && !PointerIndex.TryParse(segment, out _))
            {
                var parent = string.Join("/", segments.Take(i));
                if (Types.At(parent, basePointer) is { Kind: "array" })
                {
                    return $"'{segment}' is not a list index this profile may use: indexes are 0 to {PointerIndex.Limit - 1}, written without sign or leading zeros.";
                }
            }
            else if (PointerIndex.TryParse(segment, out var index) && Types.At(string.Join("/", segments.Take(i)), basePointer) is { Kind: "array", MaxItems: { } max } && index >= max)
            {
                return $"Index {index} is beyond the {max} items the schema allows in this list.";
            }
        }

        return null;
    }

    internal static void CheckDateFormats(string? format, IReadOnlyList<string>? formats, string at, Action<string, string> error)
    {
        if (format is not null && formats is not null)
        {
            error(at, "Give format or formats, not both.");
            return;
        }

        if (formats is { Count: 0 })
        {
            error(at + "/formats", "List at least one date format.");
        }

        var sample = new DateTime(2024, 12, 31);
        foreach (var f in DateFormats.Of(format, formats))
        {
            if (string.IsNullOrEmpty(f) || !DateTime.TryParseExact(sample.ToString(f, CultureInfo.InvariantCulture), f, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back) || back != sample)
            {
                error(at + (format is null ? "/formats" : "/format"), "This date format does not round-trip a date; use .NET custom format letters such as dd/MM/yyyy or dd-MMM-yyyy.");
            }
        }
    }

    /// <summary>A date-time field's formats must round-trip a date and time (to the minute at least), read an offset
    /// only with z, zz or zzz, and name a time zone when any of them reads a local time.</summary>
    private static void CheckDateTimeFormats(FieldMap map, string at, Action<string, string> error)
    {
        if (map.Format is not null && map.Formats is not null)
        {
            error(at, "Give format or formats, not both.");
            return;
        }

        if (map.Formats is { Count: 0 })
        {
            error(at + "/formats", "List at least one date-time format.");
        }

        var formats = map.Formats ?? (map.Format is null ? [] : [map.Format]);
        var where = at + (map.Format is null ? "/formats" : "/format");
        var sample = new DateTimeOffset(2024, 12, 31, 23, 58, 0, new TimeSpan(5, 30, 0));
        var local = false;
        foreach (var f in formats)
        {
            if (string.IsNullOrEmpty(f))
            {
                error(where, "A date-time format cannot be empty.");
                continue;
            }

            if (TimestampReader.HasSpecifier(f, 'K'))
            {
                error(where, "K reads an offset only when there is one (a value without one would take the machine's own); use zzz for +hh:mm, or leave RFC 3339 values with Z or an offset to the built-in form.");
                continue;
            }

            bool roundTrips;
            if (TimestampReader.IsLocal(f))
            {
                local = true;
                roundTrips = DateTime.TryParseExact(sample.DateTime.ToString(f, CultureInfo.InvariantCulture), f, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back)
                    && back == sample.DateTime;
            }
            else
            {
                roundTrips = DateTimeOffset.TryParseExact(sample.ToString(f, CultureInfo.InvariantCulture), f, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back)
                    && back.EqualsExact(sample);
            }

            if (!roundTrips)
            {
                error(where, "This date-time format does not round-trip a date and time to the minute; use .NET custom format letters such as yyyy-MM-dd HH:mm:ss or dd/MM/yyyy HH:mm (HH for 24-hour clocks, hh with tt for 12-hour ones, zzz for an offset).");
            }
        }

        if (map.TimeZone is { } zone)
        {
            if (TimestampReader.FindZone(zone) is null)
            {
                error(at + "/timeZone", "This is not a time zone this machine knows; use an IANA id such as Europe/London.");
            }
        }
        else if (local)
        {
            error(at, "A date-time format without an offset (zzz) reads local times: name their time zone in timeZone, e.g. \"timeZone\": \"Europe/London\" (the same clock reading is a different instant in every zone).");
        }
    }

    private static string Escape(string segment) => segment.Replace("~", "~0").Replace("/", "~1");
}
