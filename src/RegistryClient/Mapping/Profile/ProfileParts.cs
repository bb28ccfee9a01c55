using System.Text.Json.Nodes;

namespace RegistryClient.Mapping;

/// <summary>How one submission field is filled: from a column (optionally through a value map, date formats or a
/// list split) or from a constant.</summary>
public sealed class FieldMap
{
    /// <summary>The source column.</summary>
    public string? Column { get; init; }

    /// <summary>A fixed value instead of a column; checked against the field's type when the profile loads.</summary>
    public JsonNode? Constant { get; init; }

    /// <summary>The value to use when the cell is empty; checked against the field's type when the profile loads.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>The date format of the cell, e.g. <c>dd/MM/yyyy</c> (default <c>yyyy-MM-dd</c>); for a date-time field
    /// (<c>/submitter/recordUpdatedAt</c>) a date-time format, e.g. <c>dd/MM/yyyy HH:mm</c>, where <c>zzz</c> reads an
    /// offset (an RFC 3339 value with its offset is always accepted there).</summary>
    public string? Format { get; init; }

    /// <summary>Several accepted date (or date-time) formats, tried in order (instead of <see cref="Format"/>), e.g.
    /// <c>["dd-MMM-yyyy", "dd/MM/yyyy"]</c>. Month names are English whatever the machine's culture.</summary>
    public IReadOnlyList<string>? Formats { get; init; }

    /// <summary>For a date-time field: the time zone of its local times (formats without <c>zzz</c>, and a workbook's
    /// dates and times), as an IANA id such as <c>Europe/London</c>. Required when a format has no offset. A local time
    /// the clocks skip or repeat in that zone is a mapping error, never a guess.</summary>
    public string? TimeZone { get; init; }

    /// <summary>For list fields: the separator inside the cell, e.g. <c>;</c> for <c>CFV;EIV</c>.</summary>
    public string? Split { get; init; }

    /// <summary>Local code to registry value (a code, a boolean or a number). A cell not in the map is an error.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Values { get; init; }

    /// <summary>Match local codes and registry codes ignoring case (overrides the profile's <see cref="MappingProfile.IgnoreCase"/>).</summary>
    public bool? IgnoreCase { get; init; }
}

/// <summary>Where the rows come from.</summary>
public sealed class InputSettings
{
    // The source-generated reader passes null for an absent init-only property instead of keeping its initialiser.
    private readonly string _format = "csv";
    private readonly string _delimiter = ",";

    /// <summary><c>csv</c>, <c>jsonl</c> or <c>xlsx</c> (default <c>csv</c>).</summary>
    public string Format { get => _format; init => _format = value ?? "csv"; }

    /// <summary>The CSV field separator (default <c>,</c>; <c>;</c> and tab are common too).</summary>
    public string Delimiter { get => _delimiter; init => _delimiter = value ?? ","; }

    /// <summary>The text encoding of CSV and JSON lines: <c>utf-8</c> (with or without a byte order mark),
    /// <c>utf-16</c> (little or big endian, by its byte order mark), <c>utf-16le</c>, <c>utf-16be</c>,
    /// <c>windows-1252</c> or <c>iso-8859-1</c>. Absent: UTF-8, or UTF-16 when a byte order mark says so.</summary>
    public string? Encoding { get; init; }

    /// <summary>For <c>xlsx</c>: the worksheet's name (default: the first sheet).</summary>
    public string? Sheet { get; init; }

    /// <summary>For <c>xlsx</c>: the 1-based row that holds the column names (default 1); rows above it are skipped.</summary>
    public int? HeaderRow { get; init; }

    /// <summary>For <c>xlsx</c>: how large a workbook may be once decompressed (default: <see cref="WorkbookLimits"/>'s
    /// defaults, generous for real exports of up to Excel's 1,048,576 rows). A workbook past any limit is an input error
    /// located by sheet and cell, and nothing is mapped.</summary>
    public WorkbookLimits? Limits { get; init; }
}

/// <summary>
/// Bounds on an .xlsx workbook, checked on the zip's decompressed bytes before any cell is read, so a decompression
/// bomb (a small file that expands to gigabytes) is refused with a located error instead of exhausting memory. Every
/// property is optional; an absent one keeps its default. Raise a limit only for a workbook you trust.
/// </summary>
public sealed class WorkbookLimits
{
    /// <summary>The most characters in one cell (default 32,767, Excel's own limit for a cell).</summary>
    public int? MaxCellCharacters { get; init; }

