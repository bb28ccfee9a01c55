using RegistryClient.Model;
using RegistryClient.Reconciliation;
using static RegistryClient.Tests.Reconciliation.ReconciliationData;

namespace RegistryClient.Tests.Reconciliation;

/// <summary>Case finding: matching coded activity with local episodes (NHS number, date within N days, side).</summary>
public sealed class ActivityMatcherTests
{
    private static readonly string Nhs = Case("CASE-A").Patient.NhsNumber!;

    private static CodedEpisode Coded(string reference, int daysFromProcedure = 0, Side? side = null, string? nhs = null) =>
        new() { Reference = reference, NhsNumber = nhs ?? Nhs, ProcedureDate = ReconciliationData.Procedure.AddDays(daysFromProcedure), Side = side };

    private static async Task<ReconciliationReport> MatchAsync(IReadOnlyList<Submission> local, IReadOnlyList<CodedEpisode> coded, int matchDays = 3)
    {
        var report = await ReconcileAsync(local, local.Select(s => ReceiptOf(s)), null);
        return ActivityMatcher.Apply(report, local, coded, new ActivityMatchOptions { MatchDays = matchDays });
    }

    [Theory]
    [InlineData(3, 3, ActivityState.Coded)]
    [InlineData(-3, 3, ActivityState.Coded)]
    [InlineData(4, 3, ActivityState.NotRecorded)]
    [InlineData(4, 4, ActivityState.Coded)]
    [InlineData(1, 0, ActivityState.NotRecorded)]
    public async Task ProcedureDates_MatchWithinTheWindow_BothEndsInclusive(int days, int matchDays, ActivityState expected)
    {
        var report = await MatchAsync([Case("CASE-A")], [Coded("TH-1", days)], matchDays);

        Assert.Equal(expected, Assert.Single(report.ActivityEpisodes!).State);
        Assert.Equal(expected == ActivityState.Coded ? ActivityState.Coded : ActivityState.NotCoded, report.Cases.Single().Coding);
    }

    [Theory]
    [InlineData(Side.Left, ActivityState.Coded)]      // the sample case is left-sided
    [InlineData(Side.Right, ActivityState.NotRecorded)]
    [InlineData(Side.Bilateral, ActivityState.Coded)]
    [InlineData(null, ActivityState.Coded)]           // no side coded: not compared
    public async Task Sides_AreComparedOnlyWhenBothHaveOne(Side? side, ActivityState expected)
    {
        Assert.Equal(Side.Left, Case("CASE-A").Presentation.Side);

        var report = await MatchAsync([Case("CASE-A")], [Coded("TH-1", side: side)]);

        Assert.Equal(expected, Assert.Single(report.ActivityEpisodes!).State);
    }

    [Fact]
    public async Task AnotherPatient_DoesNotMatch()
    {
        var report = await MatchAsync([Case("CASE-A")], [Coded("TH-1", nhs: "9990002029")]);

        Assert.Equal(ActivityState.NotRecorded, Assert.Single(report.ActivityEpisodes!).State);
        Assert.Equal(1, report.Activity!.NotCoded);
        Assert.Equal(0.0, report.Activity.Ascertainment);
        Assert.False(report.IsComplete);
    }

    [Fact]
    public async Task OneCodedEpisodeNearTwoLocalEpisodes_IsAmbiguous_AndNeitherIsChosen()
    {
        var report = await MatchAsync([Case("CASE-A"), Case("CASE-B", ReconciliationData.Procedure.AddDays(2))], [Coded("TH-1", 1)]);

        var episode = Assert.Single(report.ActivityEpisodes!);
        Assert.Equal(ActivityState.Ambiguous, episode.State);
        Assert.Equal(["CASE-A", "CASE-B"], episode.Candidates);
        Assert.Null(episode.LocalRecordId);
        Assert.All(report.Cases, c => Assert.Equal(ActivityState.Ambiguous, c.Coding));
        Assert.Equal((1, 0, 0), (report.Activity!.Ambiguous, report.Activity.OnRegistry, report.Activity.NotCoded));
        Assert.False(report.IsComplete);
    }

    [Fact]
    public async Task EveryCodedEpisodeOnTheRegistry_IsComplete_AndNotCodedCasesDoNotCountAgainstIt()
    {
        var report = await MatchAsync([Case("CASE-A"), Case("CASE-B", ReconciliationData.Procedure.AddDays(40))], [Coded("TH-1")]);

        Assert.Equal((1, 1, 1, 1.0), (report.Activity!.Coded, report.Activity.OnRegistry, report.Activity.NotCoded, report.Activity.Ascertainment));
        Assert.Equal("TH-1", report.Cases.Single(c => c.LocalRecordId == "CASE-A").ActivityRef);
        Assert.True(report.IsComplete);
    }

    [Fact]
    public async Task MixedNhsNumbersAndPseudonyms_WithoutAKey_AreRefused_WithoutNamingAPatient()
    {
        var local = Case("CASE-A") with { Patient = Case("CASE-A").Patient with { NhsNumber = null, Pseudonym = new string('a', 64) } };

        var error = Assert.Throws<ArgumentException>(() => ActivityMatcher.Apply(
            new CaseReconciler().ReconcileAsync("RJ1", [local], Async(Array.Empty<RegistryClient.Http.SubmissionReceipt>()), ReconciliationData.Procedure).GetAwaiter().GetResult(),
            [local], [Coded("TH-1")]));

        Assert.Contains("pseudonymisation key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Nhs, error.Message, StringComparison.Ordinal);
    }
}
