using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace RegistryClient.Tests.Mapping.Workbooks;

/// <summary>
/// Writes an .xlsx workbook of one sheet, row by row, straight into the zip (SpreadsheetML through an
/// <see cref="XmlWriter"/> into a deflate stream), so a million-row benchmark workbook costs no more memory than a
/// small one (the Open XML SDK buffers each part in memory, which fails past 2 GB of sheet XML). Cells are typed as
/// Excel stores them: strings (inline), numbers, booleans, and dates (serial numbers with a <c>dd-mmm-yyyy</c> number
/// format, which readers recognise as dates). Shared by the sample generator (<see cref="WideSampleWorkbook"/>) and
/// the mapping benchmark.
/// </summary>
internal sealed class WorkbookWriter : IDisposable
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private readonly ZipArchive _zip;
    private readonly XmlWriter _sheet;
    private int _row;

    public WorkbookWriter(Stream output, string sheetName)
    {
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        Part("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>""");
        Part("_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        Part("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>""");
        Part("xl/styles.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{Main}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd-mmm-yyyy"/></numFmts><fonts count="1"><font/></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>""");
        using (var workbook = new StreamWriter(_zip.CreateEntry("xl/workbook.xml").Open()))
        using (var xml = XmlWriter.Create(workbook))
        {
            xml.WriteStartElement("workbook", Main);
            xml.WriteAttributeString("xmlns", "r", null, Relationships);
            xml.WriteStartElement("sheets", Main);
            xml.WriteStartElement("sheet", Main);
            xml.WriteAttributeString("name", sheetName);
            xml.WriteAttributeString("sheetId", "1");
            xml.WriteAttributeString("id", Relationships, "rId1");
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        _sheet = XmlWriter.Create(_zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open(), new XmlWriterSettings { CloseOutput = true });
        _sheet.WriteStartElement("worksheet", Main);
        _sheet.WriteStartElement("sheetData", Main);
    }

    /// <summary>Writes the next row: each cell a string, a number (int, long, double), a bool, a DateTime, or null (empty).</summary>
    public void WriteRow(IEnumerable<object?> cells)
    {
        _row++;
        var row = _row.ToString(CultureInfo.InvariantCulture);
        _sheet.WriteStartElement("row", Main);
        _sheet.WriteAttributeString("r", row);
        var column = 0;
        foreach (var value in cells)
        {
            column++;
            if (value is null or "")
            {
                continue;
            }

            _sheet.WriteStartElement("c", Main);
            _sheet.WriteAttributeString("r", ColumnName(column) + row);
            switch (value)
            {
                case string text:
                    _sheet.WriteAttributeString("t", "inlineStr");
                    _sheet.WriteStartElement("is", Main);
                    _sheet.WriteElementString("t", Main, text);
                    _sheet.WriteEndElement();
                    break;
                case bool flag:
                    _sheet.WriteAttributeString("t", "b");
                    _sheet.WriteElementString("v", Main, flag ? "1" : "0");
                    break;
                case DateTime date:
                    _sheet.WriteAttributeString("s", "1");
                    _sheet.WriteElementString("v", Main, date.ToOADate().ToString(CultureInfo.InvariantCulture));
                    break;
                case IConvertible number:
                    _sheet.WriteElementString("v", Main, Convert.ToDouble(number, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException("Unsupported cell value type.", nameof(cells));
            }

            _sheet.WriteEndElement();
        }

        _sheet.WriteEndElement();
    }

    public void Dispose()
    {
        _sheet.WriteEndElement(); // sheetData
        _sheet.WriteEndElement(); // worksheet
        _sheet.Dispose();
        _zip.Dispose();
    }

    private void Part(string name, string content)
    {
        using var writer = new StreamWriter(_zip.CreateEntry(name).Open());
        writer.Write(content);
    }

    private static string ColumnName(int column)
    {
        var name = "";
        for (; column > 0; column = (column - 1) / 26)
        {
            name = (char)('A' + ((column - 1) % 26)) + name;
        }

        return name;
    }
}
