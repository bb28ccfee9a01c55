using System.Text.Json.Nodes;

namespace RegistryClient.Mapping;

/// <summary>Builds a <see cref="Template"/> from a profile's field maps: one node per pointer segment, typed by the schema.</summary>
internal static class TemplateBuilder
{
    private static SchemaTypes Types => SchemaTypes.Submission;

    /// <param name="fields">Field maps by pointer relative to <paramref name="basePointer"/>.</param>
    /// <param name="basePointer">Where the template's root sits in a submission ("" for the document).</param>
    /// <param name="profile">The profile, for its profile-wide settings.</param>
    /// <param name="extras">Fields the mapper adds when the profile does not map them (null map: derived).</param>
    public static Template Build(IReadOnlyDictionary<string, FieldMap> fields, string basePointer, MappingProfile profile, Dictionary<string, FieldMap?>? extras)
    {
        var root = new ObjectNode(Types.At("", basePointer)!);
        var leaves = new List<Leaf>();
        var all = fields.Select(f => new KeyValuePair<string, FieldMap?>(f.Key, f.Value))
            .Concat((extras ?? []).Where(e => !fields.ContainsKey(e.Key)));
        foreach (var (pointer, map) in all)
        {
            var type = Types.At(pointer, basePointer)!;
            var leaf = CreateLeaf(pointer, map, type, leaves.Count, profile, basePointer);
            leaves.Add(leaf);
            var segments = pointer.Split('/').Skip(1).ToArray();
            PlanNode node = root;
            for (var i = 0; i < segments.Length - 1; i++)
            {
                node = Ensure(node, segments[i], basePointer, "/" + string.Join("/", segments.Take(i + 1)));
            }

            var last = segments[segments.Length - 1];
            if (Find(node, last) is { } existing)
            {
                existing.Base = leaf;
            }
            else
            {
                Put(node, last, new ValueNode(leaf) { Pointer = pointer });
            }
        }

        return new Template(root, leaves);
    }

    /// <summary>The list node at <paramref name="pointer"/> of a document template, created when the profile maps nothing inside it.</summary>
    public static ArrayNode ArrayAt(Template template, string pointer)
    {
        PlanNode node = template.Root;
        var segments = pointer.Split('/').Skip(1).ToArray();
        for (var i = 0; i < segments.Length; i++)
        {
            node = Ensure(node, segments[i], "", "/" + string.Join("/", segments.Take(i + 1)));
        }

        return (ArrayNode)node;
    }

    private static PlanNode Ensure(PlanNode parent, string segment, string basePointer, string pointer)
    {
        var existing = Find(parent, segment);
        if (existing is ObjectNode or ArrayNode)
        {
            return existing;
        }

        var type = Types.At(pointer, basePointer)!;
        PlanNode created = type.Kind == "array" ? new ArrayNode(type) { Pointer = pointer } : new ObjectNode(type) { Pointer = pointer };
        created.Base = (existing as ValueNode)?.Leaf;
        Put(parent, segment, created);
        return created;
    }

    private static PlanNode? Find(PlanNode parent, string segment) => parent switch
    {
        ObjectNode obj => obj.Child(segment),
        ArrayNode array when PointerIndex.TryParse(segment, out var index) && array.Elements.TryGetValue(index, out var element) => element,
        _ => null,
    };

    private static void Put(PlanNode parent, string segment, PlanNode child)
    {
        if (parent is ArrayNode array)
        {
            PointerIndex.TryParse(segment, out var index);
            array.Elements[index] = child;
            return;
        }

        child.Name = JsonEncodedText.Encode(segment);
        var children = ((ObjectNode)parent).Children;
        var at = children.FindIndex(c => c.Key == segment);
        if (at >= 0)
        {
            children[at] = new(segment, child);
        }
        else
        {
            children.Add(new(segment, child));
        }
    }

    private static Leaf CreateLeaf(string pointer, FieldMap? map, FieldType type, int slot, MappingProfile profile, string basePointer)
    {
        if (map is null)
        {
            return new Leaf { Pointer = pointer, Type = type, Slot = slot };
        }

        var ignoreCase = map.IgnoreCase ?? profile.IgnoreCase ?? false;
        var scalar = type.Kind == "array" ? type.Items ?? type : type;
        Dictionary<string, Slot>? values = null;
        if (map.Values is not null)
        {
            values = new Dictionary<string, Slot>(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
            foreach (var (local, value) in map.Values)
            {
                values[local.Trim()] = Slot.Of(value, scalar);
            }
        }

        return new Leaf
        {
            Pointer = pointer,
            Type = type,
            Slot = slot,
            ColumnName = map.Column,
            Constant = map.Constant is JsonNode constant ? Slot.Of(ModelOrder.Canonical(constant, basePointer + pointer), type) : null,
            Default = map.Default is JsonNode fallback ? Slot.Of(ModelOrder.Canonical(fallback, basePointer + pointer), type) : null,
            Values = values,
            ValuesDescription = map.Values is null ? null : Describe(map.Values.Keys),
            DateFormats = DateFormats.Of(map.Format, map.Formats),
            Timestamps = scalar.IsDateTime ? new TimestampReader(map.Format, map.Formats, map.TimeZone) : null,
            Split = map.Split,
            IgnoreCase = ignoreCase,
            IsIdentifier = basePointer.Length == 0 && pointer == "/patient/nhsNumber",
        };
    }

    private static string Describe(IEnumerable<string> codes)
    {
        var list = codes.ToList();
        return string.Join(", ", list.Take(12)) + (list.Count > 12 ? $" and {list.Count - 12} more" : "");
    }
}
