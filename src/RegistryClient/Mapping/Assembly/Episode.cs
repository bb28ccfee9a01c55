using System.Globalization;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>The converted values of one document or element, and the row they came from. Reused from episode to
/// episode by an <see cref="InstancePool"/> (the slots were a third of the bytes a mapping allocated).</summary>
internal sealed class Instance(Template template)
{
    public Template Template { get; } = template;

    public Slot[] Slots { get; } = new Slot[template.Leaves.Count];

    /// <summary>Per node of the template: 0 not yet known, 1 has something to write, 2 has nothing (the writer's memo).</summary>
    public byte[] Written { get; } = new byte[template.NodeCount];

    public int Row { get; set; }

    /// <summary>The group's name, to say which group an error is in.</summary>
    public string? Context { get; set; }

    /// <summary>Forgets the values (and the references they hold) for the next episode.</summary>
    public void Clear()
    {
        Array.Clear(Slots, 0, Slots.Length);
        Array.Clear(Written, 0, Written.Length);
    }
}

/// <summary>The instances one finishing thread fills, episode after episode: rented while an episode is converted and
/// written, all given back once its document is made. Not thread-safe: one per batch of episodes.</summary>
internal sealed class InstancePool
{
    private readonly Dictionary<Template, Stack<Instance>> _free = [];
    private readonly List<Instance> _rented = [];
    private CellMemo? _memo;

    /// <summary>This thread's memo of converted cells, for <paramref name="plan"/> (a pool serves one plan).</summary>
    public CellMemo MemoFor(FieldPlan plan) => _memo ??= new CellMemo(plan.LeafCount);

    public Instance Rent(Template template, int row, string? context)
    {
        var instance = _free.TryGetValue(template, out var free) && free.Count > 0 ? free.Pop() : new Instance(template);
        (instance.Row, instance.Context) = (row, context);
        _rented.Add(instance);
        return instance;
    }

    /// <summary>Takes back every rented instance; the episode that used them must not be read again.</summary>
    public void ReturnAll()
    {
        foreach (var instance in _rented)
        {
            instance.Clear();
            if (!_free.TryGetValue(instance.Template, out var free))
            {
                _free[instance.Template] = free = new Stack<Instance>();
            }

            free.Push(instance);
        }

        _rented.Clear();
    }
}

/// <summary>
/// One episode being assembled: its row, its follow-up rows, and (once <see cref="Convert"/> has run) their converted
/// values, column groups and errors. The reader's thread only collects rows (copies: readers reuse one row object);
/// converting and writing happen on a finishing thread, so a large export keeps every core busy.
/// </summary>
internal sealed class Episode
{
    private readonly FieldPlan _plan;
    private readonly MapContext _context;
    private readonly SourceRow _row;
    private List<SourceRow>? _followUpRows;
    private DateTime? _dateOfBirth;

    public Episode(SourceRow row, FieldPlan plan, MapContext context)
    {
        (_plan, _context) = (plan, context);
        _row = row.Snapshot();
        FirstRow = row.Row;
        Key = row.At(plan.KeyColumn);
    }

    public string Key { get; }

    public FieldPlan Plan => _plan;

    public string Source => _context.Source;

    public int FirstRow { get; }

    public int Rows { get; private set; } = 1;

    /// <summary>The episode's own fields; made by <see cref="Convert"/>, on the finishing thread.</summary>
    public Instance Root { get; private set; } = null!;

    /// <summary>The column groups' elements, by group; made by <see cref="Convert"/>.</summary>
    public Instance?[] Groups { get; private set; } = [];

    /// <summary>The follow-up rows' elements; made by <see cref="Convert"/> (most episodes of a wide export have none).</summary>
    public IReadOnlyList<Instance> FollowUps => _followUps ?? (IReadOnlyList<Instance>)Array.Empty<Instance>();

    private List<Instance>? _followUps;

    /// <summary>The episode's errors (most episodes have none, so the list is made by the first).</summary>
    public IReadOnlyList<MappingError> Errors => _errors ?? (IReadOnlyList<MappingError>)Array.Empty<MappingError>();

    private List<MappingError>? _errors;

    /// <summary>Keeps a follow-up row (a copy) for <see cref="Convert"/>.</summary>
    public void AddFollowUp(SourceRow row)
    {
        Rows++;
        (_followUpRows ??= []).Add(row.Snapshot());
    }

    /// <summary>Converts the episode's row (its fields, column groups and date of birth), then its follow-up rows, in
    /// that order, so errors come out in the order of the input.</summary>
    public void Convert(InstancePool pool)
    {
        var memo = pool.MemoFor(_plan);
        Root = pool.Rent(_plan.Episode, _row.Row, null);
        Groups = new Instance?[_plan.Groups.Count];
        if (!Unreadable(_row))
        {
            Fill(_row, Root, memo);
            foreach (var group in _plan.Groups)
            {
                if (HasValue(_row, group))
                {
                    Fill(_row, Groups[group.Index] = pool.Rent(group.Template, _row.Row, group.Name), memo);
                }
            }

            ReadDateOfBirth(_row);
        }

        if (_followUpRows is null)
        {
            return;
        }

        foreach (var row in _followUpRows)
        {
            if (!Unreadable(row))
            {
                var followUp = pool.Rent(_plan.FollowUp!, row.Row, null);
                Fill(row, followUp, memo);
                (_followUps ??= []).Add(followUp);
            }
        }
    }

