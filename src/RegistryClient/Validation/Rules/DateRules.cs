using System.Globalization;
using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>VR007: the procedure is within 14 days of diagnosis, when outcomes are likely better.</summary>
internal sealed class ProcedureWithinFourteenDaysRule() : SubmissionRule("VR007", ValidationSeverity.Warning,
    "procedureDate more than 14 days after diagnosisDate", "NICE HTG516 3.9")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var days = (submission.Procedure.ProcedureDate - submission.Presentation.DiagnosisDate).TotalDays;
        if (days > 14)
        {
            context.Report("/procedure/procedureDate",
                $"The procedure was {days.ToString(CultureInfo.InvariantCulture)} days after diagnosis; NICE notes better outcomes within 14 days.");
        }
    }
}

/// <summary>VR008: the episode's dates are in order and none is in the future.</summary>
internal sealed class DateOrderRule() : SubmissionRule("VR008", ValidationSeverity.Error,
    "dates out of order (symptom onset, diagnosis, procedure, discharge, follow-ups) or in the future", "data integrity")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var chain = new List<(string Pointer, string Name, DateTime Date)>
        {
            ("/presentation/symptomOnsetDate", "symptom onset", submission.Presentation.SymptomOnsetDate),
            ("/presentation/diagnosisDate", "diagnosis", submission.Presentation.DiagnosisDate),
            ("/procedure/procedureDate", "the procedure", submission.Procedure.ProcedureDate),
        };
        if (submission.Outcome is { } outcome)
        {
            chain.Add(("/outcome/dischargeDate", "discharge", outcome.DischargeDate));
        }

        for (var i = 1; i < chain.Count; i++)
        {
            if (chain[i].Date < chain[i - 1].Date)
            {
                context.Report(chain[i].Pointer, $"This date is before {chain[i - 1].Name}.");
            }
        }

        var last = chain[chain.Count - 1];
        var followUps = submission.FollowUps ?? [];
        for (var i = 0; i < followUps.Count; i++)
        {
            if (followUps[i].AssessmentDate < last.Date)
            {
                context.Report($"/followUps/{i}/assessmentDate", $"This follow-up is dated before {last.Name}.");
            }
        }

        foreach (var (pointer, index, date) in AllDates(submission))
        {
            if (date > context.Today)
            {
                context.Report(index < 0 ? pointer : string.Format(CultureInfo.InvariantCulture, pointer, index), "This date is in the future.");
            }
        }

        // The registry orders writers by recordUpdatedAt: one from a clock set ahead would make every later write of the
        // case look older and be refused as stale. A day's slack covers any time zone against the local "today".
        if (submission.Submitter.RecordUpdatedAt is { } updated && updated.UtcDateTime.Date > context.Today.AddDays(1))
        {
            context.Report("/submitter/recordUpdatedAt",
                "This time is in the future; the registry orders a case's versions by it, so a clock set ahead would make every later write look stale.");
        }
    }

    /// <summary>
    /// Every date of the episode with its pointer as a template (index -1: the pointer itself; otherwise <c>{0}</c>
    /// stands for the element's index). Every document pays for this check, so only one with a future date builds a
    /// pointer string.
    /// </summary>
    private static IEnumerable<(string Pointer, int Index, DateTime Date)> AllDates(Submission s)
    {
        yield return ("/presentation/symptomOnsetDate", -1, s.Presentation.SymptomOnsetDate);
        yield return ("/presentation/diagnosisDate", -1, s.Presentation.DiagnosisDate);
        yield return ("/procedure/procedureDate", -1, s.Procedure.ProcedureDate);
        if (s.Procedure.IvcFilter.RetrievedDate is { } retrieved)
        {
            yield return ("/procedure/ivcFilter/retrievedDate", -1, retrieved);
        }

        if (s.Outcome is { } outcome)
        {
            yield return ("/outcome/dischargeDate", -1, outcome.DischargeDate);
            for (var i = 0; i < outcome.Complications.Count; i++)
            {
                yield return ("/outcome/complications/{0}/onsetDate", i, outcome.Complications[i].OnsetDate);
            }
        }

        var followUps = s.FollowUps ?? [];
        for (var i = 0; i < followUps.Count; i++)
        {
            yield return ("/followUps/{0}/assessmentDate", i, followUps[i].AssessmentDate);
        }
    }
}

/// <summary>VR016: each follow-up falls in its timepoint's window after the procedure.</summary>
internal sealed class FollowUpWindowRule() : SubmissionRule("VR016", ValidationSeverity.Warning,
    "a follow-up assessmentDate far from its timepoint (days30: 14-60 days; months6: 4-9 months; months12: 10-15 months; months24: 21-30 months)",
    "follow-up quality")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var procedure = submission.Procedure.ProcedureDate;
        var followUps = submission.FollowUps ?? [];
        for (var i = 0; i < followUps.Count; i++)
        {
            var (from, to) = FollowUpWindow.Of(procedure, followUps[i].Timepoint);
            var window = FollowUpWindow.Describe(followUps[i].Timepoint);

            var date = followUps[i].AssessmentDate;
            if (date < from || date > to)
            {
                context.Report($"/followUps/{i}/assessmentDate",
                    $"A {RegistryCode.Of(followUps[i].Timepoint)} follow-up is expected {window} after the procedure.");
            }
        }
    }
}

/// <summary>VR017: no complication before the procedure, and no follow-up after a death.</summary>
internal sealed class ComplicationDateRule() : SubmissionRule("VR017", ValidationSeverity.Error,
    "a complication onsetDate before procedureDate, or type death with a follow-up after it", "data integrity")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var complications = submission.Outcome?.Complications ?? [];
        var followUps = submission.FollowUps ?? [];
        for (var i = 0; i < complications.Count; i++)
        {
            var complication = complications[i];
            if (complication.OnsetDate < submission.Procedure.ProcedureDate)
            {
                context.Report($"/outcome/complications/{i}/onsetDate", "A procedural complication cannot begin before the procedure.");
            }

            if (complication.Type != ComplicationType.Death)
            {
                continue;
            }

            for (var j = 0; j < followUps.Count; j++)
            {
                if (followUps[j].AssessmentDate > complication.OnsetDate)
                {
                    context.Report($"/followUps/{j}", "This follow-up is dated after the patient's recorded death.");
                }
            }
        }
    }
}
