using System.Text.RegularExpressions;
using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>
/// VR004: distal DVT (femoropopliteal or calf) is treated only in research. The class is the one the clot segments
/// give, not the stated one: a submission that misstates an iliofemoral DVT as distal gets VR003, not a spurious VR004,
/// and one that misstates a distal DVT as iliofemoral still needs its research study.
/// </summary>
internal sealed class DistalDvtResearchOnlyRule() : SubmissionRule("VR004", ValidationSeverity.Error,
    "dvtClass is femoropopliteal or calf and no researchStudy", "NICE HTG516 1.1")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (DvtClassification.IsDistal(ClinicalClass(submission.Presentation)) && submission.Governance.ResearchStudy is null)
        {
            context.Report("/governance/researchStudy",
                "PMT for distal DVT (not reaching the common femoral vein) is for research only: name the research study.");
        }
    }

    /// <summary>The class the governance rules apply: derived from the segments when there are any (VR003 reports a
    /// disagreement), otherwise the stated one (the schema reports the empty segment list).</summary>
    internal static DvtClass ClinicalClass(Presentation presentation) =>
        presentation.ClotSegments.Count > 0 ? DvtClassification.Derive(presentation.ClotSegments) : presentation.DvtClass;
}

/// <summary>VR005: the clinical governance lead is informed of PMT for iliofemoral DVT (the class the clot segments give).</summary>
internal sealed class IliofemoralGovernanceLeadRule() : SubmissionRule("VR005", ValidationSeverity.Error,
    "dvtClass is iliofemoral and governanceLeadInformed is false", "NICE HTG516 1.2")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (DistalDvtResearchOnlyRule.ClinicalClass(submission.Presentation) == DvtClass.Iliofemoral && !submission.Governance.GovernanceLeadInformed)
        {
            context.Report("/governance/governanceLeadInformed",
                "PMT for iliofemoral DVT needs the trust's clinical governance lead informed.");
        }
    }
}

/// <summary>VR006: written information was given and consent recorded.</summary>
internal sealed class InformationAndConsentRule() : SubmissionRule("VR006", ValidationSeverity.Error,
    "writtenInformationProvided or consentRecorded is false", "NICE HTG516 1.2")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (!submission.Governance.WrittenInformationProvided)
        {
            context.Report("/governance/writtenInformationProvided", "The patient must be given clear written information about the procedure.");
        }

        if (!submission.Governance.ConsentRecorded)
        {
            context.Report("/governance/consentRecorded", "Consent must be recorded.");
        }
    }
}

/// <summary>VR009: a multidisciplinary team with vascular surgery, interventional radiology and haematology assessed the patient.</summary>
internal sealed class MultidisciplinaryTeamRule() : SubmissionRule("VR009", ValidationSeverity.Warning,
    "mdtAssessed false, or mdtSpecialties misses vascularSurgery, interventionalRadiology or haematology", "NICE HTG516 3.8")
{
    private static readonly MdtSpecialty[] Expected = [MdtSpecialty.VascularSurgery, MdtSpecialty.InterventionalRadiology, MdtSpecialty.Haematology];

    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var governance = submission.Governance;
        if (!governance.MdtAssessed)
        {
            context.Report("/governance/mdtAssessed", "NICE advises assessment by a multidisciplinary team before PMT.");
            return;
        }

        if (governance.MdtSpecialties is { } specialties && !Expected.All(specialties.Contains) && Expected.Where(s => !specialties.Contains(s)).ToList() is { Count: > 0 } missing)
        {
            context.Report("/governance/mdtSpecialties",
                $"The team should include {string.Join(", ", missing.Select(RegistryCode.Of))}.");
        }
    }
}

/// <summary>VR015: the research identifier has its register's format.</summary>
internal sealed class ResearchIdentifierFormatRule() : SubmissionRule("VR015", ValidationSeverity.Error,
    "researchStudy identifier does not match its registry's format", "NICE HTG516 1.4")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (submission.Governance.ResearchStudy is not { } study)
        {
            return;
        }

        // Plain prefix-and-digits checks rather than regular expressions: building a Regex costs milliseconds at
        // start-up, which every `registry validate` run would pay.
        // Each registry by the name it goes by, with its article: "an ISRCTN", "an IRAS", "a ClinicalTrials.gov".
        var (valid, name, example) = study.Registry switch
        {
            ResearchRegistry.Isrctn => (IsPrefixAndDigits(study.Identifier, "ISRCTN", 8, 8), "an ISRCTN", "ISRCTN followed by 8 digits"),
            ResearchRegistry.Iras => (IsPrefixAndDigits(study.Identifier, "", 6, 7), "an IRAS", "6 or 7 digits"),
            _ => (IsPrefixAndDigits(study.Identifier, "NCT", 8, 8), "a ClinicalTrials.gov", "NCT followed by 8 digits"),
        };

        if (!valid)
        {
            context.Report("/governance/researchStudy/identifier", $"This is not {name} identifier, which is {example}.");
        }
    }

    private static bool IsPrefixAndDigits(string identifier, string prefix, int minDigits, int maxDigits)
    {
        var digits = identifier.Length - prefix.Length;
        if (!identifier.StartsWith(prefix, StringComparison.Ordinal) || digits < minDigits || digits > maxDigits)
        {
            return false;
        }

        for (var i = prefix.Length; i < identifier.Length; i++)
        {
            if (identifier[i] is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