    /// <summary>Fills the derived fields: the age from the date of birth, the DVT class from the clot segments.</summary>
    public void Derive()
    {
        if (_dateOfBirth is { } dob && _plan.AgeAtProcedure is { } age)
        {
            var column = _plan.Profile.DateOfBirth!.Column;
            var procedure = _plan.ProcedureDate is { } p ? Root.Slots[p.Slot] : default;
            var on = procedure.Kind == SlotKind.Date ? procedure.Date : default;
            if (procedure.Kind != SlotKind.Date && (procedure.Kind != SlotKind.String || !DateFormats.TryParse(procedure.Text!, DateFormats.Iso, out on)))
            {
                Error(FirstRow, column, "No age can be computed: the procedure date is missing.");
            }
            else if (on < dob)
            {
                Error(FirstRow, column, "The date of birth is after the procedure date.");
            }
            else
            {
                Root.Slots[age.Slot] = Slot.Of((long)Age.At(dob, on));
            }
        }

        if (_plan.DvtClass is { } dvtClass && _plan.ClotSegments is { } segments && Root.Slots[segments.Slot] is { Kind: SlotKind.Strings, Strings: { Count: > 0 } codes })
        {
            var parsed = new List<ClotSegment>(codes.Count);
            foreach (var code in codes)
            {
                if (!RegistryCode.TryParse<ClotSegment>(code, out var segment))
                {
                    return;
                }

                parsed.Add(segment);
            }

            Root.Slots[dvtClass.Slot] = Slot.Of(RegistryCode.Of(DvtClassification.Derive(parsed)));
        }
    }

    public void Error(int row, string column, string message) => (_errors ??= []).Add(new MappingError { Source = _context.Source, Row = row, Column = column, Message = message });

    private bool Unreadable(SourceRow row)
    {
        if (row.Problem is not null)
        {
            Error(row.Row, "", "The row " + row.Problem + ".");
            return true;
        }

        for (var i = 0; i < (row.Undecodable?.Count ?? 0); i++)
        {
            var column = row.Undecodable![i];
            if (_context.Used[column])
            {
                Error(row.Row, _context.Header[column], (row.Faults is { } faults && i < faults.Count ? faults[i] : CellFault.Encoding) switch
                {
                    CellFault.ControlCharacter => "The cell holds a control character (such as NUL); text may hold only tab, carriage return and line feed among them.",
                    CellFault.TooLong => "The cell holds more characters than input.limits.maxCellCharacters allows.",
                    _ => $"The cell has bytes that are not valid {_context.Encoding}; declare the export's encoding in input.encoding.",
                });
            }
        }

        return false;
    }

    private void Fill(SourceRow row, Instance instance, CellMemo memo)
    {
        foreach (var leaf in instance.Template.Leaves)
        {
            if (leaf.Constant is { } constant)
            {
                instance.Slots[leaf.Slot] = constant;
                continue;
            }

            if (leaf.Column < 0 || row.Undecodable?.Contains(leaf.Column) == true)
            {
                continue;
            }

            var cell = row.Values[leaf.Column];
            if (cell.Length == 0)
            {
                if (leaf.Default is { } fallback)
                {
                    instance.Slots[leaf.Slot] = fallback;
                }

                continue; // an empty cell leaves the field out; a required one is reported when the document is written
            }

            var kind = row.KindAt(leaf.Column);
            var memoised = leaf.Memoised;
            if (memoised && memo.TryGet(leaf, cell, kind, out var known))
            {
                instance.Slots[leaf.Slot] = known;
                continue;
            }

            var value = Conversion.FromCell(cell, kind, leaf, _plan.Vocabulary, out var error);
            if (error is not null)
            {
                Error(row.Row, leaf.ColumnName!, (instance.Context is null ? "" : instance.Context + ": ") + "The cell " + error);
                continue;
            }

            if (memoised)
            {
                memo.Put(leaf, cell, kind, value);
            }

            instance.Slots[leaf.Slot] = value;
        }
    }

    /// <summary>A group exists when its anchor has a value, or (without an anchor) when any of its columns has.</summary>
    private static bool HasValue(SourceRow row, GroupPlan group)
    {
        if (group.Anchor >= 0)
        {
            return row.Values[group.Anchor].Length > 0 || row.Undecodable?.Contains(group.Anchor) == true;
        }

        foreach (var leaf in group.Template.Leaves)
        {
            if (leaf.Column >= 0 && (row.Values[leaf.Column].Length > 0 || row.Undecodable?.Contains(leaf.Column) == true))
            {
                return true;
            }
        }

        return false;
    }

    private void ReadDateOfBirth(SourceRow row)
    {
        if (_plan.Profile.DateOfBirth is not { } dob || row.Undecodable?.Contains(_plan.DateOfBirthColumn) == true)
        {
            return;
        }

        var cell = row.At(_plan.DateOfBirthColumn);
        var formats = _plan.DateOfBirthFormats;
        if (cell.Length == 0)
        {
            Error(row.Row, dob.Column, "The date of birth is empty; it is needed for the age at procedure.");
        }
        else if (row.KindAt(_plan.DateOfBirthColumn) == CellKind.Date ? DateFormats.TryParse(cell.Length == 10 ? cell : cell.Substring(0, 10), DateFormats.Iso, out var date) : DateFormats.TryParse(cell, formats, out date))
        {
            _dateOfBirth = date;
        }
        else
        {
            Error(row.Row, dob.Column, $"The date of birth is not a date in the form {string.Join(" or ", formats)}.");
        }
    }
}

/// <summary>What every episode of one input shares: its name, header, used columns and encoding.</summary>
internal sealed record MapContext(string Source, string[] Header, bool[] Used, string Encoding);
