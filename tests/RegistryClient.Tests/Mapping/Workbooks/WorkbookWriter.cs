using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace RegistryClient.Tests.Mapping.Workbooks;

/// <summary>
/// Writes an .xlsx workbook of one sheet, row by row, with the Open XML SDK's streaming (SAX) writer, so a million-row
/// benchmark workbook costs no more memory than a small one. Cells are typed as Excel stores them: strings (inline),
/// numbers, booleans, and dates (serial numbers with a <c>dd-mmm-yyyy</c> format, which readers recognise as dates).
/// Shared by the sample generator (<see cref="WideSampleWorkbook"/>) and the mapping benchmark.
/// </summary>
internal sealed class WorkbookWriter : IDisposable
{
    private const uint DateStyle = 1;
    private readonly SpreadsheetDocument _document;
    private readonly WorkbookPart _workbook;
    private readonly WorksheetPart _sheet;
    private readonly OpenXmlWriter _writer;
    private readonly string _sheetName;
    private uint _row;

    public WorkbookWriter(Stream output, string sheetName)
    {
        _sheetName = sheetName;
        _document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        _workbook = _document.AddWorkbookPart();
        var styles = _workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "dd-mmm-yyyy" }) { Count = 1 },
            new Fonts(new Font()) { Count = 1 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellStyleFormats(new CellFormat()) { Count = 1 },
            new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 2 });
        _sheet = _workbook.AddNewPart<WorksheetPart>();
        _writer = OpenXmlWriter.Create(_sheet);
        _writer.WriteStartElement(new Worksheet());
        _writer.WriteStartElement(new SheetData());
    }

    /// <summary>Writes the next row: each cell a string, a number (int, long, double), a bool, a DateTime, or null (empty).</summary>
    public void WriteRow(IEnumerable<object?> cells)
    {
        _row++;
        _writer.WriteStartElement(new Row { RowIndex = _row });
        var column = 0;
        foreach (var value in cells)
        {
            column++;
            var reference = ColumnName(column) + _row.ToString(CultureInfo.InvariantCulture);
            Cell? cell = value switch
            {
                null => null,
                string text when text.Length == 0 => null,
                string text => new Cell(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve })) { DataType = CellValues.InlineString },
                bool flag => new Cell(new CellValue(flag ? "1" : "0")) { DataType = CellValues.Boolean },
                DateTime date => new Cell(new CellValue(date.ToOADate().ToString(CultureInfo.InvariantCulture))) { StyleIndex = DateStyle },
                IConvertible number => new Cell(new CellValue(Convert.ToDouble(number, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture))),
                _ => throw new ArgumentException("Unsupported cell value type.", nameof(cells)),
            };
            if (cell is not null)
            {
                cell.CellReference = reference;
                _writer.WriteElement(cell);
            }
        }

        _writer.WriteEndElement();
    }

    public void Dispose()
    {
        _writer.WriteEndElement(); // sheetData
        _writer.WriteEndElement(); // worksheet
        _writer.Close();
        _workbook.Workbook = new Workbook(new Sheets(new Sheet { Name = _sheetName, SheetId = 1, Id = _workbook.GetIdOfPart(_sheet) }));
        _workbook.Workbook.Save();
        _document.Dispose();
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
