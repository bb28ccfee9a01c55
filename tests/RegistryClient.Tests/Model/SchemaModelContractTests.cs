using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using RegistryClient.Model;

namespace RegistryClient.Tests.Model;

/// <summary>
/// The schema file and the C# model describe one dataset. These tests walk both and fail on any property,
/// required-ness, type or enumeration code that one has and the other lacks.
/// </summary>
public sealed class SchemaModelContractTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(Samples.SchemaFile)).RootElement;

    [Fact]
    public void Model_AndSchema_AgreePropertyByPropertyAndEnumByEnum()
    {
        var differences = new List<string>();
        CompareObject(Schema, typeof(Submission), "", differences);

        Assert.True(differences.Count == 0, "Schema and model disagree:\n" + string.Join("\n", differences));
    }

    [Fact]
    public void Comparison_DetectsAMissingEnumCode()
    {
        // Guards the walker itself: a schema enum with one code removed must be reported against the model enum.
        var differences = new List<string>();
        using var trimmed = JsonDocument.Parse("""{ "type": "string", "enum": ["left", "right"] }""");
        CompareValue(trimmed.RootElement, typeof(Side), "/presentation/side", differences);

        Assert.Contains(differences, d => d.Contains("bilateral", StringComparison.Ordinal));
    }

    [Fact]
    public void Comparison_DetectsARequiredPropertyTheModelTreatsAsOptional()
    {
        var differences = new List<string>();
        using var schema = JsonDocument.Parse(
            """
            { "type": "object", "additionalProperties": false, "required": ["organisationCode", "softwareName"],
              "properties": { "organisationCode": { "type": "string" }, "softwareName": { "type": "string" }, "softwareVersion": { "type": "string" } } }
            """);
        CompareObject(schema.RootElement, typeof(Submitter), "/submitter", differences);

        Assert.Contains(differences, d => d.Contains("/submitter/softwareName", StringComparison.Ordinal));
    }

    [Fact]
    public void EmbeddedSchema_IsTheSchemaFile()
    {
        Assert.Equal(File.ReadAllText(Samples.SchemaFile), SubmissionSchema.ReadText());
    }

    private static void CompareObject(JsonElement schema, Type type, string pointer, List<string> differences)
    {
        schema = Resolve(schema);
        if (!schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False)
        {
            differences.Add($"{pointer}: schema object must say additionalProperties: false");
        }

        var schemaProperties = schema.GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var schemaRequired = schema.TryGetProperty("required", out var req)
            ? req.EnumerateArray().Select(r => r.GetString()!).ToHashSet()
            : [];
        var modelProperties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));

        foreach (var name in schemaProperties.Keys.Except(modelProperties.Keys))
        {
            differences.Add($"{pointer}/{name}: in the schema, missing from {type.Name}");
        }

        foreach (var name in modelProperties.Keys.Except(schemaProperties.Keys))
        {
            differences.Add($"{pointer}/{name}: in {type.Name}, missing from the schema");
        }

        foreach (var (name, property) in modelProperties)
        {
            if (!schemaProperties.TryGetValue(name, out var propertySchema))
            {
                continue;
            }

            var modelRequired = property.GetCustomAttribute<RequiredMemberAttribute>() is not null
                || property.GetCustomAttribute<JsonRequiredAttribute>() is not null;
            if (modelRequired != schemaRequired.Contains(name))
            {
                differences.Add($"{pointer}/{name}: required in {(modelRequired ? "the model" : "the schema")} only");
            }

            var nullable = new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;
            if (!modelRequired && !nullable)
            {
                differences.Add($"{pointer}/{name}: optional in the schema but not nullable in {type.Name}");
            }

            CompareValue(propertySchema, property.PropertyType, $"{pointer}/{name}", differences);
        }
    }

    private static void CompareValue(JsonElement schema, Type type, string pointer, List<string> differences)
    {
        schema = Resolve(schema);
        type = Nullable.GetUnderlyingType(type) ?? type;
        var schemaType = schema.TryGetProperty("type", out var t) ? t.GetString() : null;

        switch (schemaType)
        {
            case "object":
                CompareObject(schema, type, pointer, differences);
                break;
            case "array":
                var element = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
                    ? type.GetGenericArguments()[0]
                    : null;
                if (element is null)
                {
                    differences.Add($"{pointer}: an array in the schema but {type.Name} in the model");
                    break;
                }

                CompareValue(schema.GetProperty("items"), element, pointer + "/-", differences);
                break;
            case "string" when type.IsEnum:
                var schemaCodes = schema.TryGetProperty("enum", out var codes) ? codes.EnumerateArray().Select(c => c.GetString()!).ToHashSet() : [];
                var modelCodes = Enum.GetNames(type).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)).ToHashSet();
                foreach (var code in schemaCodes.Except(modelCodes))
                {
                    differences.Add($"{pointer}: code '{code}' in the schema, missing from enum {type.Name}");
                }

                foreach (var code in modelCodes.Except(schemaCodes))
                {
                    differences.Add($"{pointer}: code '{code}' in enum {type.Name}, missing from the schema");
                }

                break;
            case "string":
                var formatName = schema.TryGetProperty("format", out var format) ? format.GetString() : null;
                var isDate = formatName is "date" or "date-time";
                var expected = formatName == "date" ? typeof(DateTime) : formatName == "date-time" ? typeof(DateTimeOffset) : typeof(string);
                if (type != expected)
                {
                    differences.Add($"{pointer}: schema {(isDate ? formatName : "string")} but {type.Name} in the model");
                }

                break;
            case "integer" when type != typeof(int):
            case "number" when type != typeof(double):
            case "boolean" when type != typeof(bool):
                differences.Add($"{pointer}: schema {schemaType} but {type.Name} in the model");
                break;
            case "integer" or "number" or "boolean":
                break;
            default:
                differences.Add($"{pointer}: schema type '{schemaType}' has no model mapping");
                break;
        }
    }

    private static JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/definitions/".Length..];
            schema = Schema.GetProperty("definitions").GetProperty(name);
        }

        return schema;
    }
}
