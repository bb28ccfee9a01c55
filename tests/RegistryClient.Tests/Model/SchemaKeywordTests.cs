using System.Text.Json;

namespace RegistryClient.Tests.Model;

/// <summary>
/// NJsonSchema validates draft-04 reliably but silently ignores if/then/else, const, dependencies and the
/// 2019-09/2020-12 keywords. A rule written with one of them would look enforced and not be: these tests forbid them.
/// </summary>
public sealed class SchemaKeywordTests
{
    private static readonly HashSet<string> EnforcedDraft04Keywords =
    [
        "$schema", "id", "$ref", "title", "description", "default",
        "type", "enum", "format", "pattern", "minLength", "maxLength",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "properties", "required", "additionalProperties", "definitions",
        "items", "minItems", "maxItems", "uniqueItems",
        "anyOf", "allOf", "oneOf", "not",
    ];

    // Keywords whose values are maps of names to schemas rather than schemas.
    private static readonly HashSet<string> SchemaMaps = ["properties", "definitions"];

    [Fact]
    public void Schema_UsesOnlyKeywordsTheValidatorEnforces()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Samples.SchemaFile));
        var offences = new List<string>();
        Walk(schema.RootElement, "#", offences);

        Assert.True(offences.Count == 0, "Keywords NJsonSchema ignores or misreads:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void Walker_FlagsConstAndIfThenElse()
    {
        using var schema = JsonDocument.Parse("""{ "type": "object", "properties": { "a": { "const": 1 } }, "if": {}, "then": {} }""");
        var offences = new List<string>();
        Walk(schema.RootElement, "#", offences);

        Assert.Equal(3, offences.Count);
    }

    [Fact]
    public void Schema_DeclaresDraft04()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Samples.SchemaFile));
        Assert.Equal(RegistryClient.Model.SubmissionSchema.Draft, schema.RootElement.GetProperty("$schema").GetString());
    }

    private static void Walk(JsonElement schema, string location, List<string> offences)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            var here = $"{location}/{keyword.Name}";
            if (!EnforcedDraft04Keywords.Contains(keyword.Name))
            {
                offences.Add($"{here}: '{keyword.Name}' is not an enforced draft-04 keyword");
                continue;
            }

            // Draft-06 turned exclusiveMinimum/Maximum into numbers; draft-04 validators read only the boolean form.
            if (keyword.Name is "exclusiveMinimum" or "exclusiveMaximum" && keyword.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                offences.Add($"{here}: must be a boolean in draft-04");
            }

            switch (keyword.Value.ValueKind)
            {
                case JsonValueKind.Object when SchemaMaps.Contains(keyword.Name):
                    foreach (var named in keyword.Value.EnumerateObject())
                    {
                        Walk(named.Value, $"{here}/{named.Name}", offences);
                    }

                    break;
                case JsonValueKind.Object when keyword.Name is "items" or "additionalProperties" or "not":
                    Walk(keyword.Value, here, offences);
                    break;
                case JsonValueKind.Array when keyword.Name is "anyOf" or "allOf" or "oneOf":
                    var i = 0;
                    foreach (var branch in keyword.Value.EnumerateArray())
                    {
                        Walk(branch, $"{here}/{i++}", offences);
                    }

                    break;
            }
        }
    }
}
