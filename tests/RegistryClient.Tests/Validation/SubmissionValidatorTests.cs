using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Model;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Validation;

public sealed class SubmissionValidatorTests
{
    internal static readonly DateTime Today = new(2026, 11, 24);

    private static readonly SubmissionValidator Validator = new(Options());

    /// <summary>Options whose clock stands at noon UTC on <see cref="Today"/>.</summary>
    internal static SubmissionValidatorOptions Options() =>
        new() { TimeProvider = new FakeTimeProvider(new DateTimeOffset(Today.AddHours(12), TimeSpan.Zero)) };

    [Theory]
    [MemberData(nameof(Samples.ValidFileNames), MemberType = typeof(Samples))]
    public async Task ValidateAsync_ValidSample_HasNoIssues(string file)
    {
        var report = await Validator.ValidateAsync(File.ReadAllBytes(Path.Combine(Samples.ValidDirectory, file)));

        Assert.True(report.IsValid, string.Join("\n", report.Issues));
        Assert.Empty(report.Issues);
        Assert.NotNull(report.LocalRecordId);
    }

    [Theory]
    [MemberData(nameof(Expectation.Files), MemberType = typeof(Expectation))]
    public async Task ValidateAsync_InvalidSample_ReportsExactlyItsExpectedIssue(string file)
    {
        var expected = Expectation.For(file);

        var report = await Validator.ValidateAsync(File.ReadAllBytes(Path.Combine(Samples.InvalidDirectory, file)));

        var issue = Assert.Single(report.Issues);
        Assert.Equal(expected.Code, issue.Code);
        Assert.Equal(expected.Severity, RegistryCode.Of(issue.Severity));
        Assert.Equal(expected.Path, issue.Path);
        Assert.NotNull(issue.Line);
        Assert.NotNull(issue.Column);
        Assert.False(string.IsNullOrWhiteSpace(issue.Message));
        Assert.False(string.IsNullOrWhiteSpace(issue.Source));
    }

    [Theory]
    [MemberData(nameof(Expectation.Files), MemberType = typeof(Expectation))]
    public async Task ValidateAsync_InvalidSample_LineAndColumnPointAtTheOffendingProperty(string file)
    {
        var expected = Expectation.For(file);
        if (expected.Code is "PARSE" || expected.Path.Length == 0)
        {
            return; // Parse errors are located by the reader: covered by the malformed-JSON cases.
        }

        var bytes = File.ReadAllBytes(Path.Combine(Samples.InvalidDirectory, file));
        var issue = Assert.Single((await Validator.ValidateAsync(bytes)).Issues);

        // The issue sits on the value's own property (or array element); a missing property is located at the
        // object that lacks it, whose property name is then the one on the reported line.
        var node = JsonNode.Parse(bytes)!;
        var segments = expected.Path.Split('/').Skip(1).ToList();
        while (segments.Count > 0 && TestJson.Resolve(node, segments) is null)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        var line = File.ReadAllLines(Path.Combine(Samples.InvalidDirectory, file))[issue.Line!.Value - 1];
        var located = segments.Count == 0 ? "{" : int.TryParse(segments[^1], out _) ? null : $"\"{segments[^1]}\"";
        if (located is null)
        {
            Assert.Equal(line.Length - line.TrimStart().Length + 1, issue.Column); // an array element starts its line
            return;
        }

        var propertyAt = line.IndexOf(located, StringComparison.Ordinal);
        Assert.True(propertyAt >= 0 && propertyAt < issue.Column, $"line {issue.Line} column {issue.Column} is not at {located}: {line}");
        Assert.True(issue.Column - 1 <= line.Length);
    }

    [Fact]
    public void Manifest_CoversEveryInvalidSampleAndEveryRule()
    {
        var expectations = Expectation.Load();
        var files = Samples.InvalidFiles.Select(Path.GetFileName).ToHashSet();

        Assert.Equal(files.Order(), expectations.Select(e => e.File).Order());
        foreach (var rule in SubmissionValidator.Rules)
        {
            Assert.Contains(expectations, e => e.Code == rule.Code);
        }

        Assert.Contains(expectations, e => e.Code == IssueCodes.Parse);
        Assert.True(expectations.Count(e => e.Code == IssueCodes.Schema) >= 6, "at least six schema breaks");
    }

