using System.Text;
using RegistryClient.Mapping;
using RegistryClient.Tests.Cli;
using RegistryClient.Tests.Mapping.Workbooks;
using static RegistryClient.Tests.Mapping.MappingTestData;

namespace RegistryClient.Tests.Mapping;

/// <summary>
/// Issue 20: an .xlsx is a zip, and a small one can expand to gigabytes. Each bomb (generated here, never committed)
/// is refused by <c>registry map</c> with exit 2 and an error that says where and which limit, before ExcelDataReader
/// holds any of it in memory; each crosses its default limit by a small margin, so the defaults are what is tested.
/// </summary>
public sealed class WorkbookBombTests : IDisposable
{
    private const string IdProfile = """{ "key": "id", "input": { "format": "xlsx" }, "fields": { "/localRecordId": { "column": "id" } } }""";
    private readonly string _directory = Directory.CreateTempSubdirectory("bombs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task MapCommand_OneHugeCell_ExitsTwo_NamingTheSheetAndTheCell()
    {
        var bomb = Bomb("huge-cell.xlsx", path => HostileWorkbooks.HugeCell(path, 1_000_000));

        var (exit, stdout, stderr) = await MapCommandAsync(bomb);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"{bomb}:2:*: error: The workbook's sheet 'Export', cell A2, holds more than 32,767 characters (input.limits.maxCellCharacters).", stderr.Trim());
    }

    [Fact]
    public async Task MapCommand_AVeryWideRow_ExitsTwo_NamingTheRow()
    {
        var bomb = Bomb("wide-row.xlsx", path => HostileWorkbooks.WideRow(path, 100_000));

        var (exit, _, stderr) = await MapCommandAsync(bomb);

        Assert.Equal(2, exit);
        Assert.Equal($"{bomb}:2:*: error: The workbook's sheet 'Export', row 2, has more than 16,384 cells (input.limits.maxCellsPerRow).", stderr.Trim());
    }

    [Fact]
    public async Task MapCommand_AHugeSharedStringsTable_ExitsTwo_BeforeTheTableIsRead()
    {
        var bomb = Bomb("shared-strings.xlsx", path => HostileWorkbooks.HugeSharedStrings(path, 3_900_000));

        var (exit, _, stderr) = await MapCommandAsync(bomb);

        Assert.Equal(2, exit);
        Assert.Equal($"{bomb}:1:*: error: The workbook's shared strings (xl/sharedStrings.xml) decompress to more than 67,108,864 bytes (input.limits.maxSharedStringsBytes).", stderr.Trim());
    }

    [Fact]
    public async Task MapCommand_ASheetOfExtremeCompressionRatio_ExitsTwo()
    {
        var bomb = Bomb("ratio.xlsx", path => HostileWorkbooks.ExtremeRatio(path, 1_100));

        var (exit, _, stderr) = await MapCommandAsync(bomb);

        Assert.Equal(2, exit);
        Assert.Equal($"{bomb}:1:*: error: The workbook's part xl/worksheets/sheet1.xml expands more than 100 times its compressed size (input.limits.maxCompressionRatio): it looks like a decompression bomb.", stderr.Trim());
    }

