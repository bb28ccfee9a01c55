using System.Text;
using NJsonSchema;

namespace RegistryClient.Validation.Schema;

/// <summary>
/// Gives the schema's patterns the ECMA-262 meaning JSON Schema prescribes under .NET's regular expressions, which
/// NJsonSchema uses as they are: in .NET <c>$</c> also matches before a final newline, so <c>"RJ1\n"</c> would pass
/// <c>^[A-Z0-9]{3}$</c>. Each <c>$</c> outside a character class becomes <c>\z</c> (the very end only).
/// </summary>
internal static class EcmaPatterns
{
    public static void Apply(JsonSchema root)
    {
        var seen = new HashSet<JsonSchema>();
        var pending = new Stack<JsonSchema>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var schema = pending.Pop();
            if (!seen.Add(schema))
            {
                continue;
            }

            if (!string.IsNullOrEmpty(schema.Pattern))
            {
                schema.Pattern = AnchorAtEnd(schema.Pattern!);
            }

            foreach (var child in Children(schema))
            {
                pending.Push(child);
            }
        }
    }

    /// <summary>The pattern as written in the schema, for messages.</summary>
    public static string Display(string? pattern) => pattern?.Replace(@"\z", "$") ?? "";

    internal static string AnchorAtEnd(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                result.Append(c).Append(pattern[++i]);
                continue;
            }

            inClass = c == '[' ? true : c == ']' ? false : inClass;
            result.Append(c == '$' && !inClass ? @"\z" : c.ToString());
        }

        return result.ToString();
    }

    private static IEnumerable<JsonSchema> Children(JsonSchema schema)
    {
        foreach (var property in schema.Properties.Values)
        {
            yield return property;
        }

        foreach (var group in new IEnumerable<JsonSchema>[] { schema.Definitions.Values, schema.AllOf, schema.AnyOf, schema.OneOf, schema.Items, schema.PatternProperties.Values })
        {
            foreach (var child in group)
            {
                yield return child;
            }
        }

        foreach (var single in new JsonSchema?[] { schema.Reference, schema.Item, schema.Not, schema.AdditionalPropertiesSchema, schema.AdditionalItemsSchema })
        {
            if (single is not null)
            {
                yield return single;
            }
        }
    }
}
