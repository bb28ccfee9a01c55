using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>VR003: dvtClass agrees with the class derived from clotSegments.</summary>
internal sealed class DvtClassDerivationRule() : SubmissionRule("VR003", ValidationSeverity.Error,
    "dvtClass disagrees with clotSegments", "NICE HTG516 1.1")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var presentation = submission.Presentation;
        if (presentation.ClotSegments.Count == 0)
        {
            return;
        }

        var derived = DvtClassification.Derive(presentation.ClotSegments);
        if (derived != presentation.DvtClass)
        {
            context.Report("/presentation/dvtClass",
                $"dvtClass is {RegistryCode.Of(presentation.DvtClass)} but the clot segments make it {RegistryCode.Of(derived)}; the most proximal segment decides.");
        }
    }
}

/// <summary>VR010: the baseline Villalta total is the sum of its eleven items.</summary>
internal sealed class VillaltaTotalRule() : SubmissionRule("VR010", ValidationSeverity.Error,
    "villalta total differs from the sum of its eleven items", "Villalta scale")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (submission.Presentation.SymptomSeverity.Villalta is { } villalta && villalta.Total != villalta.ItemSum())
        {
            context.Report("/presentation/symptomSeverity/villalta/total",
                $"The Villalta total is {villalta.Total} but its eleven items add up to {villalta.ItemSum()}.");
        }
    }
}

/// <summary>VR019: phlegmasia cerulea dolens or venous gangrene is graded limb-threatening.</summary>
internal sealed class PhlegmasiaGradeRule() : SubmissionRule("VR019", ValidationSeverity.Warning,
    "phlegmasia is ceruleaDolens or venousGangrene but grade is not limbThreatening", "NICE HTG516 3.5")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var severity = submission.Presentation.SymptomSeverity;
        if (severity.Phlegmasia is Phlegmasia.CeruleaDolens or Phlegmasia.VenousGangrene && severity.Grade != SeverityGrade.LimbThreatening)
        {
            context.Report("/presentation/symptomSeverity/grade",
                $"Phlegmasia {RegistryCode.Of(severity.Phlegmasia)} is limb-threatening; grade is {RegistryCode.Of(severity.Grade)}.");
        }
    }
}
