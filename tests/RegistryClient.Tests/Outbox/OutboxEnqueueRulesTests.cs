using RegistryClient.Outbox;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

/// <summary>The outbox's own judgement of a new version, by the registry's write rules (DESIGN "A case only moves forward").</summary>
public sealed class OutboxEnqueueRulesTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static OutboxEntry Version(string hash, DateTimeOffset? at = null, long sequence = 0) => new()
    {
        Sequence = sequence,
        IdempotencyKey = $"RJ1:CASE:{hash}:{at?.Ticks}",
        OrganisationCode = "RJ1",
        LocalRecordId = "CASE",
        ContentHash = hash,
        RecordUpdatedAt = at,
        Body = [],
    };

    [Fact]
    public void ANewCase_IsQueued() => Assert.Null(OutboxEnqueueRules.Decide(Version("a"), []));

    [Fact]
    public void TheLatestContent_IsADuplicate_EvenWithANewerTime()
    {
        var latest = Version("b", T, 2);
        var result = OutboxEnqueueRules.Decide(Version("b", T.AddDays(1)), [Version("a", T.AddDays(-1), 1), latest]);

        Assert.Equal((OutboxEnqueueOutcome.Duplicate, latest), (result!.Outcome, result.Entry));
    }

    [Fact]
    public void WithTimes_AnOlderOne_IsStale_EvenWithNewContent() =>
        Assert.Equal(OutboxEnqueueOutcome.Stale, OutboxEnqueueRules.Decide(Version("c", T.AddHours(-1)), [Version("b", T, 1)])!.Outcome);

    [Fact]
    public void WithTimes_ANewerOne_IsQueued_EvenWhenItRestoresEarlierContent() =>
        Assert.Null(OutboxEnqueueRules.Decide(Version("a", T.AddDays(1)), [Version("a", T.AddDays(-1), 1), Version("b", T, 2)]));

    [Fact]
    public void WithoutTimes_ContentACaseMovedPast_IsStale_NamingThatVersion()
    {
        var superseded = Version("a", null, 1);
        var result = OutboxEnqueueRules.Decide(Version("a"), [superseded, Version("b", null, 2)]);

        Assert.Equal((OutboxEnqueueOutcome.Stale, superseded), (result!.Outcome, result.Entry));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void WhenEitherLacksATime_NewContent_IsQueued(bool candidateDated, bool latestDated) =>
        Assert.Null(OutboxEnqueueRules.Decide(Version("c", candidateDated ? T.AddDays(1) : null), [Version("a", null, 1), Version("b", latestDated ? T : null, 2)]));

    [Fact]
    public void TheSameTime_WithSupersededContent_IsStale_AndWithNewContent_GoesToTheRegistryToJudge()
    {
        IReadOnlyList<OutboxEntry> versions = [Version("a", T, 1), Version("b", T, 2)];

        Assert.Equal(OutboxEnqueueOutcome.Stale, OutboxEnqueueRules.Decide(Version("a", T), versions)!.Outcome);
        Assert.Null(OutboxEnqueueRules.Decide(Version("c", T), versions));
    }
}
