using System.Text;
using RegistryClient.Mapping;
using RegistryClient.Tests.Cli;
using static RegistryClient.Tests.Mapping.MappingTestData;

namespace RegistryClient.Tests.Mapping;

/// <summary>Mapping never produces wrong data quietly: each class of the hardening issue, reproduced and refused.</summary>
public sealed class HardeningTests
{
    private static readonly string[] SampleLines = File.ReadAllLines(ExportFile);

    private static string Export(string header, int rows = 3) => string.Join("\n", new[] { header }.Concat(SampleLines.Skip(1).Take(rows))) + "\n";

    [Theory]
    [InlineData("risk_factors", "risk_factor")]   // renaming a column used to drop every risk factor silently
    [InlineData("episode_id", "episode")]         // a misnamed key used to attach follow-ups to the previous patient
    public async Task AProfileColumnMissingFromTheHeader_MapsNothing_AndNamesTheColumnAndTheClosestHeader(string column, string renamed)
    {
        var results = await MapAsync(SampleProfile(), Export(SampleLines[0].Replace(column, renamed)));

        var result = Assert.Single(results);
        Assert.True(result.IsInputError);
        var error = Assert.Single(result.Errors);
        Assert.Equal((1, column), (error.Row, error.Column));
        Assert.Contains($"the closest is '{renamed}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExportWithoutItsHeaderRow_IsRefused_NotReadWithTheFirstPatientAsHeader()
    {
        var results = await MapAsync(SampleProfile(), string.Join("\n", SampleLines.Skip(1).Take(5)));

        var error = Assert.Single(Assert.Single(results).Errors);
        Assert.Contains("lack its header row", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("9990020078", error.Message, StringComparison.Ordinal); // no "closest header" taken from the data
    }

    [Fact]
    public async Task AColumnNamedTwice_IsRefused()
    {
        var results = await MapAsync(SampleProfile(), Export(SampleLines[0].Replace("stockings", "sex")));

        Assert.Contains(Assert.Single(results).Errors, e => e.Column == "sex" && e.Message.Contains("2 times", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Windows1252ReadAsUtf8_IsALocatedError_NeverAReplacementCharacter()
    {
        var profile = Profile("""{ "key": "id", "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");
        var latin = Encoding.GetEncoding(28591);
        var bytes = latin.GetBytes("id,device\nE1,Plain\nE2,Müller device\n");

        var results = await MapAsync(profile, bytes);

        Assert.NotNull(results[0].Submission);
        var error = Assert.Single(results[1].Errors);
        Assert.Equal((3, "device"), (error.Row, error.Column));
        Assert.Contains("not valid utf-8", error.Message, StringComparison.Ordinal);
        Assert.Null(results[1].Submission);
    }

    [Theory]
    [InlineData("windows-1252", 1252, false)]
    [InlineData("iso-8859-1", 28591, false)]
    [InlineData("utf-16le", 1200, false)]
    [InlineData("utf-16", 1200, true)]
    [InlineData("utf-16", 1201, true)]
    [InlineData("utf-8", 65001, true)]
    [InlineData(null, 65001, false)]
    public async Task DeclaredEncodings_AreDecoded(string? encoding, int codePage, bool byteOrderMark)
    {
        var profile = Profile($$"""{ "key": "id", "input": { "encoding": {{(encoding is null ? "null" : $"\"{encoding}\"")}} }, "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");
        var text = CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? Encoding.GetEncoding(codePage);
        const string Device = "Straub Rotarex® – Müller"; // ISO-8859-1 has no dash: its encoder writes '-'
        var bytes = (byteOrderMark ? text.GetPreamble() : []).Concat(text.GetBytes($"id,device\nE1,{Device}\n")).ToArray();

        var result = Assert.Single(await MapAsync(profile, bytes));

        Assert.Equal(text.GetString(text.GetBytes(Device)), result.Submission!.Procedure.Device.Name);
        Assert.Contains("®", result.Submission.Procedure.Device.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AByteOrderMarkThatContradictsTheDeclaredEncoding_IsRefused()
    {
        var profile = Profile("""{ "key": "id", "input": { "encoding": "windows-1252" }, "fields": { "/localRecordId": { "column": "id" } } }""");

        var result = Assert.Single(await MapAsync(profile, Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("id\nE1\n")).ToArray()));

        Assert.True(result.IsInputError);
        Assert.Contains("byte order mark", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utf16WithALoneSurrogate_IsALocatedError()
    {
        var profile = Profile("""{ "key": "id", "input": { "encoding": "utf-16le" }, "fields": { "/localRecordId": { "column": "id" }, "/procedure/device/name": { "column": "device" } } }""");
        var bytes = Encoding.Unicode.GetBytes("id,device\nE1,AB\n").ToList();
        bytes.InsertRange(bytes.Count - 6, [0x00, 0xD8]); // an unpaired high surrogate inside "AB"

        var error = Assert.Single(Assert.Single(await MapAsync(profile, bytes.ToArray())).Errors);

        Assert.Equal((2, "device"), (error.Row, error.Column));
    }

    [Fact]
    public async Task SwappedColumns_ErrorsNameTheColumnAndTheKindOfProblem_NeverTheCell()
    {
        var header = SampleLines[0].Split(',');
        var (sex, nhs, dob, severity) = (Array.IndexOf(header, "sex"), Array.IndexOf(header, "nhs_no"), Array.IndexOf(header, "dob"), Array.IndexOf(header, "severity"));
        (header[sex], header[nhs]) = (header[nhs], header[sex]);
        (header[dob], header[severity]) = (header[severity], header[dob]);

        var results = await MapAsync(SampleProfile(), Export(string.Join(",", header)));

        var messages = string.Join("\n", results.SelectMany(r => r.Errors));
        Assert.Contains(results[0].Errors, e => e.Column == "sex" && e.Message.Contains("not one of the profile's codes", StringComparison.Ordinal));
        Assert.Contains(results[0].Errors, e => e.Column == "severity");
        Assert.DoesNotContain("999", messages, StringComparison.Ordinal);
        Assert.DoesNotContain("2003", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"/outcome/complications/2000000000/type\": { \"column\": \"c\" }", "indexes are 0 to 99")]
    [InlineData("\"/outcome/complications/-1/type\": { \"column\": \"c\" }", "indexes are 0 to 99")]
    [InlineData("\"/outcome/complications/01/type\": { \"column\": \"c\" }", "leading zeros")]
    [InlineData("\"/followUps/4/timepoint\": { \"column\": \"c\" }", "beyond the 4 items")]
    [InlineData("\"/patient/ageAtProcedure\": { \"constant\": \"old\" }", "The constant must be a whole number")]
    [InlineData("\"/patient/ageAtProcedure\": { \"constant\": 1e12 }", "The constant must be a whole number")]
    [InlineData("\"/governance/mdtAssessed\": { \"column\": \"m\", \"default\": \"yes\" }", "The default must be true or false")]
    [InlineData("\"/patient\": { \"constant\": { \"sex\": \"female\", \"dob\": \"x\" } }", "'dob', which is not a field")]
    [InlineData("\"/outcome/complications\": { \"constant\": [ { \"type\": \"bleed\" } ] }", "registry codes")]
    [InlineData("\"/followUps/0/timepoint\": { \"column\": \"t\", \"formats\": [] }", "date fields only")]
    public void Load_RefusesUnboundedIndexes_AndValuesOfTheWrongType(string field, string message)
    {
        var json = "{\n  \"key\": \"id\",\n  \"fields\": {\n    " + field + "\n  }\n}";

        var (profile, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes(json));

        Assert.Null(profile);
        Assert.Contains(errors, e => e.Message.Contains(message, StringComparison.Ordinal) && e.Line == 4);
    }

    [Theory]
    [InlineData("\\u0000")]
    [InlineData("\\\"")]
    [InlineData("\\r")]
    [InlineData("\\n")]
    [InlineData("a")]
    [InlineData(";;")]
    public void Load_RefusesDelimitersThatCannotSeparateFields(string delimiter)
    {
        var (profile, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes($$"""{ "key": "id", "input": { "delimiter": "{{delimiter}}" }, "fields": { "/localRecordId": { "column": "id" } } }"""));

        Assert.Null(profile);
        Assert.Equal("/input/delimiter", Assert.Single(errors).Pointer);
    }

    [Fact]
    public async Task MapCommand_MissingColumn_ExitsTwo_WithOneClearLine_AndWritesNothing()
    {
        var input = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.csv");
        var output = input + ".ndjson";
        File.WriteAllText(input, Export(SampleLines[0].Replace("risk_factors", "riskfactors")));
        try
        {
            var (exit, stdout, stderr) = await CliRunner.RunAsync("map", "--profile", ProfileFile, input, "--output", output);

            Assert.Equal(2, exit);
            Assert.Empty(stdout);
            Assert.Equal($"{input}:1:risk_factors: error: The column 'risk_factors' that the profile names is not in the header; the closest is 'riskfactors'. Nothing was mapped.", stderr.Trim());
            Assert.False(File.Exists(output));
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public async Task MapCommand_HugeIndexInTheProfile_ExitsTwo_WithoutAStackTrace()
    {
        var profile = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        File.WriteAllText(profile, "{\n  \"key\": \"id\",\n  \"input\": { \"delimiter\": \"\\u0000\" },\n  \"fields\": {\n    \"/outcome/complications/2000000000/type\": { \"column\": \"c\" },\n    \"/patient/ageAtProcedure\": { \"constant\": \"x\" }\n  }\n}\n");
        try
        {
            var (exit, _, stderr) = await CliRunner.RunAsync("map", "--profile", profile, ExportFile);

            Assert.Equal(2, exit);
            Assert.Equal(3, stderr.Trim().Split('\n').Length);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(profile);
        }
    }

    [Fact]
    public async Task MapCommand_AFileThatIsNotAWorkbook_ExitsTwo_WithOneLine()
    {
        var input = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.xlsx");
        var profile = input + ".profile.json";
        File.WriteAllText(input, "row_type,episode_id\nPROC,E1\n");
        File.WriteAllText(profile, """{ "key": "id", "input": { "format": "xlsx" }, "fields": { "/localRecordId": { "column": "id" } } }""");
        try
        {
            var (exit, _, stderr) = await CliRunner.RunAsync("map", "--profile", profile, input);

            Assert.Equal(2, exit);
            Assert.Equal($"{input}:1:*: error: The input is not an .xlsx workbook (or it is damaged or password-protected).", stderr.Trim());
        }
        finally
        {
            File.Delete(input);
            File.Delete(profile);
        }
    }

    /// <summary>An output that cannot be written (a missing folder, a full disk) is named as the output, once, exit 2: not "cannot read" the input.</summary>
    [Theory]
    [InlineData("missing-folder")]
    [InlineData("full-disk")]
    public async Task Map_ToAnOutputThatCannotBeWritten_SaysSoNamingTheOutput_AndExitsTwo(string kind)
    {
        var output = kind == "full-disk" ? "/dev/full" : Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "out.ndjson");
        Assert.True(kind != "full-disk" || File.Exists(output), "this test needs Linux's /dev/full");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("map", "--profile", ProfileFile, ExportFile, "--output", output);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        var failure = Assert.Single(stderr.Split('\n'), l => l.StartsWith("registry map: ", StringComparison.Ordinal));
        Assert.StartsWith($"registry map: cannot write {output}: ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
