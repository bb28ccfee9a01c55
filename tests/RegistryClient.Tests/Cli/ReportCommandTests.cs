using System.Text.RegularExpressions;

namespace RegistryClient.Tests.Cli;

/// <summary>The HTML data-quality report: self-contained, free of patient data, and showing the right counts in a real browser.</summary>
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
        Assert.Contains("<svg id=\"chart-age\"", dom, StringComparison.Ordinal);
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

    internal static async Task<string> DumpDomAsync(string html)
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
        Assert.True(chromium is not null, "Chromium is needed for this test; .ci/run installs the Debian package 'chromium'.");
        var (_, dom, _) = await ExternalProcess.RunAsync(chromium!, null, TimeSpan.FromSeconds(90),
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--dump-dom", new Uri(html).AbsoluteUri);
        return dom;
    }
}
