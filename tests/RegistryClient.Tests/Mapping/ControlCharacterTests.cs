using System.Text;
using RegistryClient.Mapping;
using RegistryClient.Tests.Cli;
using RegistryClient.Tests.Mapping.Workbooks;
using static RegistryClient.Tests.Mapping.MappingTestData;

namespace RegistryClient.Tests.Mapping;

/// <summary>
/// Issue 20: a NUL byte in a device name (<c>EKOS\0Endo</c>) used to map, validate and be sent. A control character
/// other than tab, CR and LF in any cell the profile reads is a mapping error at its row and column, in every input
/// format, and the error never repeats the cell.
/// </summary>
public sealed class ControlCharacterTests
{
    private static readonly MappingProfile DeviceProfile = Profile("""{ "key": "id", "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");

    [Theory]
    [InlineData("EKOS\u0000Endo")]
    [InlineData("EKOS\u0001Endo")]
    [InlineData("EKOS\u001BEndo")]
    [InlineData("EKOS\u007FEndo")]
    [InlineData("EKOS\u0085Endo")]
    public async Task Csv_ACellWithAControlCharacter_IsAnErrorAtItsRowAndColumn(string device)
    {
        var results = await MapAsync(DeviceProfile, $"id,device\nE1,Plain\nE2,{device}\n");

        Assert.True(results[0].IsMapped);
        var error = Assert.Single(results[1].Errors);
        Assert.Equal((3, "device"), (error.Row, error.Column));
        Assert.Equal("The cell holds a control character (such as NUL); text may hold only tab, carriage return and line feed among them.", error.Message);
        Assert.False(results[1].IsMapped);
    }

    [Fact]
    public async Task Csv_TabAndLineBreaksInAQuotedCell_StillMap()
    {
        var results = await MapAsync(DeviceProfile, "id,device\nE1,\"EKOS\tEndo\r\nwave\"\n");

        Assert.True(Assert.Single(results).IsMapped);
    }

    [Fact]
    public async Task Windows1252Csv_ACellWithNul_IsAnError()
    {
        var profile = Profile("""{ "key": "id", "input": { "encoding": "windows-1252" }, "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");

        var results = await MapAsync(profile, Encoding.GetEncoding(1252).GetBytes("id,device\nE1,Müller\u0000Endo\n"));

        Assert.Equal((2, "device"), (Assert.Single(results[0].Errors).Row, results[0].Errors[0].Column));
    }

    [Fact]
    public async Task JsonLines_AStringWithAnEscapedNul_IsAnError()
    {
        var profile = Profile("""{ "key": "id", "input": { "format": "jsonl" }, "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");

        var results = await MapAsync(profile, "{\"id\":\"E1\",\"device\":\"EKOS\\u0000Endo\"}\n");

        Assert.Equal((1, "device"), (Assert.Single(results[0].Errors).Row, results[0].Errors[0].Column));
    }

    [Fact]
    public async Task Xlsx_ACellWithAControlCharacter_IsAnErrorAtItsRowAndColumn()
    {
        var profile = Profile("""{ "key": "id", "input": { "format": "xlsx" }, "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");
        // XML 1.0 cannot carry NUL itself (Excel writes it as _x0000_); DEL and the C1 controls it carries as they are.
        var workbook = WorkbookBombTests.Workbook("""<row r="2"><c r="A2" t="inlineStr"><is><t>E1</t></is></c><c r="B2" t="inlineStr"><is><t>EKOS&#x7F;Endo</t></is></c></row>""", "device");

        var withDevice = await MapAsync(profile, workbook);

        var error = Assert.Single(Assert.Single(withDevice).Errors);
        Assert.Equal((2, "device"), (error.Row, error.Column));
        Assert.Contains("control character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapCommand_NulInADeviceName_ExitsOne_AndNeverEchoesTheCell()
    {
        var directory = Directory.CreateTempSubdirectory("nul-").FullName;
        try
        {
            var export = Path.Combine(directory, "export.csv");
            var profile = Path.Combine(directory, "profile.json");
            File.WriteAllText(export, "id,device\nE1,EKOS\u0000Endo\n");
            File.WriteAllText(profile, """{ "key": "id", "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");

            var (exit, stdout, stderr) = await CliRunner.RunAsync("map", "--profile", profile, export);

            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.Contains($"{export}:2:device: error: The cell holds a control character", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("EKOS", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
