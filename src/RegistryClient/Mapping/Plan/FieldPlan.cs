using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>What fills one field: its column's position in the header (or a constant), and how a cell converts.</summary>
internal sealed class Leaf
{
    public required string Pointer { get; init; }

    public required FieldType Type { get; init; }

    public required int Slot { get; init; }

    /// <summary>The column's name, or null for a constant or a derived field.</summary>
    public string? ColumnName { get; init; }

    /// <summary>The column's position in the header; -1 without one.</summary>
    public int Column { get; set; } = -1;

    public Slot? Constant { get; init; }

    public Slot? Default { get; init; }

    public Dictionary<string, Slot>? Values { get; init; }

    public string? ValuesDescription { get; init; }

    public IReadOnlyList<string> DateFormats { get; init; } = [Mapping.DateFormats.Iso];

    /// <summary>How a date-time field's cells are read; null for every other field.</summary>
    public TimestampReader? Timestamps { get; init; }

    public string? Split { get; init; }

    public bool IgnoreCase { get; init; }

    public bool IsIdentifier { get; init; }

    /// <summary>The leaf's number in its plan (0 to <see cref="FieldPlan.LeafCount"/> - 1), for per-leaf tables.</summary>
    public int Id { get; private set; }

    /// <summary>Whether converting a cell does more than take its text (a value map, a code list, a date, a number, a
    /// yes/no, a list), so a <see cref="CellMemo"/> is worth asking first. Never for the NHS number: each is its own.</summary>
    public bool Memoised { get; private set; }

    /// <summary>Numbers the leaf in its plan and decides <see cref="Memoised"/>, once, when the plan is made.</summary>
    public void Number(int id)
    {
        Id = id;
        Memoised = ColumnName is not null && !IsIdentifier
            && (Values is not null || Type.Codes is not null || Type.IsDate || Type.IsDateTime || Type.Kind is "boolean" or "integer" or "number" or "array");
    }
}

/// <summary>A node of the document a template writes: an object, a list or a value.</summary>
internal abstract class PlanNode
{
    /// <summary>A constant or default on a container (an empty list or object), written when nothing inside has a value.</summary>
    public Leaf? Base { get; set; }

    /// <summary>The node's number in its template (0 for the root), to remember per instance whether it has a value.</summary>
    public int Id { get; set; }

    /// <summary>The node's property name in its parent object, encoded for the writer once.</summary>
    public JsonEncodedText Name
    {
        get => _name;
        set
        {
            _name = value;
            var quoted = new byte[value.EncodedUtf8Bytes.Length + 3];
            quoted[0] = quoted[^2] = (byte)'"';
            quoted[^1] = (byte)':';
            value.EncodedUtf8Bytes.CopyTo(quoted.AsSpan(1));
            QuotedName = quoted;
        }
    }

    /// <summary>The name as the document writes it: <c>"name":</c>.</summary>
    public byte[] QuotedName { get; private set; } = [];

    private JsonEncodedText _name;

    /// <summary>The node's pointer relative to its template's root ("" for the root).</summary>
    public string Pointer { get; init; } = "";

    /// <summary>The first column that feeds this node, to locate "required but empty" errors.</summary>
    public abstract string? FirstColumn { get; }
}

internal sealed class ValueNode(Leaf leaf) : PlanNode
{
    public Leaf Leaf { get; } = leaf;

    public override string? FirstColumn => Leaf.ColumnName;
}

internal sealed class ObjectNode(FieldType type) : PlanNode
{
    public FieldType Type { get; } = type;

    public List<KeyValuePair<string, PlanNode>> Children { get; } = [];

    /// <summary>The children's nodes in order, as an array (read per episode, without an enumerator); set when the
    /// template is sealed.</summary>
    public PlanNode[] ChildNodes { get; set; } = [];

    public override string? FirstColumn => Children.Select(c => c.Value.FirstColumn).FirstOrDefault(c => c is not null);

    public PlanNode? Child(string name) => Children.FirstOrDefault(c => c.Key == name).Value;

    /// <summary>The schema's required properties with their nodes (null where the profile maps nothing), resolved once.</summary>
    public KeyValuePair<string, PlanNode?>[] Required => _required ??= Type.Required.Select(n => new KeyValuePair<string, PlanNode?>(n, Child(n))).ToArray();