    [Fact]
    public async Task ValidateAsync_DocumentOverTheSizeLimit_IsRefusedWithLimitIssue()
    {
        var validator = new SubmissionValidator(new SubmissionValidatorOptions { MaxDocumentBytes = 1024 });
        var big = Encoding.UTF8.GetBytes("{\"localRecordId\": \"" + new string('a', 4096) + "\"}");

        var report = await validator.ValidateAsync(big);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(IssueCodes.Limit, issue.Code);
        Assert.Contains("1,024", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_EndlessStream_StopsReadingAtTheLimit()
    {
        var validator = new SubmissionValidator(new SubmissionValidatorOptions { MaxDocumentBytes = 64 * 1024 });
        using var endless = new EndlessStream();

        var report = await validator.ValidateAsync(endless);

        Assert.Equal(IssueCodes.Limit, Assert.Single(report.Issues).Code);
        Assert.True(endless.BytesRead <= 64 * 1024 + 4, $"read {endless.BytesRead} bytes");
    }

    [Theory]
    [InlineData(65)]
    [InlineData(100_000)]
    public async Task ValidateAsync_NestingDeeperThanTheLimit_IsRefusedWithLimitIssue(int depth)
    {
        var deep = new string('[', depth) + new string(']', depth);

        var report = await Validator.ValidateAsync(deep);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(IssueCodes.Limit, issue.Code);
        Assert.Equal(1, issue.Line);
        Assert.Equal(65, issue.Column);
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("{\n  \"schemaVersion\": \"1.0\",\n  \"localRecordId\": \n}", 4, 1)]
    [InlineData("{\"a\": tru}", 1, 10)] // the reader stops at the "}" that cannot continue the literal
    public async Task ValidateAsync_MalformedJson_ReportsParseIssueWithLineAndColumn(string json, int line, int column)
    {
        var report = await Validator.ValidateAsync(json);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(IssueCodes.Parse, issue.Code);
        Assert.Equal(line, issue.Line);
        Assert.Equal(column, issue.Column);
    }

    [Fact]
    public async Task ValidateAsync_InvalidUtf8_ReportsParseIssue()
    {
        var bytes = File.ReadAllBytes(Samples.ValidFiles.First());
        var at = Array.IndexOf(bytes, (byte)'R');
        bytes[at] = 0xFF;

        var report = await Validator.ValidateAsync(bytes);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(IssueCodes.Parse, issue.Code);
        var lineStart = Array.LastIndexOf(bytes, (byte)'\n', at) + 1;
        Assert.Equal(bytes.Take(at).Count(b => b == '\n') + 1, issue.Line);
        Assert.Equal(at - lineStart + 1, issue.Column);
    }

    [Fact]
    public async Task ValidateAsync_RepeatedProperty_IsAnError()
    {
        var text = File.ReadAllText(Samples.ValidFiles.First());
        var repeated = text.Replace("\"schemaVersion\": \"1.0\",", "\"schemaVersion\": \"1.0\", \"schemaVersion\": \"1.0\",", StringComparison.Ordinal);

        var report = await Validator.ValidateAsync(repeated);

        Assert.False(report.IsValid);
        Assert.Contains("twice", Assert.Single(report.Issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_ByteOrderMark_IsAccepted()
    {
        var bytes = File.ReadAllBytes(Samples.ValidFiles.First());

        var report = await Validator.ValidateAsync(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(bytes).ToArray());

        Assert.True(report.IsValid);
    }

    [Fact]
    public async Task ValidateAsync_TypedSubmission_RunsTheSameRulesWithoutLineNumbers()
    {
        var submission = JsonSerializer.Deserialize(File.ReadAllBytes(Samples.ValidFiles.First()), RegistryJsonContext.Default.Submission)!;
        var withoutConsent = submission with { Governance = submission.Governance with { ConsentRecorded = false } };

        var valid = await Validator.ValidateAsync(submission);
        var invalid = await Validator.ValidateAsync(withoutConsent);

        Assert.True(valid.IsValid);
        var issue = Assert.Single(invalid.Issues);
        Assert.Equal("VR006", issue.Code);
        Assert.Equal("/governance/consentRecorded", issue.Path);
        Assert.Null(issue.Line);
    }

    [Fact]
    public async Task ValidateAsync_TypedSubmissionBreakingTheSchema_ReportsSchemaIssue()
    {
        var submission = JsonSerializer.Deserialize(File.ReadAllBytes(Samples.ValidFiles.First()), RegistryJsonContext.Default.Submission)!;
        var tooOld = submission with { Patient = submission.Patient with { AgeAtProcedure = 130 } };

        var report = await Validator.ValidateAsync(tooOld);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(IssueCodes.Schema, issue.Code);
        Assert.Equal("/patient/ageAtProcedure", issue.Path);
    }

    [Fact]
    public async Task ValidateAsync_SeveralProblems_AreAllReportedInOnePass()
    {
        var text = File.ReadAllText(Samples.ValidFiles.First())
            .Replace("\"consentRecorded\": true", "\"consentRecorded\": false", StringComparison.Ordinal)
            .Replace("\"writtenInformationProvided\": true", "\"writtenInformationProvided\": false", StringComparison.Ordinal);

        var report = await Validator.ValidateAsync(text);

        Assert.Equal(2, report.Issues.Count(i => i.Code == "VR006"));
    }

    [Fact]
    public async Task ValidateAsync_ReadableDocument_CarriesTheTypedSubmission()
    {
        var valid = await Validator.ValidateAsync(File.ReadAllBytes(Samples.ValidFiles.First()));
        var ruleBreach = await Validator.ValidateAsync(File.ReadAllBytes(Path.Combine(Samples.InvalidDirectory, "vr006-consent-not-recorded.json")));
        var schemaBreach = await Validator.ValidateAsync(File.ReadAllBytes(Path.Combine(Samples.InvalidDirectory, "schema-out-of-range-age.json")));
        var unreadable = await Validator.ValidateAsync(File.ReadAllBytes(Path.Combine(Samples.InvalidDirectory, "parse-truncated-file.json")));

        Assert.Equal(valid.LocalRecordId, valid.Submission?.LocalRecordId);
        Assert.False(ruleBreach.Submission!.Governance.ConsentRecorded);
        Assert.NotNull(schemaBreach.Submission);
        Assert.Null(unreadable.Submission);
    }

    [Fact]
    public async Task ValidateAsync_DateInTheFuture_IsJudgedByTheInjectedClock()
    {
        var text = File.ReadAllText(Samples.ValidFiles.First());
        var lastDate = new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero); // the sample's latest follow-up
        var clock = new FakeTimeProvider(lastDate.AddDays(-1));
        var validator = new SubmissionValidator(new SubmissionValidatorOptions { TimeProvider = clock });

        var before = await validator.ValidateAsync(text);
        clock.Advance(TimeSpan.FromDays(1));
        var onTheDay = await validator.ValidateAsync(text);

        Assert.Equal("/followUps/3/assessmentDate", Assert.Single(before.Issues, i => i.Code == "VR008").Path);
        Assert.True(onTheDay.IsValid);
    }

    [Fact]
    public async Task ValidateAsync_LoneSurrogateOrControlCharacterInLocalRecordId_IsReportedNotThrown()
    {
        var text = File.ReadAllText(Samples.ValidFiles.First());

        var surrogate = await Validator.ValidateAsync(text.Replace("\"RJ1-PMT-2023-0001\"", "\"X\\ud800Y\"", StringComparison.Ordinal));
        var control = await Validator.ValidateAsync(text.Replace("\"RJ1-PMT-2023-0001\"", "\"X\\u0001Y\"", StringComparison.Ordinal));
        var typed = await Validator.ValidateAsync(control.Submission! with { LocalRecordId = "X\ud800Y" });

        Assert.False(surrogate.IsValid);
        Assert.Equal("/localRecordId", Assert.Single(control.Issues).Path);
        Assert.False(typed.IsValid);
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)' ');
            BytesRead += count;
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
