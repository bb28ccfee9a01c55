using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>The catalogue of clinical rules as data; public as <see cref="SubmissionValidator.Rules"/>.</summary>
internal static class SubmissionRules
{
    /// <summary>Every rule, VR001 to VR021: code, severity, statement and source.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } = Array.AsReadOnly(RuleSet.All.Select(r => r.Descriptor).ToArray());
}

/// <summary>The rule implementations, run on every submission the model could hold.</summary>
internal static class RuleSet
{
    public static IReadOnlyList<SubmissionRule> All { get; } = Array.AsReadOnly<SubmissionRule>(
    [
        new NhsNumberCheckDigitRule(),
        new PatientIdentifierRule(),
        new DvtClassDerivationRule(),
        new DistalDvtResearchOnlyRule(),
        new IliofemoralGovernanceLeadRule(),
        new InformationAndConsentRule(),
        new ProcedureWithinFourteenDaysRule(),
        new DateOrderRule(),
        new MultidisciplinaryTeamRule(),
        new VillaltaTotalRule(),
        new AnticoagulationDurationRule(),
        new ContraindicatedThrombolysisRule(),
        new IvcFilterConsistencyRule(),
        new StentedSegmentRule(),
        new ResearchIdentifierFormatRule(),
        new FollowUpWindowRule(),
        new ComplicationDateRule(),
        new ThrombusRemovalGradeRule(),
        new PhlegmasiaGradeRule(),
        new RecommendedFieldRule(),
        new UniqueFollowUpTimepointRule(),
    ]);

    /// <summary>Runs every rule on a submission the typed model holds completely, judging "the future" from <paramref name="today"/>.</summary>
    public static List<ValidationIssue> Evaluate(Submission submission, DateTime today)
    {
        var issues = new List<ValidationIssue>();
        var context = new RuleContext(today, issues);
        foreach (var rule in All)
        {
            context.Run(rule, submission);
        }

        return issues;
    }
}