    private KeyValuePair<string, PlanNode?>[]? _required;
}

internal sealed class ArrayNode(FieldType type) : PlanNode
{
    public FieldType Type { get; } = type;

    /// <summary>Elements addressed by index in the profile, in index order.</summary>
    public SortedList<int, PlanNode> Elements { get; } = [];

    /// <summary>The elements' nodes in index order, as an array (read per episode, without an enumerator); set when
    /// the template is sealed.</summary>
    public PlanNode[] ElementNodes { get; set; } = [];

    /// <summary>Column groups that add an element each, in the profile's order.</summary>
    public List<GroupPlan> Groups { get; } = [];

    /// <summary>Whether follow-up rows add their elements here.</summary>
    public bool TakesFollowUpRows { get; set; }

    public override string? FirstColumn => Elements.Values.Select(e => e.FirstColumn).FirstOrDefault(c => c is not null);
}

/// <summary>The fields of one document or element: a tree of nodes over a set of value slots.</summary>
internal sealed class Template
{
    public Template(ObjectNode root, List<Leaf> leaves) => (Root, Leaves) = (root, leaves);

    public ObjectNode Root { get; }

    public List<Leaf> Leaves { get; }

    /// <summary>How many nodes the tree has (their <see cref="PlanNode.Id"/>s are 0 to this - 1), once sealed.</summary>
    public int NodeCount { get; private set; }

    /// <summary>Numbers the nodes and fixes each list's elements, once the plan has added every node (column groups add
    /// arrays to the episode's tree).</summary>
    public void Seal() => NodeCount = Number(Root, 0);

    private static int Number(PlanNode node, int next)
    {
        node.Id = next++;
        switch (node)
        {
            case ObjectNode obj:
                obj.ChildNodes = [.. obj.Children.Select(c => c.Value)];
                foreach (var child in obj.ChildNodes)
                {
                    next = Number(child, next);
                }

                break;
            case ArrayNode array:
                array.ElementNodes = [.. array.Elements.Values];
                foreach (var element in array.ElementNodes)
                {
                    next = Number(element, next);
                }

                break;
        }

        return next;
    }
}

/// <summary>A column group: its element's template, and the column (or columns) whose value makes it exist.</summary>
internal sealed class GroupPlan(int index, string name, Template template, string? anchorName)
{
    public int Index { get; } = index;

    public string Name { get; } = name;

    public Template Template { get; } = template;

    public string? AnchorName { get; } = anchorName;

    public int Anchor { get; set; } = -1;
}

/// <summary>A profile compiled against the submission schema: the episode template, the follow-up row template and
/// the groups, with columns resolved to header positions once per input.</summary>
internal sealed class FieldPlan
{
    private FieldPlan(MappingProfile profile, Template episode, Template? followUp, List<GroupPlan> groups)
    {
        Profile = profile;
        Episode = episode;
        FollowUp = followUp;
        Groups = groups;
        Vocabulary = new Vocabulary(profile.Booleans);
        ProcedureDate = episode.Leaves.FirstOrDefault(l => l.Pointer == "/procedure/procedureDate");
        AgeAtProcedure = episode.Leaves.FirstOrDefault(l => l.Pointer == "/patient/ageAtProcedure" && l.ColumnName is null && l.Constant is null);
        DvtClass = profile.Fields.ContainsKey("/presentation/dvtClass") ? null : episode.Leaves.FirstOrDefault(l => l.Pointer == "/presentation/dvtClass");
        ClotSegments = episode.Leaves.FirstOrDefault(l => l.Pointer == "/presentation/clotSegments");
        DateOfBirthFormats = profile.DateOfBirth is { } dob ? Mapping.DateFormats.Of(dob.Format, dob.Formats) : [];
        var id = 0;
        foreach (var leaf in AllLeaves())
        {
            leaf.Number(id++);
        }

        LeafCount = id;
        ModelOrder.Apply(episode, "");
        episode.Seal();
        if (followUp is not null)
        {
            ModelOrder.Apply(followUp, "/followUps/0");
            followUp.Seal();
        }

        foreach (var group in groups)
        {
            ModelOrder.Apply(group.Template, profile.Groups![group.Index].Target + "/0");
            group.Template.Seal();
        }
    }

