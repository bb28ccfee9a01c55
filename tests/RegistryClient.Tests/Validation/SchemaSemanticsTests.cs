using System.Text.Json.Nodes;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Validation;

/// <summary>
/// JSON Schema's own semantics on both validation paths: patterns are ECMA-262 (<c>$</c> is the very end, not "before
/// a final newline" as in .NET) and lengths count characters (code points), not UTF-16 units.
/// </summary>
public sealed class SchemaSemanticsTests
{
    private static readonly SubmissionValidator Validator = new(SubmissionValidatorTests.Options());

    public static TheoryData<string, string> TrailingNewlines() => new()
    {
        { "/submitter/organisationCode", "RJ1\n" },
        { "/submitter/organisationCode", "RJ121\n" },
        { "/localRecordId", "RJ1-PMT-2023-0001\n" },
        { "/patient/nhsNumber", "9990000018\n" },
        { "/presentation/diagnosisDate", "2023-03-04\n" },
    };

    [Theory]
    [MemberData(nameof(TrailingNewlines))]
    public async Task Pattern_ValueWithATrailingNewline_IsASchemaErrorOnBothPaths(string pointer, string value)
    {
        var bytes = With(pointer, value);

        var report = await Validator.ValidateAsync(bytes);
        var authority = await Validator.AuthoritativeAsync(bytes, CancellationToken.None);

        Assert.Contains(report.Issues, i => i.Code == IssueCodes.Schema && i.Path == pointer);
        Assert.Contains(authority.Issues, i => i.Code == IssueCodes.Schema && i.Path == pointer);
        Assert.False(Validator.TryFastPath(bytes, out _) , "the fast path must not answer for a value the schema refuses");
    }

    [Theory]
    [InlineData("/submitter/softwareName", 64, true)]
    [InlineData("/submitter/softwareName", 65, false)]
    [InlineData("/procedure/device/name", 100, true)]
    [InlineData("/procedure/device/name", 101, false)]
    [InlineData("/governance/researchStudy/identifier", 65, false)]
    public async Task Length_IsCountedInCharacters_OnBothPaths(string pointer, int emoji, bool lengthValid)
    {
        var value = string.Concat(Enumerable.Repeat("\U0001F9B5", emoji)); // a leg, two UTF-16 units each
        var bytes = With(pointer, value, sample: Samples.ValidFiles.First(f => File.ReadAllText(f).Contains("researchStudy", StringComparison.Ordinal)));

        var report = await Validator.ValidateAsync(bytes);
        var authority = await Validator.AuthoritativeAsync(bytes, CancellationToken.None);

        Assert.Equal(lengthValid, !report.Issues.Any(i => i.Code == IssueCodes.Schema));
        Assert.Equal(lengthValid, !authority.Issues.Any(i => i.Code == IssueCodes.Schema));
        if (lengthValid)
        {
            Assert.True(Validator.TryFastPath(bytes, out var fast));
            Assert.Equal(report.IsValid, fast.IsValid);
        }
    }

    [Theory]
    [InlineData("/procedure/device/name", "EKOS\u0000Endo")]
    [InlineData("/procedure/device/manufacturer", "Boston\u001BScientific")]
    [InlineData("/submitter/softwareName", "Theatre\u007FExport")]
    [InlineData("/submitter/softwareVersion", "1.0\u0085")]
    [InlineData("/governance/researchStudy/identifier", "ISRCTN\u000C12345678")]
    public async Task Text_WithAControlCharacter_IsASchemaErrorOnBothPaths_WithoutEchoingIt(string pointer, string value)
    {
        var bytes = With(pointer, value, sample: Samples.ValidFiles.First(f => File.ReadAllText(f).Contains("researchStudy", StringComparison.Ordinal)));

        var report = await Validator.ValidateAsync(bytes);
        var authority = await Validator.AuthoritativeAsync(bytes, CancellationToken.None);

        var issue = Assert.Single(report.Issues, i => i.Code == IssueCodes.Schema && i.Path == pointer);
        Assert.Equal("Holds a control character (such as NUL); text may hold only tab, carriage return and line feed among them.", issue.Message);
        Assert.Contains(authority.Issues, i => i.Code == IssueCodes.Schema && i.Path == pointer);
        Assert.False(Validator.TryFastPath(bytes, out _), "the fast path must not answer for a value the schema refuses");
    }

    [Theory]
    [InlineData("/procedure/device/name", "EKOS\tEndo")]
    [InlineData("/procedure/device/name", "EKOS\r\nEndo")]
    public async Task Text_WithTabOrLineBreak_StaysValidOnBothPaths(string pointer, string value)
    {
        var bytes = With(pointer, value);

        Assert.True(Validator.TryFastPath(bytes, out var fast));
        Assert.DoesNotContain(fast.Issues, i => i.Code == IssueCodes.Schema);
        Assert.DoesNotContain((await Validator.AuthoritativeAsync(bytes, CancellationToken.None)).Issues, i => i.Code == IssueCodes.Schema);
    }

    [Fact]
    public async Task Pattern_MessageShowsThePatternAsTheSchemaWritesIt()
    {
        var report = await Validator.ValidateAsync(With("/submitter/organisationCode", "rj1"));

        var issue = Assert.Single(report.Issues);
        Assert.Contains("^[A-Z0-9]{3}([A-Z0-9]{2})?$", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1000000000000000000000000000000", "Must be at most 110.")]
    [InlineData("-1000000000000000000000000000000", "Must be at least 16.")]
    public async Task Number_BeyondSixtyFourBits_IsARangeErrorNotACrash(string number, string message)
    {
        var text = File.ReadAllText(Samples.ValidFiles.First());
        var age = JsonNode.Parse(text)!["patient"]!["ageAtProcedure"]!.ToJsonString();
        var bytes = System.Text.Encoding.UTF8.GetBytes(text.Replace($"\"ageAtProcedure\": {age}", $"\"ageAtProcedure\": {number}", StringComparison.Ordinal));

        var report = await Validator.ValidateAsync(bytes);

        var issue = Assert.Single(report.Issues);
        Assert.Equal("/patient/ageAtProcedure", issue.Path);
        Assert.Equal(message, issue.Message);
    }

    private static byte[] With(string pointer, string value, string? sample = null)
    {
        var document = JsonNode.Parse(File.ReadAllText(sample ?? Samples.ValidFiles.First()))!;
        var segments = pointer.Split('/').Skip(1).ToArray();
        TestJson.Resolve(document, segments[..^1])![segments[^1]] = value;
        return System.Text.Encoding.UTF8.GetBytes(document.ToJsonString());
    }
}
