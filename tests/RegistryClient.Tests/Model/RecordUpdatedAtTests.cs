using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Http;
using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Tests.Http;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Model;

/// <summary>
/// <c>submitter.recordUpdatedAt</c>: RFC 3339 with its offset, nothing else, written in one form; it dates the content
/// without being part of it (the content hash ignores it, the idempotency key does not).
/// </summary>
public sealed class RecordUpdatedAtTests
{
    private static readonly SubmissionValidator Validator = new(new SubmissionValidatorOptions
    {
        TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero)),
    });

    [Theory]
    [InlineData("2026-11-25T14:30:00Z", true)]
    [InlineData("2026-11-25T14:30:00+01:00", true)]
    [InlineData("2026-11-25T14:30:00.123456789-05:30", true)]
    [InlineData("2026-11-25T14:30:00", false)]        // a local time: a different instant on every host
    [InlineData("2026-11-25 14:30:00Z", false)]
    [InlineData("2026-11-25T14:30Z", false)]
    [InlineData("2026-11-25T14:30:00z", false)]
    [InlineData("2026-02-30T14:30:00Z", false)]
    [InlineData("2026-11-25T24:00:00Z", false)]
    [InlineData("2026-11-25T14:30:60Z", false)]
    [InlineData("2026-11-25T14:30:00+1:00", false)]
    [InlineData("2026-11-25", false)]
    [InlineData("0001-01-01T00:00:00+01:00", false)] // before the first instant there is
    public async Task Validate_AcceptsOnlyRfc3339WithAnOffset_ReportingAnyOtherFormAtItsPointer(string value, bool valid)
    {
        var report = await Validator.ValidateAsync(WithRecordUpdatedAt(JsonValue.Create(value)));

        Assert.Equal(valid, report.IsValid);
        if (!valid)
        {
            Assert.Contains(report.Issues, i => i is { Code: "SCHEMA", Path: "/submitter/recordUpdatedAt" });
            Assert.DoesNotContain(report.Issues, i => i.Message.Contains(value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Validate_ATimeFromAClockSetAhead_IsAnError_BecauseItWouldMakeEveryLaterWriteLookStale()
    {
        var report = await Validator.ValidateAsync(WithRecordUpdatedAt(JsonValue.Create("2027-01-01T09:00:00Z")));
        var tomorrow = await Validator.ValidateAsync(WithRecordUpdatedAt(JsonValue.Create("2026-12-04T09:00:00+10:00")));

        var issue = Assert.Single(report.Issues, i => i.Severity == ValidationSeverity.Error);
        Assert.Equal(("VR008", "/submitter/recordUpdatedAt"), (issue.Code, issue.Path));
        Assert.True(tomorrow.IsValid); // a day's slack: somewhere it is already tomorrow
    }

    [Fact]
    public void Serialise_WritesOneCanonicalForm_KeepingTheOffset()
    {
        var at = DateTimeOffset.Parse("2026-11-25T14:30:00.1200000+01:00", CultureInfo.InvariantCulture);
        var submission = Dated(at);

        var json = JsonNode.Parse(SubmissionJson.Serialize(submission))!;

        Assert.Equal("2026-11-25T14:30:00.12+01:00", (string)json["submitter"]!["recordUpdatedAt"]!);
        Assert.Equal("2026-11-25T13:30:00Z", (string)JsonNode.Parse(SubmissionJson.Serialize(Dated(at.ToUniversalTime().AddTicks(-1_200_000))))!["submitter"]!["recordUpdatedAt"]!);
        Assert.Equal(at, SubmissionJson.Deserialize(SubmissionJson.SerializeToUtf8Bytes(submission)).Submitter.RecordUpdatedAt);
    }

    [Fact]
    public void ContentHash_IgnoresIt_ButTheIdempotencyKeyDoesNot()
    {
        var plain = TestSubmissions.Load();
        var monday = Dated(DateTimeOffset.Parse("2026-11-02T09:00:00Z", CultureInfo.InvariantCulture));
        var tuesday = Dated(DateTimeOffset.Parse("2026-11-03T09:00:00Z", CultureInfo.InvariantCulture));

        Assert.Equal(SubmissionContentHash.Compute(plain), SubmissionContentHash.Compute(monday));
        Assert.Equal(SubmissionContentHash.Compute(monday), SubmissionContentHash.Compute(tuesday));
        Assert.NotEqual(IdempotencyKey.For(monday), IdempotencyKey.For(tuesday)); // a re-dated correction is a new request
    }

    [Fact]
    public void Builder_TakesIt()
    {
        var sample = TestSubmissions.Load();
        var at = DateTimeOffset.Parse("2026-11-02T09:00:00-05:00", CultureInfo.InvariantCulture);

        var built = new SubmissionBuilder("RJ1", "RJ1-PMT-2026-0001")
            .Patient("999 000 1014", new DateTime(1979, 3, 14), Sex.Female)
            .Presentation(sample.Presentation).Governance(sample.Governance).Procedure(sample.Procedure)
            .RecordUpdatedAt(at)
            .Build();

        Assert.Equal(at, built.Submitter.RecordUpdatedAt);
        Assert.Equal(at.Offset, built.Submitter.RecordUpdatedAt!.Value.Offset);
    }

    private static Submission Dated(DateTimeOffset at)
    {
        var sample = TestSubmissions.Load();
        return sample with { Submitter = sample.Submitter with { RecordUpdatedAt = at } };
    }

    private static byte[] WithRecordUpdatedAt(JsonNode value)
    {
        var document = JsonNode.Parse(File.ReadAllBytes(Samples.ValidFiles.First()))!;
        document["submitter"]!["recordUpdatedAt"] = value;
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }
}