    /// <summary>The most cells in one row, and the last column a cell may name (default 16,384, Excel's last column, XFD).</summary>
    public int? MaxCellsPerRow { get; init; }

    /// <summary>The most characters of text in one row, all its cells together (default 1,048,576).</summary>
    public int? MaxRowCharacters { get; init; }

    /// <summary>The most bytes of the shared-strings table once decompressed (default 64 MiB); the reader holds the
    /// whole table in memory.</summary>
    public long? MaxSharedStringsBytes { get; init; }

    /// <summary>The most strings in the shared-strings table (default 4,000,000).</summary>
    public int? MaxSharedStrings { get; init; }

    /// <summary>The most bytes one worksheet may decompress to (default 4 GiB; a 1,000,000-row export of 60 columns
    /// written with inline strings is about 2.4 GB).</summary>
    public long? MaxPartBytes { get; init; }

    /// <summary>The most bytes the whole workbook may decompress to (default 8 GiB).</summary>
    public long? MaxWorkbookBytes { get; init; }

    /// <summary>The most a part may expand over its compressed size, once it passes 16 MiB decompressed (default 100;
    /// real worksheets expand 5 to 20 times, a decompression bomb up to 1,000 times).</summary>
    public int? MaxCompressionRatio { get; init; }
}

/// <summary>Tells episode rows from follow-up rows.</summary>
public sealed class RowKind
{
    /// <summary>The column that holds the kind.</summary>
    public required string Column { get; init; }

    /// <summary>Its value on episode (procedure) rows.</summary>
    public required string Episode { get; init; }

    /// <summary>Its value on follow-up rows.</summary>
    public required string FollowUp { get; init; }
}

/// <summary>The date of birth column: used to compute <c>ageAtProcedure</c>, never emitted.</summary>
public sealed class DateOfBirthMap
{
    /// <summary>The column.</summary>
    public required string Column { get; init; }

    /// <summary>Its date format (default <c>yyyy-MM-dd</c>).</summary>
    public string? Format { get; init; }

    /// <summary>Several accepted date formats, tried in order (instead of <see cref="Format"/>).</summary>
    public IReadOnlyList<string>? Formats { get; init; }
}

/// <summary>
/// A group of columns in the episode's row that makes one element of a list field, such as a follow-up kept as
/// <c>FU6M date</c>, <c>FU6M Villalta</c>... side by side. The element is emitted only when the group holds a value:
/// its <see cref="Anchor"/> column when one is named, otherwise any of its columns.
/// </summary>
public sealed class ColumnGroup
{
    /// <summary>A name for error messages, e.g. <c>6-month follow-up</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The list field the element is added to, e.g. <c>/followUps</c> or <c>/outcome/complications</c>.</summary>
    public required string Target { get; init; }

    /// <summary>The column whose value decides whether the element exists (e.g. the assessment date).</summary>
    public string? Anchor { get; init; }

    /// <summary>The element's fields, by JSON Pointer relative to one element (e.g. <c>/assessmentDate</c>).</summary>
    public required IReadOnlyDictionary<string, FieldMap> Fields { get; init; }
}

/// <summary>The words read as true and false in boolean fields; replaces the built-in Yes/No, Y/N, 1/0, True/False.</summary>
public sealed class BooleanWords
{
    /// <summary>Words for true (matched ignoring case).</summary>
    public required IReadOnlyList<string> True { get; init; }

    /// <summary>Words for false (matched ignoring case).</summary>
    public required IReadOnlyList<string> False { get; init; }
}

/// <summary>A mistake in a mapping profile, located in the profile file.</summary>
public sealed class ProfileError
{
    /// <summary>1-based line in the profile, or 0 when the mistake is located by <see cref="Pointer"/> only.</summary>
    public required int Line { get; init; }

    /// <summary>1-based column, or 0 when the mistake is located by <see cref="Pointer"/> only.</summary>
    public required int Column { get; init; }

    /// <summary>JSON Pointer into the profile, or empty when the mistake is located by line and column only.</summary>
    public required string Pointer { get; init; }

    /// <summary>What is wrong.</summary>
    public required string Message { get; init; }
}
