using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>
/// The registry of every clinical rule, in code order. Reports list it so users can see which paragraph of
/// NICE HTG516 each rule enforces.
/// </summary>
public static class SubmissionRules
{
    /// <summary>All rules, VR001 to VR021.</summary>
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

    /// <summary>Runs every rule on a submission that already conforms to the schema.</summary>
    internal static void Evaluate(Submission submission, RuleContext context)
    {
        foreach (var rule in All)
        {
            context.Run(rule, submission);
        }
    }
}
