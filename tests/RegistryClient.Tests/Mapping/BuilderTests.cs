using System.Text.Json;
using RegistryClient.Tests.Http;
using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Tests.Mapping;

public sealed class BuilderTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Build_ComputesAge_NormalisesTheNhsNumber_DerivesTheClass_AndDropsTheDateOfBirth()
    {
        var sample = TestSubmissions.Load();
        var submission = Builder(sample)
            .Patient("999 000-0018", new DateTime(1976, 3, 7), Sex.Female)
            .Presentation(sample.Presentation with { DvtClass = DvtClass.Calf }) // wrong on purpose: the builder derives it
            .Build();

        Assert.Equal("9990000018", submission.Patient.NhsNumber);
        Assert.Equal(46, submission.Patient.AgeAtProcedure); // procedure 2023-03-06, the day before the 47th birthday
        Assert.Equal(DvtClass.Iliofemoral, submission.Presentation.DvtClass);
        Assert.DoesNotContain("1976", JsonSerializer.Serialize(submission, RegistryJsonContext.Default.Submission), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Pseudonymised_SendsTheHmacNotTheNumber()
    {
        var submission = Builder(TestSubmissions.Load()).Patient("9990000018", new DateTime(1976, 3, 1), Sex.Female).PseudonymiseWith(Key).Build();

        Assert.Null(submission.Patient.NhsNumber);
        // HMAC-SHA256("9990000018") under the key bytes 0..31, computed independently with Python's hmac module.
        Assert.Equal("a9232021e78b7a864a4be7b89a81babe3a95a4abdbdb0e87bfe585ecabb0d424", submission.Patient.Pseudonym);
        Assert.Equal(submission.Patient.Pseudonym, Pseudonym.Of("999 000 0018", Key));
    }

    [Fact]
    public async Task Build_FromASample_IsValid()
    {
        var submission = Builder(TestSubmissions.Load()).Patient("9990000018", new DateTime(1976, 3, 1), Sex.Female).Build();

        var report = await new RegistryClient.Validation.SubmissionValidator().ValidateAsync(submission);

        Assert.True(report.IsValid, string.Join("\n", report.Issues));
    }

    [Fact]
    public void Build_WithoutRequiredParts_OrShortKey_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new SubmissionBuilder("RJ1", "X1").Build());
        Assert.Throws<ArgumentException>(() => new SubmissionBuilder("RJ1", "X1").PseudonymiseWith(new byte[16]));
    }

    [Theory]
    [InlineData("2000-02-29", "2023-02-28", 22)]
    [InlineData("2000-02-29", "2023-03-01", 23)]
    [InlineData("1990-06-15", "2024-06-15", 34)]
    [InlineData("1990-06-15", "2024-06-14", 33)]
    public void Age_CountsBirthdays(string born, string on, int expected) =>
        Assert.Equal(expected, Age.At(DateTime.Parse(born, System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(on, System.Globalization.CultureInfo.InvariantCulture)));

    private static SubmissionBuilder Builder(Submission sample) =>
        new SubmissionBuilder("RJ1", "RJ1-PMT-2023-0001")
            .Presentation(sample.Presentation)
            .Governance(sample.Governance)
            .Procedure(sample.Procedure)
            .Outcome(sample.Outcome!);
}
