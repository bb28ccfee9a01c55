using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>VR012: no thrombolysis when it is contraindicated.</summary>
internal sealed class ContraindicatedThrombolysisRule() : SubmissionRule("VR012", ValidationSeverity.Error,
    "thrombolysis timing is not none while contraindicated is true", "NICE HTG516 2.4")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var thrombolysis = submission.Procedure.Thrombolysis;
        if (thrombolysis.Contraindicated && thrombolysis.Timing != ThrombolysisTiming.None)
        {
            context.Report("/procedure/thrombolysis/timing",
                "Thrombolysis is recorded as contraindicated, so timing must be none (PMT alone, NICE HTG516 2.4).");
        }
    }
}

/// <summary>VR013: IVC filter details only when one was placed, and retrieval not before the procedure.</summary>
internal sealed class IvcFilterConsistencyRule() : SubmissionRule("VR013", ValidationSeverity.Error,
    "ivcFilter type or retrievedDate while placed is false, or retrievedDate before procedureDate", "NICE HTG516 2.5")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var filter = submission.Procedure.IvcFilter;
        if (!filter.Placed && filter.Type is not null)
        {
            context.Report("/procedure/ivcFilter/type", "A filter type is given but no filter was placed.");
        }

        if (!filter.Placed && filter.RetrievedDate is not null)
        {
            context.Report("/procedure/ivcFilter/retrievedDate", "A retrieval date is given but no filter was placed.");
        }

        if (filter.RetrievedDate is { } retrieved && retrieved < submission.Procedure.ProcedureDate)
        {
            context.Report("/procedure/ivcFilter/retrievedDate", "The filter cannot be retrieved before the procedure.");
        }
    }
}

/// <summary>VR014: stents are placed in segments that had clot. Not applied when no clot segment is given (the schema reports that).</summary>
internal sealed class StentedSegmentRule() : SubmissionRule("VR014", ValidationSeverity.Warning,
    "a stented segment is not among clotSegments", "NICE HTG516 2.7")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var stented = submission.Procedure.Adjunct.StentedSegments;
        if (submission.Presentation.ClotSegments.Count == 0)
        {
            return;
        }

        for (var i = 0; i < stented.Count; i++)
        {
            if (!submission.Presentation.ClotSegments.Contains(stented[i]))
            {
                context.Report($"/procedure/adjunct/stentedSegments/{i}",
                    $"The {RegistryCode.Of(stented[i])} segment is stented but is not among the clot segments.");
            }
        }
    }
}