    [Fact]
    public async Task MapCommand_ABombInASheetPartNotNamedXml_IsStillRefused()
    {
        var bomb = Bomb("renamed.xlsx", path =>
        {
            HostileWorkbooks.WideRow(path, 100_000);
            using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update);
            Rename(zip, "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.bin");
            var rels = zip.GetEntry("xl/_rels/workbook.xml.rels")!;
            string text;
            using (var reader = new StreamReader(rels.Open()))
            {
                text = reader.ReadToEnd();
            }

            rels.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("xl/_rels/workbook.xml.rels").Open());
            writer.Write(text.Replace("worksheets/sheet1.xml", "worksheets/sheet1.bin", StringComparison.Ordinal));
        });

        var (exit, _, stderr) = await MapCommandAsync(bomb);

        Assert.Equal(2, exit);
        Assert.Contains("has more than 16,384 cells (input.limits.maxCellsPerRow)", stderr, StringComparison.Ordinal);
    }

    private static void Rename(System.IO.Compression.ZipArchive zip, string from, string to)
    {
        var entry = zip.GetEntry(from)!;
        using (var source = entry.Open())
        using (var target = zip.CreateEntry(to).Open())
        {
            source.CopyTo(target);
        }

        entry.Delete();
    }

    [Fact]
    public async Task MapCommand_ACellPastTheLastColumn_ExitsTwo()
    {
        var bomb = Bomb("far-column.xlsx", path => File.WriteAllBytes(path, Workbook("""<row r="2"><c r="ZZZZ2"><v>1</v></c></row>""")));

        var (exit, _, stderr) = await MapCommandAsync(bomb);

        Assert.Equal(2, exit);
        Assert.Contains("has a cell past column XFD (input.limits.maxCellsPerRow)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapCommand_ARowNumberPastExcelsLastRow_ExitsTwo()
    {
        var bomb = Bomb("far-row.xlsx", path => File.WriteAllBytes(path, Workbook("""<row r="2000000000"><c><v>1</v></c></row>""")));

        var (exit, _, stderr) = await MapCommandAsync(bomb);

        Assert.Equal(2, exit);
        Assert.Contains("has a row numbered past 1,048,576", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_RaisedInTheProfile_LetALongCellThrough_AndTheDefaultRefusesItAtItsColumn()
    {
        var cell = new string('x', 40_000); // past 32,767 characters, within what the byte scan allows: refused exactly
        var workbook = Workbook($"""<row r="2"><c r="A2" t="inlineStr"><is><t>{cell}</t></is></c></row>""");

        var refused = await MapAsync(Profile(IdProfile), workbook);
        var raised = await MapAsync(Profile(IdProfile.Replace("\"format\": \"xlsx\"", "\"format\": \"xlsx\", \"limits\": { \"maxCellCharacters\": 50000 }")), workbook);

        var error = Assert.Single(Assert.Single(refused).Errors);
        Assert.Equal((2, "id"), (error.Row, error.Column));
        Assert.Equal("The cell holds more characters than input.limits.maxCellCharacters allows.", error.Message);
        Assert.True(Assert.Single(raised).IsMapped);
    }

    [Fact]
    public async Task TheSampleWorkbook_StillMaps_UnderTheDefaultLimits()
    {
        var results = new List<MappingResult>();
        var (profile, _) = MappingProfile.Load(File.ReadAllBytes(Path.Combine(Samples.RepositoryRoot, "samples", "mappings", "theatre-wide-export.xlsx.profile.json")));
        await foreach (var result in ProfileMapper.MapFileAsync(profile!, Path.Combine(Samples.RepositoryRoot, "samples", "exports", "theatre-wide-export.xlsx")))
        {
            results.Add(result);
        }

        Assert.Equal(14, results.Count);
        Assert.All(results, r => Assert.True(r.IsMapped, string.Join("; ", r.Errors)));
    }

    private string Bomb(string name, Action<string> write)
    {
        var path = Path.Combine(_directory, name);
        write(path);
        Assert.True(new FileInfo(path).Length < 8 << 20, "a bomb is a small file");
        return path;
    }

    private async Task<(int Exit, string Stdout, string Stderr)> MapCommandAsync(string workbook)
    {
        var profile = Path.Combine(_directory, "profile.json");
        File.WriteAllText(profile, IdProfile);
        return await CliRunner.RunAsync("map", "--profile", profile, workbook);
    }

    /// <summary>A one-sheet workbook (sheet 'Export', header <c>id</c>) with <paramref name="rows"/> after the header.</summary>
    internal static byte[] Workbook(string rows, params string[] moreColumns)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.Delete(path);
            HostileWorkbooks.Rows(path, rows, moreColumns);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