    public MappingProfile Profile { get; }

    public Template Episode { get; }

    public Template? FollowUp { get; }

    public List<GroupPlan> Groups { get; }

    public Vocabulary Vocabulary { get; }

    /// <summary>How many leaves the plan has, in all its templates.</summary>
    public int LeafCount { get; }

    public Leaf? ProcedureDate { get; }

    /// <summary>The derived age (from the date of birth), when the profile has one.</summary>
    public Leaf? AgeAtProcedure { get; }

    /// <summary>The derived DVT class (from the clot segments), when the profile does not map it.</summary>
    public Leaf? DvtClass { get; }

    public Leaf? ClotSegments { get; }

    /// <summary>The forms the date of birth column is read in.</summary>
    public IReadOnlyList<string> DateOfBirthFormats { get; }

    public int DateOfBirthColumn { get; private set; } = -1;

    public int KeyColumn { get; private set; } = -1;

    public int RowKindColumn { get; private set; } = -1;

    public static FieldPlan Compile(MappingProfile profile)
    {
        var groups = new List<GroupPlan>();
        for (var i = 0; i < (profile.Groups?.Count ?? 0); i++)
        {
            var group = profile.Groups![i];
            var template = TemplateBuilder.Build(group.Fields, group.Target + "/0", profile, null);
            groups.Add(new GroupPlan(i, group.Name ?? $"group {i + 1} ({group.Target})", template, group.Anchor));
        }

        var followUp = profile.FollowUpFields is { } followUpFields ? TemplateBuilder.Build(followUpFields, "/followUps/0", profile, null) : null;
        var extras = new Dictionary<string, FieldMap?> { ["/schemaVersion"] = new FieldMap { Constant = Submission.CurrentSchemaVersion } };
        if (profile.DateOfBirth is not null)
        {
            extras["/patient/ageAtProcedure"] = null; // derived
        }

        if (!profile.Fields.ContainsKey("/presentation/dvtClass") && profile.Fields.ContainsKey("/presentation/clotSegments"))
        {
            extras["/presentation/dvtClass"] = null; // derived
        }

        var episode = TemplateBuilder.Build(profile.Fields, "", profile, extras);
        foreach (var group in groups)
        {
            TemplateBuilder.ArrayAt(episode, profile.Groups![group.Index].Target).Groups.Add(group);
        }

        if (followUp is not null)
        {
            TemplateBuilder.ArrayAt(episode, "/followUps").TakesFollowUpRows = true;
        }

        return new FieldPlan(profile, episode, followUp, groups);
    }

    /// <summary>Every column the profile names, for the header check.</summary>
    public IEnumerable<string> Columns()
    {
        var profile = Profile;
        yield return profile.Key;
        if (profile.RowKind is { } kind)
        {
            yield return kind.Column;
        }

        if (profile.DateOfBirth is { } dob)
        {
            yield return dob.Column;
        }

        foreach (var leaf in AllLeaves().Where(l => l.ColumnName is not null))
        {
            yield return leaf.ColumnName!;
        }

        foreach (var group in Groups.Where(g => g.AnchorName is not null))
        {
            yield return group.AnchorName!;
        }
    }

    /// <summary>Resolves every column to its header position (the header check has made sure each exists once).</summary>
    public bool[] Bind(IReadOnlyList<string> header)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = header.Count - 1; i >= 0; i--)
        {
            positions[header[i].Trim()] = i;
        }

        int At(string? column) => column is not null && positions.TryGetValue(column, out var i) ? i : -1;
        foreach (var leaf in AllLeaves())
        {
            leaf.Column = At(leaf.ColumnName);
        }

        foreach (var group in Groups)
        {
            group.Anchor = At(group.AnchorName);
        }

        KeyColumn = At(Profile.Key);
        RowKindColumn = At(Profile.RowKind?.Column);
        DateOfBirthColumn = At(Profile.DateOfBirth?.Column);
        var used = new bool[header.Count];
        foreach (var column in Columns())
        {
            if (At(column) is var i and >= 0)
            {
                used[i] = true;
            }
        }

        return used;
    }

    private IEnumerable<Leaf> AllLeaves() =>
        Episode.Leaves.Concat(FollowUp?.Leaves ?? []).Concat(Groups.SelectMany(g => g.Template.Leaves));
}
