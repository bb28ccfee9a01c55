using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>
/// Puts a template's members in the order the submission model's serialiser writes them, so a mapped document is byte
/// for byte what <see cref="SubmissionJson.SerializeToUtf8Bytes"/> writes for its typed submission. Its idempotency key
/// and content hash are then those of a typed enqueue, and the mapped bytes can be queued and sent as they are
/// (<see cref="Http.PreparedSubmission"/>). The order is read from the serialiser's own metadata, never kept as a
/// second list; a member the model does not have (the validator rejects it) keeps its place after the known ones.
/// </summary>
internal static class ModelOrder
{
    /// <summary>Orders the template whose root sits at <paramref name="basePointer"/> in a submission ("" for the document,
    /// <c>/outcome/complications/0</c> for a column group's element).</summary>
    public static void Apply(Template template, string basePointer)
    {
        if (TypeAt(basePointer) is { } type)
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
        if (node is not (JsonObject or JsonArray) || TypeAt(pointer) is not { } type)
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

    private static void Order(ObjectNode node, JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var properties = Serialised(type);
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
            var childType = rank == int.MaxValue ? null : TypeOf(properties[rank].PropertyType);
            switch (child.Value)
            {
                case ObjectNode obj when childType is not null:
                    Order(obj, childType);
                    break;
                case ArrayNode array when childType?.ElementType is { } elementType && TypeOf(elementType) is { } element:
                    foreach (var item in array.Elements.Values.OfType<ObjectNode>())
                    {
                        Order(item, element);
                    }

                    break;
            }
        }
    }

    /// <summary>The type info at a pointer into a submission (list indexes step into the element type).</summary>
    private static JsonTypeInfo? TypeAt(string pointer)
    {
        JsonTypeInfo? type = RegistryJsonContext.Default.Submission;
        foreach (var segment in pointer.Split('/').Skip(1))
        {
            type = type?.Kind switch
            {
                JsonTypeInfoKind.Object => Serialised(type).FirstOrDefault(p => p.Name == segment) is { } property ? TypeOf(property.PropertyType) : null,
                JsonTypeInfoKind.Enumerable when type.ElementType is { } element => TypeOf(element),
                _ => null,
            };
        }

        return type;
    }

    /// <summary>The properties in the order the serialiser writes them: by <c>JsonPropertyOrder</c>, then as declared.</summary>
    private static List<JsonPropertyInfo> Serialised(JsonTypeInfo type) =>
        type.Properties.Select((p, at) => (p, at)).OrderBy(p => p.p.Order).ThenBy(p => p.at).Select(p => p.p).ToList();

    private static JsonTypeInfo? TypeOf(Type type) =>
        RegistryJsonContext.Default.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
}
