using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace RegistryClient.Tests.Testing;

/// <summary>One HTTP exchange as a client saw it.</summary>
internal sealed record Exchange(
    string Method, string Path, int Status, string? ContentType, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? RequestContentType, byte[]? RequestBody);

/// <summary>
/// schemas/registry-api.v1.openapi.yaml as a checker: finds the operation an exchange belongs to and says everything in
/// the response (status, media type, body, documented headers) that the document does not allow. Bodies are checked
/// with JsonSchema.Net against the document's own schemas (OpenAPI 3.1 speaks JSON Schema 2020-12).
/// </summary>
internal sealed partial class OpenApiContract
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private readonly JsonObject _components;

    private OpenApiContract(JsonObject document)
    {
        Document = document;
        _components = document["components"]!.AsObject();
    }

    public JsonObject Document { get; }

    public static OpenApiContract Load()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Samples.RepositoryRoot, "schemas", "registry-api.v1.openapi.yaml")))
        {
            stream.Load(reader);
        }

        return new OpenApiContract(ToJson(stream.Documents[0].RootNode)!.AsObject());
    }

    /// <summary>Every (method, path template, status) the document lists.</summary>
    public IEnumerable<(string Method, string Path, string Status)> DocumentedOutcomes() =>
        from path in Document["paths"]!.AsObject()
        from method in path.Value!.AsObject().Where(m => Methods.Contains(m.Key))
        from status in method.Value!["responses"]!.AsObject()
        select (method.Key.ToUpperInvariant(), path.Key, status.Key);

    /// <summary>Every (method, path template, status, problem type) the document names: a status whose problem schema
    /// narrows <c>type</c> (by <c>const</c> or <c>enum</c>, through <c>allOf</c>/<c>oneOf</c>) has one outcome per type.</summary>
    public IEnumerable<(string Method, string Path, string Status, string Type)> DocumentedProblemTypes() =>
        from outcome in DocumentedOutcomes()
        let response = Resolve(Document["paths"]![outcome.Path]![outcome.Method.ToLowerInvariant()]!["responses"]![outcome.Status])
        from type in ProblemTypesOf(response?["content"]?["application/problem+json"]?["schema"]).Distinct()
        select (outcome.Method, outcome.Path, outcome.Status, type);

    /// <summary>The documented operation a request went to: literal paths win over templated ones.</summary>
    public (string Method, string Path)? Match(string method, string path)
    {
        var candidates = Document["paths"]!.AsObject()
            .Where(p => p.Value![method.ToLowerInvariant()] is not null)
            .Where(p => Regex.IsMatch(path, "^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^/]+?}", "[^/]+") + "$"))
            .OrderBy(p => p.Key.Contains('{', StringComparison.Ordinal))
            .Select(p => p.Key)
            .ToList();
        return candidates.Count == 0 ? null : (method.ToUpperInvariant(), candidates[0]);
    }

    /// <summary>What is wrong with the exchange against the document; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(Exchange exchange)
    {
        var name = $"{exchange.Method} {exchange.Path} -> {exchange.Status}";
        if (Match(exchange.Method, exchange.Path) is not { } operation)
        {
            return [$"{name}: no documented operation"];
        }

        var responses = Document["paths"]![operation.Path]![operation.Method.ToLowerInvariant()]!["responses"]!.AsObject();
        if (Resolve(responses[exchange.Status.ToString(CultureInfo.InvariantCulture)]) is not JsonObject response)
        {
            return [$"{name}: status not listed for {operation.Method} {operation.Path}"];
        }

        var problems = new List<string>();
        var mediaType = exchange.ContentType?.Split(';')[0].Trim();
        if (response["content"] is not JsonObject content)
        {
            if (exchange.Body.Length > 0)
            {
                problems.Add($"{name}: a body where the document lists none");
            }
        }
        else if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            problems.Add($"{name}: content type '{mediaType}' not listed ({string.Join(", ", content.Select(c => c.Key))})");
        }
        else
        {
            problems.AddRange(Validate(name + " body", media["schema"], exchange.Body));
        }

        foreach (var (header, definition) in response["headers"]?.AsObject() ?? [])
        {
            var resolved = Resolve(definition);
            if (!exchange.Headers.TryGetValue(header, out var value))
            {
                if (resolved?["required"] is JsonValue required && (bool)required!)
                {
                    problems.Add($"{name}: required header {header} not sent");
                }
            }
            else if (resolved?["schema"]?["pattern"] is JsonValue pattern && !Regex.IsMatch(value, (string)pattern!))
            {
                problems.Add($"{name}: header {header} '{value}' does not match {pattern}");
            }
        }

        var request = Document["paths"]![operation.Path]![operation.Method.ToLowerInvariant()]!["requestBody"];
        if (exchange.Status is >= 200 and < 300 && Resolve(request)?["content"]?["application/json"]?["schema"] is JsonObject { Count: > 0 } requestSchema)
        {
            problems.AddRange(Validate(name + " request body", requestSchema, exchange.RequestBody ?? []));
        }

        return problems;
    }

    /// <summary>Validates JSON against a schema of the document (inline, or a $ref into components/schemas).</summary>
    public IEnumerable<string> Validate(string name, JsonNode? schema, byte[] json)
    {
        if (schema is null)
        {
            return [];
        }

        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return [$"{name}: not JSON"];
        }

        var result = Compile(schema).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid
            ? []
            : [$"{name}: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5))];
    }

    private JsonSchema Compile(JsonNode schema) => _schemas.GetOrAdd(schema.ToJsonString(), text =>
    {
        // The schema with every component beside it as $defs, so $refs resolve inside one 2020-12 document.
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://contract.test/" + Guid.NewGuid().ToString("N"),
        };
        var defs = RewriteRefs(_components["schemas"]!.DeepClone());
        var own = RewriteRefs(JsonNode.Parse(text)!);
        foreach (var (key, value) in own.AsObject().ToList())
        {
            own.AsObject().Remove(key);
            root[key] = value;
        }

        root["$defs"] = defs;
        return JsonSchema.FromText(root.ToJsonString());
    });

    private static JsonNode RewriteRefs(JsonNode node)
    {
        var text = node.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
        return JsonNode.Parse(text)!;
    }

    private IEnumerable<string> ProblemTypesOf(JsonNode? schema)
    {
        if (schema is JsonObject { } reference && reference["$ref"] is JsonValue target && (string)target! == "#/components/schemas/ProblemType")
        {
            yield break; // the list of every type, not a narrowing
        }

        if (Resolve(schema) is not JsonObject resolved)
        {
            yield break;
        }

        if (resolved["properties"]?["type"] is JsonObject type)
        {
            if (type["const"] is JsonValue single)
            {
                yield return (string)single!;
            }

            foreach (var value in type["enum"]?.AsArray() ?? [])
            {
                yield return (string)value!;
            }
        }

        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
        {
            foreach (var part in resolved[combinator]?.AsArray() ?? [])
            {
                foreach (var found in ProblemTypesOf(part))
                {
                    yield return found;
                }
            }
        }
    }

    /// <summary>Follows a Reference Object ($ref into components) to what it names.</summary>
    private JsonNode? Resolve(JsonNode? node)
    {
        while (node is JsonObject o && o["$ref"] is JsonValue reference && ((string)reference!).StartsWith("#/components/", StringComparison.Ordinal))
        {
            node = ((string)reference!)[2..].Split('/').Aggregate((JsonNode?)Document, (current, segment) => current?[segment]);
        }

        return node;
    }

    /// <summary>YAML to JSON: plain scalars that read as JSON literals (numbers, booleans, null) become them; the rest are strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException("Unexpected YAML node " + node.NodeType),
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        "null" or "~" or "" => null,
        _ when IntegerPattern().IsMatch(value) => JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture)),
        _ when NumberPattern().IsMatch(value) => JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value),
    };

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^-?[0-9]+\.[0-9]+([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
