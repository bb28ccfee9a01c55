using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using RegistryClient.Model;
using RegistryClient.Validation.Json;

namespace RegistryClient.Validation.Schema;

/// <summary>
/// NJsonSchema over the embedded schema: the authority on schema conformance, and the source of the complete list of
/// schema errors. Kept in its own type so that NJsonSchema and Newtonsoft.Json load only when a document needs them.
/// </summary>
internal sealed class SchemaAuthority
{
    private readonly JsonSchema _schema;

    private SchemaAuthority(JsonSchema schema) => _schema = schema;

    public static async Task<SchemaAuthority> LoadAsync(CancellationToken cancellationToken)
    {
        var schema = await JsonSchema.FromJsonAsync(SubmissionSchema.ReadText(), cancellationToken).ConfigureAwait(false);
        EcmaPatterns.Apply(schema);
        return new SchemaAuthority(schema);
    }

    /// <summary>Validates well-formed JSON text; one issue per offending pointer, without line and column.</summary>
    public List<ValidationIssue> Validate(string json, int maxDepth)
    {
        JToken token;
        using (var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, MaxDepth = maxDepth + 2 })
        {
            token = JToken.ReadFrom(reader);
        }

        ClampHugeIntegers(token);

        var byPointer = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (pointer, message) in Flatten(_schema.Validate(token).Where(IsBreach)))
        {
            if (!byPointer.TryGetValue(pointer, out var messages))
            {
                byPointer[pointer] = messages = [];
            }

            if (!messages.Contains(message))
            {
                messages.Add(message);
            }
        }

        return byPointer.Select(p => new ValidationIssue
        {
            Code = IssueCodes.Schema,
            Severity = ValidationSeverity.Error,
            Path = p.Key,
            Message = string.Join(" ", p.Value),
            Source = IssueCodes.SchemaSource,
        }).ToList();
    }

    /// <summary>
    /// Newtonsoft reads an integer beyond 64 bits as a BigInteger, on which NJsonSchema's range check throws. Every
    /// bound in the schema is far inside 64 bits, so the nearest 64-bit integer gets the same verdict (messages never
    /// show the value).
    /// </summary>
    private static void ClampHugeIntegers(JToken token)
    {
        if (token is JValue { Type: JTokenType.Integer, Value: System.Numerics.BigInteger big } value)
        {
            value.Value = big.Sign > 0 ? long.MaxValue : long.MinValue;
            return;
        }

        foreach (var child in token.Children())
        {
            ClampHugeIntegers(child);
        }
    }

    /// <summary>
    /// NJsonSchema counts string lengths in UTF-16 units; JSON Schema counts characters. A length error that the
    /// character count refutes is dropped (the patterns of every field with a minimum length over 1 admit only ASCII,
    /// so the unit count never misses a string that is too short).
    /// </summary>
    private static bool IsBreach(ValidationError error) =>
        error.Kind is not (ValidationErrorKind.StringTooLong or ValidationErrorKind.StringTooShort)
        || error.Token is not JValue { Type: JTokenType.String, Value: string value }
        || !TextLength.IsWithin(value, error.Schema?.ActualSchema.MinLength ?? 0, error.Schema?.ActualSchema.MaxLength ?? int.MaxValue);

    private static IEnumerable<(string Pointer, string Message)> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            switch (error)
            {
                case ChildSchemaValidationError { Kind: ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf } alternatives
                    when alternatives.Errors.Count > 0:
                    foreach (var flat in Flatten(ChooseBranch(alternatives.Errors.Values.Select(b => b.Where(IsBreach).ToList()))))
                    {
                        yield return flat;
                    }

                    break;
                case ChildSchemaValidationError nested when nested.Errors.Count > 0:
                    foreach (var flat in Flatten(nested.Errors.Values.SelectMany(e => e).Where(IsBreach)))
                    {
                        yield return flat;
                    }

                    break;
                case MultiTypeValidationError multi when multi.Errors.Count > 0:
                    foreach (var flat in Flatten(multi.Errors.Values.SelectMany(e => e).Where(IsBreach)))
                    {
                        yield return flat;
                    }

                    break;
                default:
                    yield return (PointerOf(error), Describe(error));
                    break;
            }
        }
    }

    /// <summary>
    /// Of the alternatives of an anyOf/oneOf, the one the author meant: draft-04 conditionals select a branch with a
    /// single-value enum, so a branch that fails on an enumeration was not selected. Of the rest, the nearest miss.
    /// </summary>
    private static IEnumerable<ValidationError> ChooseBranch(IEnumerable<ICollection<ValidationError>> branches)
    {
        var all = branches.ToList();
        var selected = all.Where(b => !b.Any(e => e.Kind == ValidationErrorKind.NotInEnumeration)).ToList();
        return (selected.Count > 0 ? selected : all).OrderBy(b => b.Count).First();
    }

    private static string PointerOf(ValidationError error)
    {
        if (error.Kind is ValidationErrorKind.NoAdditionalPropertiesAllowed)
        {
            // The pointer names the unknown property only when the name cannot be a value (see Redaction).
            var name = error.Property ?? (error.Token as JProperty)?.Name ?? "";
            var holder = error.Token is JProperty property ? PointerOf(property.Parent) : PointerOf(error.Token);
            return Redaction.IsSafeName(name) ? JsonPointer.Append(holder, name) : holder;
        }

        var pointer = PointerOf(error.Token);
        return error.Kind is ValidationErrorKind.PropertyRequired && error.Property is { } missing ? JsonPointer.Append(pointer, missing) : pointer;
    }

    private static string PointerOf(JToken? token)
    {
        var segments = new List<string>();
        for (var t = token; t?.Parent is not null; t = t.Parent)
        {
            if (t is JProperty property)
            {
                segments.Add(property.Name);
            }
            else if (t.Parent is JArray array)
            {
                segments.Add(array.IndexOf(t).ToString(CultureInfo.InvariantCulture));
            }
        }

        var pointer = string.Empty;
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            pointer = JsonPointer.Append(pointer, segments[i]);
        }

        return pointer;
    }

    // Messages say what the schema expects and never echo the value, which may be a patient identifier.
    private static string Describe(ValidationError error)
    {
        var schema = error.Schema?.ActualSchema;
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"'{error.Property}' is required.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed =>
                $"The property {Redaction.PropertyName(error.Property ?? (error.Token as JProperty)?.Name ?? "")} is not a property of this object; unknown properties are refused so that typos surface.",
            ValidationErrorKind.NotInEnumeration =>
                $"Not one of the allowed codes: {string.Join(", ", schema?.Enumeration.Select(e => Convert.ToString(e, CultureInfo.InvariantCulture)) ?? [])}.",
            ValidationErrorKind.StringExpected => $"Expected a string, found {Found(error.Token)}.",
            ValidationErrorKind.NumberExpected => $"Expected a number, found {Found(error.Token)}.",
            ValidationErrorKind.IntegerExpected => $"Expected a whole number, found {Found(error.Token)}.",
            ValidationErrorKind.BooleanExpected => $"Expected true or false, found {Found(error.Token)}.",
            ValidationErrorKind.ObjectExpected => $"Expected an object, found {Found(error.Token)}.",
            ValidationErrorKind.ArrayExpected => $"Expected an array, found {Found(error.Token)}.",
            ValidationErrorKind.DateExpected => "Expected a calendar date in the form YYYY-MM-DD.",
            ValidationErrorKind.PatternMismatch when EcmaPatterns.Display(schema?.Pattern) == ControlCharacters.SchemaPattern =>
                "Holds a control character (such as NUL); text may hold only tab, carriage return and line feed among them.",
            ValidationErrorKind.PatternMismatch => $"Does not have the required form {EcmaPatterns.Display(schema?.Pattern)}.",
            ValidationErrorKind.StringTooShort => $"Must be at least {schema?.MinLength} characters long.",
            ValidationErrorKind.StringTooLong => $"Must be at most {schema?.MaxLength} characters long.",
            ValidationErrorKind.NumberTooSmall => schema?.IsExclusiveMinimum == true
                ? $"Must be greater than {Number(schema.Minimum)}."
                : $"Must be at least {Number(schema?.Minimum)}.",
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.IntegerTooBig => schema?.IsExclusiveMaximum == true
                ? $"Must be less than {Number(schema.Maximum)}."
                : $"Must be at most {Number(schema?.Maximum)}.",
            ValidationErrorKind.TooFewItems => $"Needs at least {schema?.MinItems} item(s).",
            ValidationErrorKind.TooManyItems => $"Allows at most {schema?.MaxItems} items.",
            ValidationErrorKind.ItemsNotUnique => "Items must not repeat.",
            ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf => "Matches none of the allowed alternatives.",
            _ => $"Breaks the schema ({error.Kind}).",
        };
    }

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Found(JToken? token) => token?.Type switch
    {
        JTokenType.String => "a string",
        JTokenType.Integer => "a whole number",
        JTokenType.Float => "a number",
        JTokenType.Boolean => "true or false",
        JTokenType.Null => "null",
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        _ => "another kind of value",
    };
}
