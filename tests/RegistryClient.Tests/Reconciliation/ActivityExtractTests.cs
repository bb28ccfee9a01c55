using System.Text;
using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Reconciliation;
using RegistryClient.Tests.Mapping.Workbooks;

namespace RegistryClient.Tests.Reconciliation;

/// <summary>Reading coded activity through the mapping readers: workbooks, code normalisation, header checks.</summary>
public sealed class ActivityExtractTests
{
    // The code below is a placeholder shaped like OPCS-4 for this test of normalisation only, not a claim about OPCS-4.
    private const string Profile = """
        {
          "input": { "format": "FORMAT" },
          "reference": "Case",
          "nhsNumber": "NHS",
          "procedureDate": { "column": "Date", "format": "dd/MM/yyyy" },
          "side": { "column": "Side" },
          "codeColumns": ["Primary", "Secondary"],
          "codeSplit": ";",
          "pmtCodes": { "opcs4": ["Q99.1"], "snomedCt": ["123456789"] }
        }
        """;

    private static ActivityProfile Load(string format)
    {
        var (profile, errors) = ActivityProfile.Load(Encoding.UTF8.GetBytes(Profile.Replace("FORMAT", format, StringComparison.Ordinal)));
        Assert.Empty(errors);
        return profile!;
    }

    [Fact]
    public async Task Workbook_DatesAndNumericNhsNumbers_AreRead_AndCodesMatchWithOrWithoutTheDot()
    {
        using var workbook = new MemoryStream();
        using (var writer = new WorkbookWriter(workbook, "Activity"))
        {
            writer.WriteRow(["Case", "NHS", "Date", "Side", "Primary", "Secondary"]);
            writer.WriteRow(["A-1", 9990001014L, new DateTime(2024, 1, 17), "L", "q991", null]);          // OPCS-4 without its dot, lower case
            writer.WriteRow(["A-2", "999 000 2029", new DateTime(2024, 2, 3), "right", "X1", "X2;123456789"]); // SNOMED CT among several in one cell
            writer.WriteRow(["A-3", 9990003033L, new DateTime(2024, 3, 1), "B", "X1", null]);             // no PMT code: ignored
        }

        workbook.Position = 0;
        var result = await ActivityExtract.ReadAsync(Load("xlsx"), workbook, "activity.xlsx", CancellationToken.None);

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Rows);
        Assert.Equal(
            [("A-1", "9990001014", new DateTime(2024, 1, 17), (Side?)Side.Left), ("A-2", "9990002029", new DateTime(2024, 2, 3), Side.Right)],
            result.Episodes.Select(e => (e.Reference, e.NhsNumber!, e.ProcedureDate, e.Side)));
    }

    /// <summary>A code cell in another encoding than declared might hold a PMT code: an error, not a row skipped as uncoded.</summary>
    [Fact]
    public async Task AnUndecodableCodeCell_IsALocatedError_NotASkippedRow()
    {
        var bytes = Encoding.UTF8.GetBytes("Case,NHS,Date,Side,Primary,Secondary\r\nA-1,9990001014,17/01/2024,L,Q991,\r\nA-2,9990002029,18/01/2024,L,Q99\u0001,\r\n").ToArray();
        bytes[Array.IndexOf(bytes, (byte)1)] = 0xE9; // a Windows-1252 byte in a UTF-8 extract

        var result = await ActivityExtract.ReadAsync(Load("csv"), new MemoryStream(bytes), "activity.csv", CancellationToken.None);

        var error = Assert.Single(result.Errors);
        Assert.Equal((3, "Primary"), (error.Row, error.Column));
        Assert.Equal(["A-1"], result.Episodes.Select(e => e.Reference));
    }

    [Fact]
    public async Task AMissingColumn_IsAHeaderError_NamingTheClosest_AndNothingIsRead()
    {
        var csv = new MemoryStream(Encoding.UTF8.GetBytes("Case,NHS,Dates,Side,Primary,Secondary\r\nA-1,9990001014,17/01/2024,L,Q991,\r\n"));

        var result = await ActivityExtract.ReadAsync(Load("csv"), csv, "activity.csv", CancellationToken.None);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("activity.csv", 1, "Date"), (error.Source, error.Row, error.Column));
        Assert.Contains("the closest is 'Dates'", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Episodes);
    }
}
