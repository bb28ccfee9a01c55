using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RegistryClient.Tests.Cli;

/// <summary>The HTML data-quality report: self-contained, free of patient data, and showing the right counts in a real browser.</summary>
[Collection(ExternalResources.Name)]
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Report_OpensInHeadlessChromium_WithTheExpectedCounts()
    {
        var html = Path.Combine(_directory, "report.html");
        var (exit, _, stderr) = await CliRunner.RunAsync("report", Samples.ValidDirectory, Samples.InvalidDirectory, "--html", html);
        Assert.True(exit == 0, stderr);

        var dom = await DumpDomAsync(html);

        var documents = Samples.ValidFiles.Count() + Samples.InvalidFiles.Count();
        var invalid = Validation.Expectation.Load().Count(e => e.Severity == "error");
        Assert.Contains($"id=\"documents\">{documents}<", dom, StringComparison.Ordinal);
        Assert.Contains($"id=\"valid\">{documents - invalid}<", dom, StringComparison.Ordinal);
        Assert.Contains($"id=\"invalid\">{invalid}<", dom, StringComparison.Ordinal);
        Assert.Matches("id=\"rule-VR006\"[^>]*>.*?data-count=\"1\"", dom);
        Assert.Matches("id=\"rule-SCHEMA\"[^>]*>.*?data-count=\"12\"", dom);
        Assert.Contains("data-label=\"femoropopliteal\" data-count=\"4\"", dom, StringComparison.Ordinal); // 2 valid samples + 2 invalid ones
        Assert.Matches("<figure id=\"chart-age\"[^>]*>.*?<svg", dom);
    }

    [Fact]
    public async Task Report_IsDatedAndJudged_ByTheInjectedClock()
    {
        var html = Path.Combine(_directory, "report.html");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2023, 6, 1, 9, 30, 0, TimeSpan.Zero));

        var (exit, _, stderr) = await CliRunner.RunAsync(time, "report", Samples.ValidDirectory, "--html", html);

        Assert.True(exit == 0, stderr);
        var text = await File.ReadAllTextAsync(html);
        Assert.Contains("Generated 1 June 2023 09:30 ", text, StringComparison.Ordinal); // then the offset, HTML-escaped
        // On 1 June 2023 the valid samples' later procedures (June 2023 onwards) lie in the future: rule VR008 says so.
        Assert.Matches("id=\"rule-VR008\"[^>]*>.*?data-count=\"[1-9]", text);
    }

    [Fact]
    public async Task Report_IsSelfContained_AndHoldsNoPatientData()
    {
        var html = Path.Combine(_directory, "report.html");
        await CliRunner.RunAsync("report", Samples.ValidDirectory, Samples.InvalidDirectory, "--html", html);

        var text = await File.ReadAllTextAsync(html);

        Assert.DoesNotMatch("<script|<link|<img|src=|url\\(|@import", text);
        Assert.DoesNotMatch(@"\b999\d{7}\b", text);                 // NHS numbers
        Assert.DoesNotMatch(@"\b[0-9a-f]{64}\b", text);              // pseudonyms
        Assert.DoesNotMatch(@"\b(19|20)\d\d-\d\d-\d\d\b", text);     // dates (of birth, onset, procedure...)
    }

    [Fact]
    public async Task Report_ListsEachRecordsIssues_SortedByRule_WithAnchors_AndExportsThemAsCsv()
    {
        var html = Path.Combine(_directory, "report.html");
        var csv = Path.Combine(_directory, "issues.csv");
        var (exit, _, stderr) = await CliRunner.RunAsync("report", Samples.ValidDirectory, Samples.InvalidDirectory, "--html", html, "--csv", csv);
        Assert.True(exit == 0, stderr);

        var dom = await DumpDomAsync(html);

        Assert.Matches("<tr id=\"issues-VR006\" data-code=\"VR006\"><td>RJ1-PMT-INVALID-VR006</td><td class=\"code\"><a href=\"#rule-VR006\">VR006</a></td><td class=\"error\">error</td><td><code>/<wbr>governance/<wbr>consentRecorded</code></td>", dom);
        Assert.Contains("<a href=\"#issues-VR006\">1</a>", dom, StringComparison.Ordinal);
        var codes = Regex.Matches(dom, "<tr (?:id=\"[^\"]*\" )?data-code=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        var ruleOrder = Regex.Matches(dom, "<tr id=\"rule-([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(codes.OrderBy(ruleOrder.IndexOf), codes);                       // sorted by rule, in the rules table's order
        Assert.Equal(codes.Distinct().Count(), Regex.Matches(dom, "<tr id=\"issues-").Count); // one anchor per rule

        var rows = (await File.ReadAllTextAsync(csv)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("localRecordId,file,document,code,severity,pointer,message", rows[0]);
        Assert.Equal(codes.Count, rows.Length - 1);
        Assert.Contains(rows, r => r.StartsWith("RJ1-PMT-INVALID-VR006,", StringComparison.Ordinal) && r.Contains(",VR006,error,/governance/consentRecorded,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_NeverCopiesFieldValuesOfInvalidDocuments_IntoTheHtmlOrTheCsv()
    {
        var template = JsonNode.Parse(await File.ReadAllTextAsync(Samples.ValidFiles.First()))!.AsObject();
        var hostile = template.DeepClone().AsObject();
        hostile["localRecordId"] = "-HOSTILE";                                     // a valid id that a spreadsheet would run
        hostile["presentation"]!["dvtClass"] = "9990020078";                       // an NHS number in a coded field
        hostile["presentation"]!["symptomSeverity"]!["grade"] = "<b>9990020140</b>";
        hostile["patient"]!["9990020167"] = true;                                  // ... and as a property name
        var badId = template.DeepClone().AsObject();
        badId["localRecordId"] = "9990020175 =cmd|' /C calc'!A0";                  // not a valid id: never shown
        var input = Path.Combine(_directory, "hostile.ndjson");
        await File.WriteAllLinesAsync(input, [hostile.ToJsonString(), badId.ToJsonString()]);
        var html = Path.Combine(_directory, "report.html");
        var csv = Path.Combine(_directory, "issues.csv");

        var (exit, _, stderr) = await CliRunner.RunAsync("report", input, "--html", html, "--csv", csv);

        Assert.True(exit == 0, stderr);
        var page = await File.ReadAllTextAsync(html);
        var table = await File.ReadAllTextAsync(csv);
        foreach (var text in new[] { page, table })
        {
            Assert.DoesNotMatch(@"999\d{7}", text);
            Assert.DoesNotContain("cmd", text, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
        }

        var dom = await DumpDomAsync(html);
        Assert.Contains("data-label=\"not a registry code\" data-count=\"1\"", dom, StringComparison.Ordinal);
        Assert.Contains("<td>-HOSTILE</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<code>/<wbr>patient</code>", dom, StringComparison.Ordinal); // the unknown name is not repeated, even in the pointer
        Assert.Contains("no valid localRecordId", dom, StringComparison.Ordinal);
        Assert.Contains("\n\"'-HOSTILE\",", table.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_SaysWhatItsChartsAndCompletenessCount()
    {
        var html = Path.Combine(_directory, "report.html");
        await CliRunner.RunAsync("report", Samples.ValidDirectory, Samples.InvalidDirectory, "--html", html);

        var dom = await DumpDomAsync(html);

        var documents = Samples.ValidFiles.Count() + Samples.InvalidFiles.Count();
        Assert.Matches($"id=\"case-mix-basis\">Each chart counts all {documents} submissions read, <strong>invalid ones included</strong>", dom);
        Assert.Matches($"id=\"completeness-basis\">The share of records that give each field. The denominator is every submission read \\({documents}, invalid ones included\\)", dom);
        Assert.Matches("<table class=\"fields\" id=\"completeness-submitter\">.*<td>recordUpdatedAt</td><td class=\"n\">0</td>", dom); // the samples give none: a data manager sees it
    }

    /// <summary>A narrow column wraps a pointer between its segments and never splits a code ("SCHE/MA" before).</summary>
    [Fact]
    public async Task Report_KeepsCodesWhole_AndWrapsPointersOnlyBetweenSegments()
    {
        var html = Path.Combine(_directory, "report.html");
        await CliRunner.RunAsync("report", Samples.InvalidDirectory, "--html", html);

        var page = await File.ReadAllTextAsync(html);

        Assert.Contains("td.code,th.code,td.state{white-space:nowrap}", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"code\"><a href=\"#rule-SCHEMA\">SCHEMA</a></td>", page, StringComparison.Ordinal);
        Assert.Contains("<code>/<wbr>followUps/<wbr>2/<wbr>qualityOfLife/<wbr>score</code>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("overflow-wrap:anywhere", page, StringComparison.Ordinal);
    }

    internal static async Task<string> DumpDomAsync(string html)
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
        Assert.True(chromium is not null, "Chromium is needed for this test; .ci/run installs the Debian package 'chromium'.");
        var (_, dom, _) = await ExternalProcess.RunAsync(chromium!, null, TimeSpan.FromSeconds(90),
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--dump-dom", new Uri(html).AbsoluteUri);
        return dom;
    }
}
