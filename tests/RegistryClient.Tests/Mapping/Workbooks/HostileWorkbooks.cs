using System.IO.Compression;
using System.Text;

namespace RegistryClient.Tests.Mapping.Workbooks;

/// <summary>
/// Writes the decompression bombs of issue 20 as small .xlsx files (generated, never committed): one huge cell, one
/// very wide row, a huge shared-strings table, and a sheet of extreme compression ratio. Each is a well-formed
/// workbook with a header row naming <c>id</c>, so only its size is hostile. Shared by the tests (small bombs, enough
/// to cross the default limits) and the benchmark program (<c>hostile-workbooks DIR</c>, large ones for peak-memory
/// measurements of <c>registry map</c>).
/// </summary>
internal static class HostileWorkbooks
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Sheet = "Export";

    /// <summary>One data row whose <c>id</c> cell holds <paramref name="characters"/> letters.</summary>
    public static void HugeCell(string path, long characters) =>
        Write(path, null, sheet =>
        {
            sheet.Write("""<row r="2"><c r="A2" t="inlineStr"><is><t>""");
            Repeat(sheet, "x", characters);
            sheet.Write("</t></is></c></row>");
        });

    /// <summary>One data row of <paramref name="cells"/> numeric cells without references (each the next column).</summary>
    public static void WideRow(string path, long cells) =>
        Write(path, null, sheet =>
        {
            sheet.Write("""<row r="2">""");
            Repeat(sheet, "<c><v>1</v></c>", cells);
            sheet.Write("</row>");
        });

    /// <summary>A shared-strings table of <paramref name="strings"/> strings, the data row using the first: short
    /// short strings (as a real table holds, expanding some ten times) or, with <paramref name="repeated"/>, one letter
    /// repeated (expanding hundreds of times).</summary>
    public static void HugeSharedStrings(string path, long strings, bool repeated = false) =>
        Write(path, shared =>
        {
            shared.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{Main}" uniqueCount="{strings}">""");
            if (repeated)
            {
                Repeat(shared, "<si><t>a</t></si>", strings);
            }
            else
            {
                for (var i = 0L; i < strings; i++)
                {
                    shared.Write("<si><t>");
                    shared.Write((i / 4).ToString("x", System.Globalization.CultureInfo.InvariantCulture)); // a value for every four strings: a real table's ratio
                    shared.Write("</t></si>");
                }
            }

            shared.Write("</sst>");
        }, sheet => sheet.Write("""<row r="2"><c r="A2" t="s"><v>0</v></c></row>"""));

    /// <summary>A shared-strings table of <paramref name="strings"/> one-letter strings, the letters pseudo-random so
    /// the part expands only some twenty times: the most string objects per byte a table within the limits can hold.</summary>
    public static void TinySharedStrings(string path, long strings) =>
        Write(path, shared =>
        {
            shared.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{Main}" uniqueCount="{strings}">""");
            var state = 12345u;
            for (var i = 0L; i < strings; i++)
            {
                state = state * 1664525u + 1013904223u;
                shared.Write("<si><t>");
                shared.Write((char)('a' + (state >> 24) % 26));
                shared.Write("</t></si>");
            }

            shared.Write("</sst>");
        }, sheet => sheet.Write("""<row r="2"><c r="A2" t="s"><v>0</v></c></row>"""));

    /// <summary><paramref name="rows"/> rows of 16,000 empty cells: valid markup, each row within every per-row limit,
    /// expanding about a thousand times.</summary>
    public static void ExtremeRatio(string path, int rows) =>
        Write(path, null, sheet =>
        {
            var row = new StringBuilder().Insert(0, "<c/>", 16_000).ToString();
            for (var r = 2; r < rows + 2; r++)
            {
                sheet.Write($"""<row r="{r}"><c r="A{r}"><v>{r}</v></c>""");
                sheet.Write(row);
                sheet.Write("</row>");
            }
        });

    /// <summary>A workbook whose sheet holds <paramref name="rowsXml"/> after the header row, which names <c>id</c>
    /// and then <paramref name="moreColumns"/> (in columns B, C...).</summary>
    public static void Rows(string path, string rowsXml, params string[] moreColumns) => Write(path, null, sheet => sheet.Write(rowsXml), moreColumns);

    private static void Repeat(TextWriter writer, string text, long times)
    {
        var block = new StringBuilder().Insert(0, text, (int)Math.Min(times, Math.Max(1, 65536 / text.Length))).ToString();
        var perBlock = block.Length / text.Length;
        for (var done = 0L; done < times; done += perBlock)
        {
            if (times - done >= perBlock)
            {
                writer.Write(block);
            }
            else
            {
                writer.Write(block.AsSpan(0, (int)(times - done) * text.Length));
            }
        }
    }

    private static void Write(string path, Action<TextWriter>? sharedStrings, Action<TextWriter> rows, params string[] moreColumns)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Part(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>""");
        Part(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        Part(zip, "xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"""
            + (sharedStrings is null ? "" : """<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""") + "</Relationships>");
        Part(zip, "xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{Main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{Sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>""");
        if (sharedStrings is not null)
        {
            using var shared = new StreamWriter(zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.SmallestSize).Open(), new UTF8Encoding(false), 1 << 16);
            sharedStrings(shared);
        }

        using var sheet = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open(), new UTF8Encoding(false), 1 << 16);
        sheet.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{Main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>""");
        for (var i = 0; i < moreColumns.Length; i++)
        {
            sheet.Write($"""<c r="{(char)('B' + i)}1" t="inlineStr"><is><t>{moreColumns[i]}</t></is></c>""");
        }

        sheet.Write("</row>");
        rows(sheet);
        sheet.Write("</sheetData></worksheet>");
    }

    private static void Part(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(content);
    }
}
