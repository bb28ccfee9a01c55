namespace RegistryClient.Mapping;

/// <summary>
/// The cells each leaf last converted on one finishing thread, by the cell's string instance: the CSV reader pools its
/// strings, so a column's repeated codes, dates and yes/no words come back as the same instance row after row, and
/// their value-map lookups (case-insensitive hashing: most of converting a wide row) are made once per thread instead
/// of once per cell. Keyed by reference, so a hit is the same text by construction; a string from another reader (a
/// workbook's, say) simply misses. Only conversions that succeeded are kept; cells are never empty here. Not
/// thread-safe: one per finishing thread.
/// </summary>
internal sealed class CellMemo(int leaves)
{
    private const int Ways = 16; // a column's distinct codes, mostly; 16 x 40 bytes a leaf
    private readonly Entry[] _entries = new Entry[leaves * Ways];

    public bool TryGet(Leaf leaf, string cell, CellKind kind, out Slot value)
    {
        ref var entry = ref _entries[At(leaf, cell)];
        if (ReferenceEquals(entry.Cell, cell) && entry.Kind == kind)
        {
            value = entry.Value;
            return true;
        }

        value = default;
        return false;
    }

    public void Put(Leaf leaf, string cell, CellKind kind, Slot value) =>
        _entries[At(leaf, cell)] = new Entry { Cell = cell, Kind = kind, Value = value };

    /// <summary>The entry a leaf's cell goes in: the leaf's ways, and the way its text picks (the same text always the
    /// same way, so its pooled instance is found there).</summary>
    private static int At(Leaf leaf, string cell) => (leaf.Id * Ways) + ((cell.Length + (cell[0] * 7) + (cell[cell.Length - 1] * 31)) & (Ways - 1));

    private struct Entry
    {
        public string? Cell;
        public CellKind Kind;
        public Slot Value;
    }
}
