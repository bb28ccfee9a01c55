using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NJsonSchema;
using RegistryClient.Tests.Validation;

namespace RegistryClient.Tests.Cli;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("registry-validate-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    public async Task Validate_ValidSamples_ExitsZeroInEveryFormat(string format)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", Samples.ValidDirectory, "--format", format);

        Assert.True(exit == 0, stdout + stderr);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    public async Task Validate_InvalidSamples_ExitsOneAndReportsEveryExpectedCodeInEveryFormat(string format)
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("validate", Samples.InvalidDirectory, "--format", format);

        Assert.Equal(1, exit);
        foreach (var expected in Expectation.Load())
        {
            Assert.Contains(expected.Code, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Validate_Text_PutsPathLineColumnAtTheOffendingValue()
    {
        var file = Path.Combine(Samples.InvalidDirectory, Expectation.Load().First(e => e.Code == "VR001").File);

        var (_, stdout, _) = await CliRunner.RunAsync("validate", file);

        var match = Regex.Match(stdout, @"^(?<path>[^:\n]+):(?<line>\d+):(?<column>\d+): error VR001: ", RegexOptions.Multiline);
        Assert.True(match.Success, stdout);
        var line = File.ReadAllLines(file)[int.Parse(match.Groups["line"].Value) - 1];
        var column = int.Parse(match.Groups["column"].Value);
        Assert.Contains("\"nhsNumber\"", line[..(column - 1)], StringComparison.Ordinal);
        Assert.StartsWith("\"", line[(column - 1)..], StringComparison.Ordinal);
        Assert.EndsWith(Path.GetFileName(file), match.Groups["path"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Json_HasTheDocumentedShapeAndTotals()
    {
        var (_, stdout, _) = await CliRunner.RunAsync("validate", Samples.ValidDirectory, Samples.InvalidDirectory, "--format", "json");

        using var json = JsonDocument.Parse(stdout);
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToList();
        var documents = files.SelectMany(f => f.GetProperty("documents").EnumerateArray()).ToList();
        var summary = json.RootElement.GetProperty("summary");
        Assert.Equal(Samples.ValidFiles.Count() + Samples.InvalidFiles.Count(), files.Count);
        Assert.Equal(documents.Count, summary.GetProperty("documents").GetInt32());
        Assert.Equal(documents.Count(d => d.GetProperty("valid").GetBoolean()), summary.GetProperty("valid").GetInt32());
        Assert.Equal(documents.Count(d => !d.GetProperty("valid").GetBoolean()), summary.GetProperty("invalid").GetInt32());
        var issue = documents.SelectMany(d => d.GetProperty("issues").EnumerateArray()).First(i => i.GetProperty("code").GetString() == "VR004");
        Assert.Equal("error", issue.GetProperty("severity").GetString());
        Assert.Equal("/governance/researchStudy", issue.GetProperty("path").GetString());
        Assert.Equal("NICE HTG516 1.1", issue.GetProperty("source").GetString());
        Assert.True(issue.GetProperty("line").GetInt32() > 0);
        Assert.True(issue.GetProperty("column").GetInt32() > 0);
    }

    [Fact]
    public async Task Validate_JUnit_HasOneTestcasePerDocumentAndAFailurePerInvalidOne()
    {
        var (_, stdout, _) = await CliRunner.RunAsync("validate", Samples.InvalidDirectory, "--format", "junit");

        var xml = XDocument.Parse(stdout);
        var cases = xml.Descendants("testcase").ToList();
        var errorsExpected = Expectation.Load().Count(e => e.Severity == "error");
        Assert.Equal(Samples.InvalidFiles.Count(), cases.Count);
        Assert.Equal(errorsExpected, cases.Count(c => c.Element("failure") is not null));
        Assert.Equal(errorsExpected.ToString(), xml.Root!.Attribute("failures")!.Value);
    }

    [Fact]
    public async Task Validate_WarningsAsErrors_FailsADocumentWithOnlyWarnings()
    {
        var warningOnly = Path.Combine(Samples.InvalidDirectory, Expectation.Load().First(e => e.Severity == "warning").File);

        var lenient = await CliRunner.RunAsync("validate", warningOnly);
        var strict = await CliRunner.RunAsync("validate", warningOnly, "--warnings-as-errors");

        Assert.Equal(0, lenient.ExitCode);
        Assert.Equal(1, strict.ExitCode);
    }

    /// <summary>Issue 20: a localRecordId that fails its pattern (here an NHS number and a date of birth) is never
    /// echoed: every format names the document by its index and <c>(invalid localRecordId)</c>.</summary>
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    public async Task Validate_AnInvalidLocalRecordId_IsNeverEchoed_InAnyFormat(string format)
    {
        var document = JsonNode.Parse(File.ReadAllText(Samples.ValidFiles.First()))!;
        document["localRecordId"] = "9990001014 12/03/1961";
        var file = Path.Combine(_temp, "leaky.json");
        File.WriteAllText(file, "[" + File.ReadAllText(Samples.ValidFiles.First()) + "," + document.ToJsonString() + "]");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", file, "--format", format);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("9990001014", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("1961", stdout + stderr, StringComparison.Ordinal);
        if (format == "json")
        {
            var named = JsonNode.Parse(stdout)!["files"]![0]!["documents"]![1]!;
            Assert.Equal((1, "(invalid localRecordId)"), ((int)named["index"]!, (string)named["localRecordId"]!));
        }

        if (format == "junit")
        {
            Assert.Contains(XDocument.Parse(stdout).Descendants("testcase"), t => (string?)t.Attribute("name") == "[1] (invalid localRecordId)");
        }
    }

    [Fact]
    public async Task Validate_ArrayFile_LocatesIssuesInTheFile()
    {
        var valid = File.ReadAllText(Samples.ValidFiles.First());
        var vr001 = File.ReadAllText(Path.Combine(Samples.InvalidDirectory, Expectation.Load().First(e => e.Code == "VR001").File));
        var file = Path.Combine(_temp, "batch.json");
        File.WriteAllText(file, "[\n" + valid + ",\n" + vr001 + "\n]\n");
        var expectedLine = ("[\n" + valid + ",\n").Count(c => c == '\n') + 1
            + vr001.Split('\n').TakeWhile(l => !l.Contains("\"nhsNumber\"", StringComparison.Ordinal)).Count();

        var (exit, stdout, _) = await CliRunner.RunAsync("validate", file, "--format", "json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(stdout);
        var documents = json.RootElement.GetProperty("files")[0].GetProperty("documents");
        Assert.Equal(2, documents.GetArrayLength());
        Assert.True(documents[0].GetProperty("valid").GetBoolean());
        var issue = documents[1].GetProperty("issues")[0];
        Assert.Equal("VR001", issue.GetProperty("code").GetString());
        Assert.Equal(expectedLine, issue.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Validate_Ndjson_ReportsTheLineOfTheFaultyDocument()
    {
        var compact = (string path) => JsonSerializer.Serialize(JsonDocument.Parse(File.ReadAllText(path)).RootElement);
        var valid = compact(Samples.ValidFiles.First());
        var vr005 = compact(Path.Combine(Samples.InvalidDirectory, Expectation.Load().First(e => e.Code == "VR005").File));
        var file = Path.Combine(_temp, "batch.ndjson");
        File.WriteAllText(file, valid + "\n\n" + vr005 + "\n" + "{ not json\n");

        var (exit, stdout, _) = await CliRunner.RunAsync("validate", file);

        Assert.Equal(1, exit);
        Assert.Matches(@"batch\.ndjson:3:\d+: error VR005: ", stdout);
        Assert.Matches(@"batch\.ndjson:4:\d+: error PARSE: ", stdout);
        Assert.Contains("3 document(s): 1 valid, 2 invalid", stdout, StringComparison.Ordinal);
    }

    /// <summary>Issue 20: a missing input is named as the user typed it (never as a path relative to the working
    /// directory, such as <c>../../../nonexistent</c>), once: in the report, which every format carries it in.</summary>
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    public async Task Validate_MissingFile_ExitsTwo_NamingItAsTyped_OnceInTheReport(string format)
    {
        var typed = Path.Combine(_temp, "absent.json");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", typed, "--format", format);

        Assert.Equal(2, exit);
        Assert.Equal("", stderr);
        Assert.Contains(typed, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("../", stdout, StringComparison.Ordinal);
        if (format is "text" or "json")
        {
            Assert.Single(Regex.Matches(stdout, Regex.Escape(typed)));
        }

        if (format == "text")
        {
            Assert.StartsWith($"{typed}: error INPUT: no such file or directory\n", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Validate_AnAbsoluteDirectory_NamesTheFilesFoundInIt_UnderThatAbsolutePath()
    {
        var folder = Path.Combine(_temp, "exports");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "broken.json"), "{");

        var (exit, stdout, _) = await CliRunner.RunAsync("validate", folder);

        Assert.Equal(1, exit);
        Assert.StartsWith($"{Path.Combine(folder, "broken.json")}:1:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("../", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_WithTheReportInAFile_IsAlsoNamedOnceOnStderr()
    {
        var typed = Path.Combine(_temp, "absent.json");
        var report = Path.Combine(_temp, "report.txt");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", typed, "--output", report);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"{typed}: error INPUT: no such file or directory\n", stderr);
        Assert.StartsWith($"{typed}: error INPUT: no such file or directory\n", File.ReadAllText(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownFormat_IsAUsageErrorExitingTwo()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("validate", Samples.ValidDirectory, "--format", "yaml");

        Assert.Equal(2, exit);
        Assert.Contains("yaml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Output_WritesTheReportToTheFile()
    {
        var output = Path.Combine(_temp, "report.sarif");

        var (exit, stdout, _) = await CliRunner.RunAsync("validate", Samples.InvalidDirectory, "--format", "sarif", "--output", output);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        using var sarif = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
    }

    /// <summary>
    /// The SARIF 2.1.0 schema (rtm.5, the OASIS standard's final schema) is vendored beside this test from the MIT-licensed
    /// npm package @microsoft/jest-sarif 1.0.0-beta.0 (lib/schemas/sarif-2.1.0-rtm.5.json), so the check runs offline.
    /// </summary>
    private static readonly Lazy<Task<JsonSchema>> SarifSchema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(Samples.RepositoryRoot, "tests", "RegistryClient.Tests", "Cli", "sarif-2.1.0-rtm.5.schema.json")));

    [Fact]
    public async Task Validate_Sarif_ConformsToTheSarif210Schema_WithOneResultPerIssue()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("validate", Samples.InvalidDirectory, Samples.ValidDirectory, "--format", "sarif");

        Assert.Equal(1, exit);
        Assert.Empty((await SarifSchema.Value).Validate(stdout));
        using var sarif = JsonDocument.Parse(stdout);
        var run = sarif.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(Expectation.Load().Count, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(r.GetProperty("ruleId").GetString(), rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
            Assert.True(r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32() >= 1);
        });
    }

    [Fact]
    public async Task SarifSchemaCheck_RejectsABrokenLog()
    {
        // The conformance test above means something only if the schema check can fail.
        var (_, stdout, _) = await CliRunner.RunAsync("validate", Samples.InvalidDirectory, "--format", "sarif");
        var broken = JsonNode.Parse(stdout)!.AsObject();
        broken["runs"]![0]!["results"]![0]!["level"] = "fatal";

        Assert.NotEmpty((await SarifSchema.Value).Validate(broken.ToJsonString()));
    }

    [Fact]
    public async Task Validate_WarningsAsErrors_SummaryAndEveryFormatAgreeWithTheExitCode()
    {
        var warningOnly = Path.Combine(Samples.InvalidDirectory, Expectation.Load().First(e => e.Severity == "warning").File);

        var text = await CliRunner.RunAsync("validate", warningOnly, "--warnings-as-errors");
        var json = await CliRunner.RunAsync("validate", warningOnly, "--warnings-as-errors", "--format", "json");
        var sarif = await CliRunner.RunAsync("validate", warningOnly, "--warnings-as-errors", "--format", "sarif");
        var junit = await CliRunner.RunAsync("validate", warningOnly, "--warnings-as-errors", "--format", "junit");

        Assert.All(new[] { text, json, sarif, junit }, r => Assert.Equal(1, r.ExitCode));
        Assert.Contains("1 document(s): 0 valid, 1 invalid; 1 error(s), 0 warning(s).", text.Stdout, StringComparison.Ordinal);
        Assert.Contains(": error VR", text.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(json.Stdout);
        Assert.Equal(0, report.RootElement.GetProperty("summary").GetProperty("valid").GetInt32());
        Assert.False(report.RootElement.GetProperty("files")[0].GetProperty("documents")[0].GetProperty("valid").GetBoolean());
        using var log = JsonDocument.Parse(sarif.Stdout);
        Assert.Equal("error", log.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("level").GetString());
        Assert.Equal("1", XDocument.Parse(junit.Stdout).Root!.Attribute("failures")!.Value);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    public async Task Validate_UnrepresentableCharactersInIdsAndNames_AreEscapedInEveryFormat(string format)
    {
        var sample = File.ReadAllText(Samples.ValidFiles.First());
        var id = JsonNode.Parse(sample)!["localRecordId"]!.GetValue<string>();
        File.WriteAllText(Path.Combine(_temp, "surrogate.json"), sample.Replace($"\"{id}\"", "\"X\\ud800Y\"", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_temp, "control.json"), sample.Replace($"\"{id}\"", "\"X\\u0001Y\\nZ\"", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_temp, "name\u0001with\ncontrols.json"), sample);

        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", _temp, "--format", format);

        Assert.True(exit == 1, stderr);
        Assert.DoesNotContain("\u0001", stdout + stderr, StringComparison.Ordinal); // the character itself, never raw
        switch (format)
        {
            case "json":
                using (var json = JsonDocument.Parse(stdout))
                {
                    Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("invalid").GetInt32());
                    Assert.Equal(3, json.RootElement.GetProperty("summary").GetProperty("documents").GetInt32());
                }

                break;
            case "sarif":
                JsonDocument.Parse(stdout).Dispose();
                break;
            case "junit":
                Assert.Equal(3, XDocument.Parse(stdout).Descendants("testcase").Count());
                break;
            default:
                Assert.Contains("3 document(s): 1 valid, 2 invalid", stdout, StringComparison.Ordinal);
                break;
        }
    }
}
