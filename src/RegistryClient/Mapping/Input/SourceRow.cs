namespace RegistryClient.Mapping;

/// <summary>How a cell's value was stored: CSV and JSON lines hold text; a workbook stores numbers, dates and booleans.</summary>
internal enum CellKind : byte
{
    Text,
    Number,
    Date,
    Boolean,
}

/// <summary>Why a cell could not be read.</summary>
internal enum CellFault : byte
{
    /// <summary>Bytes that are not valid in the declared encoding.</summary>
    Encoding,

    /// <summary>A control character other than tab, carriage return and line feed (NUL, for one).</summary>
    ControlCharacter,

    /// <summary>More characters than the workbook limits allow in a cell.</summary>
    TooLong,
}

/// <summary>
/// One input row: its number (as a spreadsheet counts, the header being row 1), its cells by header position, or why
/// it could not be read. The first row a reader yields is the header (<see cref="IsHeader"/>). Readers reuse one
/// instance for every row, so a row is read before the next is asked for.
/// </summary>
internal sealed class SourceRow
{
    public int Row { get; set; }

    public bool IsHeader { get; set; }

    /// <summary>Cells by header position, trimmed; empty for a column the profile does not use. Workbook cells hold
    /// their canonical text: <c>yyyy-MM-dd</c> for dates (then <c>THH:mm:ss[.fffffff]</c> when the cell has a time of day), invariant digits for numbers, TRUE or FALSE.</summary>
    public string[] Values { get; set; } = [];

    /// <summary>The cells' kinds, for a workbook; null when every cell is text.</summary>
    public CellKind[]? Kinds { get; set; }

    /// <summary>Why the row as a whole could not be read (malformed quoting, wrong field count, not JSON).</summary>
    public string? Problem { get; set; }

    /// <summary>Cells that could not be read (bytes not valid in the declared encoding, a control character), by
    /// header position; their values are empty. <see cref="Faults"/> says why, in the same order.</summary>
    public List<int>? Undecodable { get; set; }

    /// <summary>Why each cell of <see cref="Undecodable"/> could not be read.</summary>
    public List<CellFault>? Faults { get; set; }

    /// <summary>Marks the cell at <paramref name="column"/> unreadable, for <paramref name="fault"/>, and empties it.</summary>
    public void Refuse(int column, CellFault fault)
    {
        (Undecodable ??= []).Add(column);
        (Faults ??= []).Add(fault);
        Values[column] = "";
    }

    /// <summary>Forgets the previous row's unreadable cells.</summary>
    public void ClearFaults()
    {
        Undecodable = null;
        Faults = null;
    }

    public CellKind KindAt(int column) => Kinds is { } kinds && column < kinds.Length ? kinds[column] : CellKind.Text;

    public string At(int column) => column >= 0 && column < Values.Length ? Values[column] : "";

    /// <summary>A copy that outlives the reader's next row, for converting the row later on another thread.</summary>
    public SourceRow Snapshot() => new()
    {
        Row = Row,
        IsHeader = IsHeader,
        Values = (string[])Values.Clone(),
        Kinds = (CellKind[]?)Kinds?.Clone(),
        Problem = Problem,
        Undecodable = Undecodable is null ? null : [.. Undecodable],
        Faults = Faults is null ? null : [.. Faults],
    };
}
