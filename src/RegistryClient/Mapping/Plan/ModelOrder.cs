using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>
/// Puts a template's members in the order the submission model's serialiser writes them, so a mapped document is byte
/// for byte what <see cref="SubmissionJson.SerializeToUtf8Bytes"/> writes for its typed submission. Its idempotency key
/// and content hash are then those of a typed enqueue, and the mapped bytes can be queued and sent as they are
/// (<see cref="Http.PreparedSubmission"/>). A member the model does not have (the validator rejects it) keeps its
/// place after the known ones.
/// </summary>
/// <remarks>
/// The order is read from the model types by reflection: public instance properties as declared, named in camelCase,
/// which is the serialiser's rule for these types (no inheritance, no order or name attributes). Reading it from the
/// serialiser's own metadata instead made every <c>registry map</c> JIT-compile some 1,500 generic metadata methods at
/// start-up (140 ms of a 260 ms run on the sample). A test holds the two orders equal for every model type.
/// </remarks>
internal static class ModelOrder
{
    /// <summary>Orders the template whose root sits at <paramref name="basePointer"/> in a submission ("" for the document,
    /// <c>/outcome/complications/0</c> for a column group's element).</summary>
    public static void Apply(Template template, string basePointer)
    {
        if (ModelTypeAt(basePointer) is { } type)
        {
            Order(template.Root, type);
        }
    }

    /// <summary>A profile's constant or default of an object or list shape, as the serialiser would write it (its members
    /// in the model's order); as given when it does not fit the model, which the validator then reports.</summary>
    /// <param name="node">The profile's value.</param>
    /// <param name="pointer">Where it goes in a submission.</param>
    public static JsonNode? Canonical(JsonNode? node, string pointer)
    {
        // An empty list or object is already written as the serialiser writes it; only a non-empty one pays for the
        // serialiser's metadata (a profile constant such as a whole research study, which is rare).
        if (node is not (JsonObject { Count: > 0 } or JsonArray { Count: > 0 }) || ModelTypeAt(pointer) is not { } model || TypeOf(model) is not { } type)
        {
            return node;
        }

        try
        {
            return JsonSerializer.SerializeToNode(node.Deserialize(type), type);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return node;
        }
    }

    private static void Order(ObjectNode node, Type type)
    {
        var properties = Members(type);
        int Rank(string name)
        {
            for (var i = 0; i < properties.Count; i++)
            {
                if (properties[i].Name == name)
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        // A stable sort: List.Sort is not, so the rank breaks ties by the node's place in the profile.
        var ranked = node.Children.Select((child, at) => (child, rank: Rank(child.Key), at)).OrderBy(c => c.rank).ThenBy(c => c.at).ToList();
        node.Children.Clear();
        foreach (var (child, rank, _) in ranked)
        {
            node.Children.Add(child);
            if (rank == int.MaxValue)
            {
                continue;
            }

            var childType = properties[rank].Type;
            switch (child.Value)
            {
                case ObjectNode obj when IsObject(childType):
                    Order(obj, childType);
                    break;
                case ArrayNode array when ElementOf(childType) is { } element && IsObject(element):
                    foreach (var item in array.Elements.Values.OfType<ObjectNode>())
                    {
                        Order(item, element);
                    }

                    break;
            }
        }
    }

    /// <summary>A model type's members as the serialiser writes them: its public instance properties in declaration
    /// order (metadata tokens follow the source), named in camelCase.</summary>
    internal static List<(string Name, Type Type)> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))
            .ToList();

    /// <summary>The model type at a pointer into a submission (list indexes step into the element type); null past a leaf.</summary>
    private static Type? ModelTypeAt(string pointer)
    {
        Type? type = typeof(Submission);
        foreach (var segment in pointer.Split('/').Skip(1))
        {
            type = type is null ? null
                : IsObject(type) ? Members(type).FirstOrDefault(m => m.Name == segment).Type
                : ElementOf(type);
        }

        return type;
    }

    /// <summary>A type of the model written as a JSON object (not a string, number, code, date or list).</summary>
    private static bool IsObject(Type type) => type.IsClass && type != typeof(string) && type.Namespace == typeof(Submission).Namespace && ElementOf(type) is null;

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable<>).MakeGenericType(element).IsAssignableFrom(type) ? element
        : null;

    private static JsonTypeInfo? TypeOf(Type type) =>
        RegistryJsonContext.Default.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
}
