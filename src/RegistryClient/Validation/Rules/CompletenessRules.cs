using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>
/// VR020: a field DOMAIN.md marks "W" (its absence is a warning) is absent. An extension of the VR001-VR019 set,
/// because the dictionary's warnings need a code of their own.
/// </summary>
internal sealed class RecommendedFieldRule() : SubmissionRule("VR020", ValidationSeverity.Warning,
    "a recommended field is absent (outcome, mdtSpecialties, totalDoseMg, compressionStockings, earlyAmbulation, villaltaTotal from six months)",
    "NICE HTG516 1.3 registry completeness")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (submission.Outcome is null)
        {
            context.Report("/outcome", "The outcome to discharge is missing; submit it once discharge is known.");
        }
        else
        {
            if (submission.Outcome.CompressionStockings is null)
            {
                context.Report("/outcome/compressionStockings", "Record whether compression stockings were advised (NICE HTG516 2.6).");
            }

            if (submission.Outcome.EarlyAmbulation is null)
            {
                context.Report("/outcome/earlyAmbulation", "Record whether early ambulation was advised (NICE HTG516 2.6).");
            }
        }

        if (submission.Governance is { MdtAssessed: true, MdtSpecialties: null })
        {
            context.Report("/governance/mdtSpecialties", "Record which specialties made up the multidisciplinary team (NICE HTG516 3.8).");
        }

        if (submission.Procedure.Thrombolysis is { Timing: not ThrombolysisTiming.None, TotalDoseMg: null })
        {
            context.Report("/procedure/thrombolysis/totalDoseMg", "Record the total thrombolytic dose.");
        }

        var followUps = submission.FollowUps ?? [];
        for (var i = 0; i < followUps.Count; i++)
        {
            if (followUps[i] is { Timepoint: not FollowUpTimepoint.Days30, VillaltaTotal: null })
            {
                context.Report($"/followUps/{i}/villaltaTotal", "Record the Villalta total from six months on (post-thrombotic syndrome, NICE HTG516 3.2).");
            }
        }
    }
}

/// <summary>VR021: each follow-up timepoint appears once. The schema cannot say "unique by property", so a rule does.</summary>
internal sealed class UniqueFollowUpTimepointRule() : SubmissionRule("VR021", ValidationSeverity.Error,
    "a follow-up timepoint appears more than once", "data integrity")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var seen = new HashSet<FollowUpTimepoint>();
        var followUps = submission.FollowUps ?? [];
        for (var i = 0; i < followUps.Count; i++)
        {
            if (!seen.Add(followUps[i].Timepoint))
            {
                context.Report($"/followUps/{i}/timepoint", $"The {RegistryCode.Of(followUps[i].Timepoint)} follow-up is already recorded.");
            }
        }
    }
}
