using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace RegistryClient.Mapping;

/// <summary>The limits of <see cref="WorkbookLimits"/> with their defaults filled in.</summary>
internal sealed class WorkbookBounds
{
    /// <summary>Excel's last row: a workbook cannot have more, so a row number past it is hostile, never an export.</summary>
    public const int LastRow = 1_048_576;

    /// <summary>Parts other than worksheets and the shared strings (styles, the workbook, relationships) are small in
    /// any real workbook, and the reader builds objects from every element of them.</summary>
    public const long OtherPartBytes = 8L << 20;

    /// <summary>The compression ratio is judged once a part has expanded this far: small parts may compress better.</summary>
    public const long RatioFloor = 16L << 20;

    public const int Entries = 10_000;

    public int Cell { get; private init; }

    public int CellsPerRow { get; private init; }

    public int RowCharacters { get; private init; }

    public long SharedStringsBytes { get; private init; }

    public int SharedStrings { get; private init; }

    public long PartBytes { get; private init; }

    public long WorkbookBytes { get; private init; }

    public int Ratio { get; private init; }

    public static WorkbookBounds Of(WorkbookLimits? limits) => new()
    {
        Cell = limits?.MaxCellCharacters ?? 32_767,
        CellsPerRow = limits?.MaxCellsPerRow ?? 16_384,
        RowCharacters = limits?.MaxRowCharacters ?? 1_048_576,
        SharedStringsBytes = limits?.MaxSharedStringsBytes ?? 64L << 20,
        SharedStrings = limits?.MaxSharedStrings ?? 4_000_000,
        PartBytes = limits?.MaxPartBytes ?? 4L << 30,
        WorkbookBytes = limits?.MaxWorkbookBytes ?? 8L << 30,
        Ratio = limits?.MaxCompressionRatio ?? 100,
    };
}

