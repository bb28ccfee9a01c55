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
        void Error(string pointer, string message) => errors.Add(new ProfileError(0, 0, pointer, message));

        if (profile.Input.Format is not ("csv" or "jsonl"))
        {
            Error("/input/format", "The input format is csv or jsonl.");
        }

        if (profile.Input.Delimiter.Length != 1)
        {
            Error("/input/delimiter", "The delimiter is one character, such as , or ;.");
        }

        if (string.IsNullOrWhiteSpace(profile.Key))
        {
            Error("/key", "Name the column that identifies an episode.");
        }

        if (profile.DateOfBirth is { } dob)
        {
            CheckDateFormat(dob.Format, "/dateOfBirth/format", Error);
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

        return errors;
    }

    private static void CheckFields(IReadOnlyDictionary<string, FieldMap> fields, string basePointer, string profilePointer, Action<string, string> error)
    {
        foreach (var (target, map) in fields)
        {
            var at = profilePointer + "/" + Escape(target);
            var type = target.StartsWith("/", StringComparison.Ordinal) ? Types.At(target, basePointer) : null;
            if (type is null)
            {
                error(at, $"'{target}' is not a field of the submission{(basePointer.Length > 0 ? "'s follow-ups" : "")}; use a JSON Pointer such as /patient/sex.");
                continue;
            }

            if ((map.Column is null) == (map.Constant is null))
            {
                error(at, "Give either column or constant.");
                continue;
            }

            if (type.Kind == "array" && map.Column is not null && string.IsNullOrEmpty(map.Split))
            {
                error(at, "A list field read from a column needs split, the separator inside the cell (e.g. \";\").");
            }

            var scalar = type.Kind == "array" ? type.Items : type;
            if (map.Format is not null)
            {
                if (scalar is not { IsDate: true })
                {
                    error(at + "/format", "format applies to date fields only.");
                }
                else
                {
                    CheckDateFormat(map.Format, at + "/format", error);
                }
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
            }
        }
    }

    private static void CheckDateFormat(string? format, string pointer, Action<string, string> error)
    {
        if (format is null)
        {
            return;
        }

        var sample = new DateTime(2024, 12, 31);
        if (!DateTime.TryParseExact(sample.ToString(format, CultureInfo.InvariantCulture), format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back) || back != sample)
        {
            error(pointer, "This date format does not round-trip a date; use .NET custom format letters such as dd/MM/yyyy.");
        }
    }

    private static string Escape(string segment) => segment.Replace("~", "~0").Replace("/", "~1");
}
