using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>
/// VR011: anticoagulation is planned for at least 3 months. Not applied when the outcome records the patient's death,
/// where a planned duration no longer means anything.
/// </summary>
internal sealed class AnticoagulationDurationRule() : SubmissionRule("VR011", ValidationSeverity.Warning,
    "anticoagulation plannedDurationMonths under 3", "NICE HTG516 2.6")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (submission.Outcome is { Anticoagulation.PlannedDurationMonths: < 3 } outcome
            && !outcome.Complications.Any(c => c.Type == ComplicationType.Death))
        {
            context.Report("/outcome/anticoagulation/plannedDurationMonths", "Anticoagulation is usually taken for at least 3 months after PMT.");
        }
    }
}

/// <summary>VR018: the thrombus-removal grade agrees with the percentage removed.</summary>
internal sealed class ThrombusRemovalGradeRule() : SubmissionRule("VR018", ValidationSeverity.Error,
    "thrombusRemovalGrade disagrees with thrombusRemovedPercent", "NICE HTG516 3.2")
{
    /// <summary>The grade of a removal percentage: grade 1 under 50%, grade 2 50-99%, grade 3 100%.</summary>
    public static ThrombusRemovalGrade GradeOf(int percent) =>
        percent >= 100 ? ThrombusRemovalGrade.Grade3 : percent >= 50 ? ThrombusRemovalGrade.Grade2 : ThrombusRemovalGrade.Grade1;

    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (submission.Outcome is { } outcome && GradeOf(outcome.ThrombusRemovedPercent) is var expected && expected != outcome.ThrombusRemovalGrade)
        {
            context.Report("/outcome/thrombusRemovalGrade",
                $"{outcome.ThrombusRemovedPercent}% removed is {RegistryCode.Of(expected)}, not {RegistryCode.Of(outcome.ThrombusRemovalGrade)}.");
        }
    }
}