/// <summary>
/// Reads every XML part of an .xlsx workbook once, decompressing through a count that stops at the limits, before
/// ExcelDataReader sees it: ExcelDataReader trusts the zip (it holds the shared strings, a whole row and each cell in
/// memory, and sizes rows by the largest column named), so one huge cell, a row of millions of cells, a huge
/// shared-strings table or a part of extreme compression ratio would exhaust memory or time inside it. The scan is a
/// byte-level pass over the markup (no strings are built), so it costs a fraction of the read that follows.
/// </summary>
/// <remarks>Text is measured in UTF-8 bytes against eight times the character limits (no character takes more than
/// eight bytes of XML, an entity included), so the scan never refuses a cell the limit allows; the exact character
/// limit of a cell is then checked on the cells read.</remarks>
internal static class WorkbookGuard
{
    /// <summary>Checks the workbook; on a problem, the row it is at (1 when it is not in a row) and the message.</summary>
    public static (int Row, string Problem)? Check(Stream seekable, WorkbookBounds bounds, CancellationToken cancellationToken)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            return null; // not a zip: ExcelDataReader says so in its own words
        }

        using (zip)
        {
            if (zip.Entries.Count > WorkbookBounds.Entries)
            {
                return (1, $"The workbook has more than {WorkbookBounds.Entries:N0} parts; it is not a spreadsheet export.");
            }

            var (sheets, referenced) = SheetNames(zip);
            var total = 0L;
            var buffer = new byte[65536];
            foreach (var entry in zip.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = entry.FullName;
                if (!name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase) && !referenced.Contains(name))
                {
                    continue; // images and printer settings: ExcelDataReader never opens them (a part the workbook names is read whatever its name)
                }

                var scan = new PartScan(name, sheets.TryGetValue(name, out var sheet) ? sheet : null, bounds);
                Stream part;
                try
                {
                    part = entry.Open();
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
                {
                    return null; // damaged, encrypted or an unknown compression method: ExcelDataReader reports it
                }

                using (part)
                {
                    var expanded = 0L;
                    while (true)
                    {
                        int read;
                        try
                        {
                            read = part.Read(buffer, 0, buffer.Length);
                        }
                        catch (InvalidDataException)
                        {
                            return null;
                        }

                        if (read == 0)
                        {
                            break;
                        }

                        expanded += read;
                        total += read;
                        if (scan.Feed(buffer.AsSpan(0, read)) is { } problem)
                        {
                            return problem;
                        }

                        if (expanded > scan.PartLimit)
                        {
                            return (1, scan.Role == PartRole.SharedStrings
                                ? $"The workbook's shared strings ({name}) decompress to more than {bounds.SharedStringsBytes:N0} bytes (input.limits.maxSharedStringsBytes)."
                                : scan.Role == PartRole.Sheet
                                    ? $"{scan.Where} decompresses to more than {bounds.PartBytes:N0} bytes (input.limits.maxPartBytes)."
                                    : $"The workbook's part {name} decompresses to more than {WorkbookBounds.OtherPartBytes:N0} bytes; a real workbook's part of this kind is far smaller.");
                        }

                        if (expanded > WorkbookBounds.RatioFloor && expanded > (double)bounds.Ratio * Math.Max(1, entry.CompressedLength))
                        {
                            return (1, $"The workbook's part {name} expands more than {bounds.Ratio:N0} times its compressed size (input.limits.maxCompressionRatio): it looks like a decompression bomb.");
                        }

                        if (total > bounds.WorkbookBytes)
                        {
                            return (1, $"The workbook decompresses to more than {bounds.WorkbookBytes:N0} bytes in all (input.limits.maxWorkbookBytes).");
                        }

                        cancellationToken.ThrowIfCancellationRequested();
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The sheets' names by their part, from the workbook and its relationships (both bounded small parts);
    /// an unreadable one leaves messages naming the part instead.</summary>
    private static (Dictionary<string, string> Names, HashSet<string> Referenced) SheetNames(ZipArchive zip)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            var targets = new Dictionary<string, string>(StringComparer.Ordinal);
            Read("xl/workbook.xml", x =>
            {
                if (x.NodeType == XmlNodeType.Element && x.LocalName == "sheet" && x.GetAttribute("name") is { } name)
                {
                    // A sheet's name goes into messages: Excel keeps it to 31 characters, and no control character forges a line.
                    name = new string(name.Take(31).Select(c => char.IsControl(c) ? '?' : c).ToArray());
                    for (var i = 0; i < x.AttributeCount; i++)
                    {
                        x.MoveToAttribute(i);
                        if (x.LocalName == "id")
                        {
                            ids[x.Value] = name;
                        }
                    }
                }
            });
            Read("xl/_rels/workbook.xml.rels", x =>
            {
                if (x.NodeType == XmlNodeType.Element && x.LocalName == "Relationship" && x.GetAttribute("Id") is { } id && x.GetAttribute("Target") is { } target)
                {
                    targets[id] = target.StartsWith("/", StringComparison.Ordinal) ? target.Substring(1) : "xl/" + target;
                    referenced.Add(targets[id]);
                }
            });
            Read("_rels/.rels", x =>
            {
                if (x.NodeType == XmlNodeType.Element && x.LocalName == "Relationship" && x.GetAttribute("Target") is { } target)
                {
                    referenced.Add(target.TrimStart('/'));
                }
            });
            foreach (var pair in ids)
            {
                if (targets.TryGetValue(pair.Key, out var target))
                {
                    names[target] = pair.Value;
                }
            }
        }
        catch (Exception ex) when (ex is XmlException or InvalidDataException or IOException)
        {
            // the scan and ExcelDataReader report a damaged part; names only improve messages
        }

        return (names, referenced);

        void Read(string part, Action<XmlReader> visit)
        {
            if (zip.GetEntry(part) is not { Length: <= WorkbookBounds.OtherPartBytes } entry)
            {
                return;
            }

            using var stream = entry.Open();
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = WorkbookBounds.OtherPartBytes });
            while (reader.Read())
            {
                visit(reader);
            }
        }
    }

    private enum PartRole : byte
    {
        Unknown,
        Sheet,
        SharedStrings,
        Other,
    }

    /// <summary>A byte-level pass over one part's markup: tags are bounded and parsed for the few attributes that size
    /// what the reader allocates (row and cell references, the dimension, column ranges); text is counted, never kept.</summary>
    private sealed class PartScan(string part, string? sheet, WorkbookBounds bounds)
    {
        private const int MaxTag = 65536;
        private const int BytesPerCharacter = 8;
        private readonly byte[] _tag = new byte[MaxTag];
        private int _tagLength;
        private bool _inTag;
        private long _text; // the current text run, outside any cell or string item
        private long _row;
        private long _column;
        private int _cells;
        private long _rowText;
        private bool _inCell;
        private long _cellText;
        private int _strings;
        private bool _inString;
        private long _stringText;

        public PartRole Role { get; private set; }

        public long PartLimit => Role switch
        {
            PartRole.Sheet => bounds.PartBytes,
            PartRole.SharedStrings => bounds.SharedStringsBytes,
            PartRole.Other => WorkbookBounds.OtherPartBytes,
            _ => Math.Max(bounds.PartBytes, bounds.SharedStringsBytes),
        };

        public string Where => sheet is null ? $"The workbook's part {part}" : $"The workbook's sheet '{sheet}'";

        public (int Row, string Problem)? Feed(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_inTag)
                {
                    var end = data.IndexOf((byte)'>');
                    var chunk = end < 0 ? data : data.Slice(0, end);
                    if (_tagLength + chunk.Length > MaxTag)
                    {
                        return (RowOr1, $"{Where} has markup of more than {MaxTag:N0} bytes in one element{At()}: it is not a spreadsheet export.");
                    }

                    chunk.CopyTo(_tag.AsSpan(_tagLength));
                    _tagLength += chunk.Length;
                    if (end < 0)
                    {
                        return null;
                    }

                    _inTag = false;
                    data = data.Slice(end + 1);
                    if (Tag(_tag.AsSpan(0, _tagLength)) is { } problem)
                    {
                        return problem;
                    }
                }
                else
                {
                    var start = data.IndexOf((byte)'<');
                    if (Text(start < 0 ? data.Length : start) is { } problem)
                    {
                        return problem;
                    }

                    if (start < 0)
                    {
                        return null;
                    }

                    _inTag = true;
                    _tagLength = 0;
                    _text = 0;
                    data = data.Slice(start + 1);
                }
            }

            return null;
        }

        private int RowOr1 => _row is > 0 and <= int.MaxValue ? (int)_row : 1;

        private string At() => _row > 0 ? $" at row {_row:N0}" : "";

        private (int Row, string Problem)? Text(int bytes)
        {
            if (bytes == 0)
            {
                return null;
            }

            if (_inCell)
            {
                _cellText += bytes;
                _rowText += bytes;
                if (_cellText > (long)bounds.Cell * BytesPerCharacter)
                {
                    return (RowOr1, $"{Where}, cell {Cell()}, holds more than {bounds.Cell:N0} characters (input.limits.maxCellCharacters).");
                }

                if (_rowText > (long)bounds.RowCharacters * BytesPerCharacter)
                {
                    return (RowOr1, $"{Where}, row {_row:N0}, holds more than {bounds.RowCharacters:N0} characters of text (input.limits.maxRowCharacters).");
                }

                return null;
            }

            if (_inString)
            {
                _stringText += bytes;
                return _stringText > (long)bounds.Cell * BytesPerCharacter
                    ? (1, $"The workbook's shared string {_strings:N0} ({part}) holds more than {bounds.Cell:N0} characters (input.limits.maxCellCharacters).")
                    : null;
            }

            _text += bytes;
            return _text > (long)bounds.Cell * BytesPerCharacter
                ? (RowOr1, $"{Where} has more than {bounds.Cell:N0} characters of text outside any cell{At()} (input.limits.maxCellCharacters).")
                : null;
        }

        private (int Row, string Problem)? Tag(ReadOnlySpan<byte> tag)
        {
            if (tag.IsEmpty || tag[0] is (byte)'?' or (byte)'!')
            {
                return null; // a declaration, processing instruction or comment
            }

            var closing = tag[0] == (byte)'/';
            if (closing)
            {
                tag = tag.Slice(1);
            }

            var selfClosing = !tag.IsEmpty && tag[tag.Length - 1] == (byte)'/';
            var nameLength = 0;
            while (nameLength < tag.Length && tag[nameLength] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/'))
            {
                nameLength++;
            }

            var name = tag.Slice(0, nameLength);
            var colon = name.LastIndexOf((byte)':');
            var local = colon < 0 ? name : name.Slice(colon + 1);
            var attributes = tag.Slice(nameLength);
            if (Role == PartRole.Unknown && !closing)
            {
                Role = local.SequenceEqual("worksheet"u8) || local.SequenceEqual("chartsheet"u8) || local.SequenceEqual("dialogsheet"u8) ? PartRole.Sheet
                    : local.SequenceEqual("sst"u8) ? PartRole.SharedStrings
                    : PartRole.Other;
                return null;
            }

            if (Role == PartRole.Sheet)
            {
                return SheetTag(local, attributes, closing, selfClosing);
            }

            if (Role == PartRole.SharedStrings && local.SequenceEqual("si"u8))
            {
                _inString = !closing && !selfClosing;
                if (!closing)
                {
                    _stringText = 0;
                    if (++_strings > bounds.SharedStrings)
                    {
                        return (1, $"The workbook's shared strings ({part}) hold more than {bounds.SharedStrings:N0} strings (input.limits.maxSharedStrings).");
                    }
                }
            }

            return null;
        }

        private (int Row, string Problem)? SheetTag(ReadOnlySpan<byte> local, ReadOnlySpan<byte> attributes, bool closing, bool selfClosing)
        {
            if (local.SequenceEqual("c"u8))
            {
                _inCell = !closing && !selfClosing;
                if (closing)
                {
                    return null;
                }

                _cellText = 0;
                _column = Attribute(attributes, "r"u8) is { IsEmpty: false } reference ? ColumnOf(reference) : _column + 1;
                if (++_cells > bounds.CellsPerRow)
                {
                    return (RowOr1, $"{Where}, row {_row:N0}, has more than {bounds.CellsPerRow:N0} cells (input.limits.maxCellsPerRow).");
                }

                return _column > bounds.CellsPerRow
                    ? (RowOr1, $"{Where}, row {_row:N0}, has a cell past column {ColumnName(bounds.CellsPerRow)} (input.limits.maxCellsPerRow).")
                    : null;
            }

            if (local.SequenceEqual("row"u8))
            {
                _inCell = false;
                if (closing)
                {
                    return null;
                }

                _row = Attribute(attributes, "r"u8) is { IsEmpty: false } number ? NumberOf(number) : _row + 1;
                _cells = 0;
                _column = 0;
                _rowText = 0;
                return _row > WorkbookBounds.LastRow
                    ? (1, $"{Where} has a row numbered past {WorkbookBounds.LastRow:N0}, the last row a workbook can have.")
                    : null;
            }

            if (!closing && local.SequenceEqual("dimension"u8) && Attribute(attributes, "ref"u8) is { IsEmpty: false } range)
            {
                // "A1:BH1000001": ExcelDataReader sizes every row by the widest column the dimension names
                foreach (var corner in range.ToArray().AsSpanSplit((byte)':'))
                {
                    if (ColumnOf(corner) > bounds.CellsPerRow || NumberOf(corner) > WorkbookBounds.LastRow)
                    {
                        return (1, $"{Where} declares a range past column {ColumnName(bounds.CellsPerRow)} or row {WorkbookBounds.LastRow:N0} (input.limits.maxCellsPerRow).");
                    }
                }
            }

            if (!closing && local.SequenceEqual("col"u8))
            {
                if (NumberOf(Attribute(attributes, "min"u8)) > bounds.CellsPerRow || NumberOf(Attribute(attributes, "max"u8)) > bounds.CellsPerRow)
                {
                    return (1, $"{Where} formats columns past {ColumnName(bounds.CellsPerRow)} (input.limits.maxCellsPerRow).");
                }
            }

            return null;
        }

        private string Cell() => $"{ColumnName(_column > int.MaxValue ? int.MaxValue : (int)_column)}{_row}";

        /// <summary>The value of the attribute named <paramref name="wanted"/> (no prefix), or empty.</summary>
        private static ReadOnlySpan<byte> Attribute(ReadOnlySpan<byte> attributes, ReadOnlySpan<byte> wanted)
        {
            var rest = attributes;
            while (true)
            {
                var equals = rest.IndexOf((byte)'=');
                if (equals < 0)
                {
                    return default;
                }

                var name = rest.Slice(0, equals);
                var end = name.Length;
                while (end > 0 && IsSpace(name[end - 1]))
                {
                    end--;
                }

                var begin = end;
                while (begin > 0 && !IsSpace(name[begin - 1]))
                {
                    begin--;
                }

                name = name.Slice(begin, end - begin);
                rest = rest.Slice(equals + 1);
                while (!rest.IsEmpty && IsSpace(rest[0]))
                {
                    rest = rest.Slice(1);
                }

                if (rest.IsEmpty || rest[0] is not ((byte)'"' or (byte)'\''))
                {
                    return default;
                }

                var quote = rest[0];
                var close = rest.Slice(1).IndexOf(quote);
                if (close < 0)
                {
                    return default;
                }

                var value = rest.Slice(1, close);
                rest = rest.Slice(close + 2);
                if (name.SequenceEqual(wanted))
                {
                    return value;
                }
            }
        }

        private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

        /// <summary>The column of a reference such as <c>BH12</c> (1-based), saturating rather than overflowing.</summary>
        private static long ColumnOf(ReadOnlySpan<byte> reference)
        {
            var column = 0L;
            foreach (var b in reference)
            {
                var letter = b | 0x20;
                if (letter is < 'a' or > 'z')
                {
                    break;
                }

                column = Math.Min(column * 26 + (letter - 'a' + 1), int.MaxValue);
            }

            return column;
        }

        /// <summary>The digits of a reference or number (<c>BH12</c> gives 12), saturating rather than overflowing.</summary>
        private static long NumberOf(ReadOnlySpan<byte> text)
        {
            var number = 0L;
            foreach (var b in text)
            {
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    number = Math.Min(number * 10 + (b - '0'), int.MaxValue);
                }
            }

            return number;
        }
    }

    public static string ColumnName(int column)
    {
        var name = "";
        for (; column > 0; column = (column - 1) / 26)
        {
            name = (char)('A' + ((column - 1) % 26)) + name;
        }

        return name;
    }

    private static List<byte[]> AsSpanSplit(this byte[] bytes, byte separator)
    {
        var parts = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == separator)
            {
                parts.Add(bytes.AsSpan(start, i - start).ToArray());
                start = i + 1;
            }
        }

        return parts;
    }
}
