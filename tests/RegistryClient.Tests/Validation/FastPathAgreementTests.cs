using RegistryClient.Validation;

namespace RegistryClient.Tests.Validation;

/// <summary>
/// The fast typed pass may only answer when NJsonSchema and the rules would answer the same: these tests run both
/// passes on every sample and on thousands of generated mutants and compare verdicts and issues.
/// </summary>
public sealed class FastPathAgreementTests
{
    private static readonly SubmissionValidator Validator = new(SubmissionValidatorTests.Options());

    public static TheoryData<string> AllSampleFiles() =>
        new(Samples.ValidFiles.Concat(Samples.InvalidFiles).Select(f => Path.GetRelativePath(Samples.RepositoryRoot, f)));

    [Theory]
    [MemberData(nameof(AllSampleFiles))]
    public async Task FastPath_OnEverySample_AgreesWithTheAuthority(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Samples.RepositoryRoot, file));

        await AssertAgreementAsync(bytes, file);
    }

    [Fact]
    public async Task FastPath_OnGeneratedMutants_AgreesWithTheAuthorityAndNeverThrows()
    {
        int fast = 0, slow = 0, invalid = 0;
        foreach (var (name, bytes) in Mutants.Generate(count: 3000, seed: 20261124))
        {
            var report = await Validator.ValidateAsync(bytes);
            Assert.NotNull(report);
            invalid += report.IsValid ? 0 : 1;
            if (await AssertAgreementAsync(bytes, name))
            {
                fast++;
            }
            else
            {
                slow++;
            }
        }

        // Both paths must have been exercised for the comparison to mean anything.
        Assert.True(fast > 100, $"fast path answered {fast} mutants");
        Assert.True(slow > 1000, $"authority answered {slow} mutants");
        Assert.True(invalid > 1000, $"{invalid} mutants were invalid");
    }

    /// <returns>Whether the fast path answered.</returns>
    private static async Task<bool> AssertAgreementAsync(byte[] bytes, string name)
    {
        var authoritative = await Validator.AuthoritativeAsync(bytes, CancellationToken.None);
        if (!Validator.TryFastPath(bytes, out var fast))
        {
            return false;
        }

        // The fast path answers only for documents that conform to the schema; then both must report the same rule issues.
        Assert.DoesNotContain(authoritative.Issues, i => i.Code is IssueCodes.Schema or IssueCodes.Parse or IssueCodes.Limit);
        Assert.Equal(Summary(authoritative), Summary(fast));
        Assert.Equal(authoritative.IsValid, fast.IsValid);
        return true;
    }

    private static string Summary(ValidationReport report) =>
        string.Join("\n", report.Issues.Select(i => $"{i.Code} {i.Severity} {i.Path} {i.Line}:{i.Column}").Order(StringComparer.Ordinal));
}
