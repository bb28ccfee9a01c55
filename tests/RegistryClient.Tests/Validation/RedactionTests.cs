using System.Text.Json.Nodes;
using RegistryClient.Tests.Cli;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Validation;

/// <summary>Reports go to CI logs and governance leads: no NHS number, pseudonym or date of birth may appear in them.</summary>
public sealed class RedactionTests : IDisposable
{
    private const string BadNhsNumber = "9990001236";
    private const string DateOfBirth = "1961-07-14";
    private const string Pseudonym = "5f0c2a9e4b7d1c3a8e6f0b2d4c6a8e0f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1G";

    private readonly string _temp = Directory.CreateTempSubdirectory("registry-redaction-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    public static TheoryData<string> Leaky() => new(LeakyDocuments().Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Leaky))]
    public async Task Report_OfADocumentCarryingIdentifiers_NeverRepeatsThem(string name)
    {
        var json = LeakyDocuments().Single(d => d.Name == name).Json;

        var report = await new SubmissionValidator().ValidateAsync(json);

        Assert.False(report.IsValid);
        AssertClean(string.Join("\n", report.Issues.Select(i => i.ToString())));
    }

    [Fact]
    public void ASubmissionPrinted_ToALogOrAnException_ShowsNeitherItsNhsNumberNorItsPseudonym()
    {
        var submission = RegistryClient.Model.SubmissionJson.Deserialize(File.ReadAllBytes(Samples.ValidFiles.First()));
        var withNumber = submission with { Patient = submission.Patient with { NhsNumber = BadNhsNumber, Pseudonym = null } };
        var withPseudonym = submission with { Patient = submission.Patient with { NhsNumber = null, Pseudonym = Pseudonym } };

        foreach (var printed in new[] { withNumber.ToString(), withPseudonym.ToString(), withNumber.Patient.ToString() })
        {
            AssertClean(printed);
            Assert.Contains("(redacted)", printed, StringComparison.Ordinal);
            Assert.Contains("AgeAtProcedure = " + submission.Patient.AgeAtProcedure, printed, StringComparison.Ordinal); // the rest still prints
        }
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    public async Task CliReport_InEveryFormat_NeverRepeatsIdentifiers(string format)
    {
        foreach (var (name, json) in LeakyDocuments())
        {
            File.WriteAllText(Path.Combine(_temp, name + ".json"), json);
        }

        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", _temp, "--format", format);

        Assert.Equal(1, exit);
        AssertClean(stdout + stderr);
    }

    private static void AssertClean(string output)
    {
        Assert.DoesNotContain(BadNhsNumber, output, StringComparison.Ordinal);
        Assert.DoesNotContain(DateOfBirth, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Pseudonym, output, StringComparison.Ordinal);
    }

    private static IEnumerable<(string Name, string Json)> LeakyDocuments()
    {
        JsonNode Base() => JsonNode.Parse(File.ReadAllText(Samples.ValidFiles.First(f => File.ReadAllText(f).Contains("\"nhsNumber\"", StringComparison.Ordinal))))!;

        var badCheckDigit = Base();
        badCheckDigit["patient"]!["nhsNumber"] = BadNhsNumber;
        yield return ("bad-check-digit", badCheckDigit.ToJsonString());

        var spaced = Base();
        spaced["patient"]!["nhsNumber"] = BadNhsNumber[..3] + " " + BadNhsNumber[3..];
        yield return ("spaced-nhs-number", spaced.ToJsonString().Replace(BadNhsNumber[..3] + " " + BadNhsNumber[3..], BadNhsNumber + " ", StringComparison.Ordinal));

        var asNumber = Base();
        asNumber["patient"]!["nhsNumber"] = long.Parse(BadNhsNumber);
        yield return ("nhs-number-as-number", asNumber.ToJsonString());

        var withBirthDate = Base();
        withBirthDate["patient"]!["dateOfBirth"] = DateOfBirth;
        yield return ("date-of-birth", withBirthDate.ToJsonString());

        var birthDateAsAge = Base();
        birthDateAsAge["patient"]!["ageAtProcedure"] = DateOfBirth;
        yield return ("date-of-birth-as-age", birthDateAsAge.ToJsonString());

        var badPseudonym = Base();
        badPseudonym["patient"]!.AsObject().Remove("nhsNumber");
        badPseudonym["patient"]!["pseudonym"] = Pseudonym;
        yield return ("bad-pseudonym", badPseudonym.ToJsonString());

        var nameIsNumber = Base();
        nameIsNumber["patient"]![BadNhsNumber] = "x";
        yield return ("property-name-is-nhs-number", nameIsNumber.ToJsonString());

        var nameIsBirthDate = Base();
        nameIsBirthDate[DateOfBirth] = true;
        yield return ("property-name-is-birth-date", nameIsBirthDate.ToJsonString());

        var inEnum = Base();
        inEnum["patient"]!["sex"] = BadNhsNumber;
        yield return ("nhs-number-as-sex", inEnum.ToJsonString());

        var inPattern = Base();
        inPattern["submitter"]!["organisationCode"] = BadNhsNumber;
        yield return ("nhs-number-as-organisation", inPattern.ToJsonString());

        var inDate = Base();
        inDate["presentation"]!["diagnosisDate"] = BadNhsNumber;
        yield return ("nhs-number-as-date", inDate.ToJsonString());

        var tooLong = Base();
        tooLong["procedure"]!["device"]!["name"] = string.Concat(Enumerable.Repeat(BadNhsNumber, 11));
        yield return ("nhs-number-in-long-text", tooLong.ToJsonString());

        var repeated = Base().ToJsonString();
        yield return ("repeated-identifier-key", repeated.Insert(1, $"\"{BadNhsNumber}\": 1, \"{BadNhsNumber}\": 2, "));

        yield return ("malformed", "{ \"patient\": { \"nhsNumber\": " + BadNhsNumber + "x, \"dob\": \"" + DateOfBirth + "\" } }");
        yield return ("unquoted-date", "{ \"patient\": { \"dob\": " + DateOfBirth + " } }");
    }
}
