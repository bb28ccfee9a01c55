using System.Globalization;
using System.Text;
using CsvHelper;

namespace RegistryClient.Tests.Mapping.Workbooks;

/// <summary>
/// Generates <c>samples/exports/theatre-wide-export.xlsx</c> from <c>theatre-wide-export.csv</c> (the same episodes),
/// typing cells as a trust's spreadsheet would hold them: dates as real dates, numbers as numbers, three Yes/No
/// columns as real booleans, the rest as text; a title row sits above the header. Regenerate the committed workbook
/// after changing the CSV with: <c>REGENERATE_SAMPLES=1 dotnet test tests/RegistryClient.Tests --filter WideSample</c>.
/// </summary>
internal static class WideSampleWorkbook
{
    public const string SheetName = "PMT episodes";

    private static readonly string[] DateFormats = ["dd/MM/yyyy", "dd-MMM-yyyy"];

    private static readonly HashSet<string> BooleanColumns = ["Consent Recorded", "Governance Lead Informed", "Stockings"];

    private static readonly HashSet<string> TextColumns = ["Episode No"];

    public static void Write(string csvPath, Stream output)
    {
        using var input = File.OpenRead(csvPath);
        var options = new CsvReaderOptions { Separator = ';', Encoding = CodePagesEncodingProvider.Instance.GetEncoding(1252) };
        using var csv = CsvReader.Create(input, options, false);
        csv.ReadHeader();
        var header = csv.Headers.ToArray();
        using var workbook = new WorkbookWriter(output, SheetName);
        workbook.WriteRow(["Theatre PMT audit export (synthetic data)"]);
        workbook.WriteRow(header);
        while (csv.Read())
        {
            workbook.WriteRow(header.Select((column, i) => Typed(column, csv.GetString(i))));
        }
    }

    /// <summary>A cell as the spreadsheet holds it.</summary>
    public static object? Typed(string column, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (BooleanColumns.Contains(column))
        {
            return text == "Yes";
        }

        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        return !TextColumns.Contains(column) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : text;
    }
}
