using System.Text.Json;
using RegistryClient.Model;
using RegistryClient.Validation;
using RegistryClient.Validation.Rules;

namespace RegistryClient.Tests.Validation;

/// <summary>
/// Each rule on its own: silent on every valid sample, firing on its invalid sample, and the boundaries that matter
/// clinically. Rules run here without the schema or the other rules, so a rule that fires for the wrong reason shows up.
/// </summary>
public sealed class RuleTests
{
    public static TheoryData<string> RuleCodes() => new(SubmissionValidator.Rules.Select(r => r.Code));

    [Theory]
    [MemberData(nameof(RuleCodes))]
    public void Rule_IsSilentOnEveryValidSample(string code)
    {
        foreach (var file in Samples.ValidFiles)
        {
            Assert.Empty(Evaluate(code, Load(file)));
        }
    }

    [Theory]
    [MemberData(nameof(RuleCodes))]
    public void Rule_FiresOnItsInvalidSample_AtTheManifestPointer(string code)
    {
        var expected = Assert.Single(Expectation.Load(), e => e.Code == code);

        var issue = Assert.Single(Evaluate(code, Load(Path.Combine(Samples.InvalidDirectory, expected.File))));

        Assert.Equal(expected.Path, issue.Path);
        Assert.Equal(expected.Severity, RegistryCode.Of(issue.Severity));
        Assert.Equal(SubmissionValidator.Rules.Single(r => r.Code == code).Source, issue.Source);
    }

    [Fact]
    public void Registry_ListsEachRuleOnceInCodeOrder_WithItsSource()
    {
        var codes = SubmissionValidator.Rules.Select(r => r.Code).ToList();

        Assert.Equal(Enumerable.Range(1, 21).Select(i => $"VR{i:000}"), codes);
        Assert.All(SubmissionValidator.Rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Source)));
        Assert.All(SubmissionValidator.Rules.Where(r => r.Code is "VR004" or "VR005" or "VR006"),
            r => Assert.StartsWith("NICE HTG516 1.", r.Source));
    }

    [Theory]
    [InlineData("9990000018", true)]
    [InlineData("9990000026", true)]
    [InlineData("9990000019", false)] // wrong check digit
    [InlineData("9990000140", false)] // check would be 10: no valid number has these nine digits
    public void VR001_ChecksTheModulus11Digit(string nhsNumber, bool valid)
    {
        Assert.Equal(valid, NhsNumber.IsValid(nhsNumber));
        var submission = Base() with { Patient = Base().Patient with { NhsNumber = nhsNumber } };

        Assert.Equal(valid ? 0 : 1, Evaluate("VR001", submission).Count);
    }

    [Fact]
    public void VR002_NeitherIdentifier_IsAnError()
    {
        var submission = Base() with { Patient = Base().Patient with { NhsNumber = null } };

        Assert.Equal("/patient", Assert.Single(Evaluate("VR002", submission)).Path);
    }

    [Theory]
    [InlineData(new[] { ClotSegment.Calf }, DvtClass.Calf)]
    [InlineData(new[] { ClotSegment.Calf, ClotSegment.Popliteal }, DvtClass.Femoropopliteal)]
    [InlineData(new[] { ClotSegment.DeepFemoral }, DvtClass.Femoropopliteal)]
    [InlineData(new[] { ClotSegment.Femoral, ClotSegment.CommonFemoral }, DvtClass.Iliofemoral)]
    [InlineData(new[] { ClotSegment.InferiorVenaCava }, DvtClass.Iliofemoral)]
    public void DvtClassification_MostProximalSegmentDecides(ClotSegment[] segments, DvtClass expected)
    {
        Assert.Equal(expected, DvtClassification.Derive(segments));
        var submission = WithSegments(segments, expected);

        Assert.Empty(Evaluate("VR003", submission));
        Assert.Single(Evaluate("VR003", submission with { Presentation = submission.Presentation with { DvtClass = Other(expected) } }));
    }

    [Fact]
    public void VR004_UsesTheClassTheSegmentsGive_NotTheStatedOne()
    {
        // Femoral DVT misstated as iliofemoral: still distal, still research only.
        var misstated = WithSegments([ClotSegment.Femoral], DvtClass.Iliofemoral);

        Assert.Equal("/governance/researchStudy", Assert.Single(Evaluate("VR004", misstated)).Path);
        Assert.Empty(Evaluate("VR004", misstated with
        {
            Governance = misstated.Governance with { ResearchStudy = new ResearchStudy { Registry = ResearchRegistry.Isrctn, Identifier = "ISRCTN40473104" } },
        }));
    }

    [Fact]
    public void VR005_DistalDvt_DoesNotNeedTheGovernanceLead()
    {
        var distal = WithSegments([ClotSegment.Popliteal], DvtClass.Femoropopliteal);

        Assert.Empty(Evaluate("VR005", distal with { Governance = distal.Governance with { GovernanceLeadInformed = false } }));
    }

    [Fact]
    public void VR006_WrittenInformationMissing_IsAnError()
    {
        var submission = Base() with { Governance = Base().Governance with { WrittenInformationProvided = false } };

        Assert.Equal("/governance/writtenInformationProvided", Assert.Single(Evaluate("VR006", submission)).Path);
    }

    [Theory]
    [InlineData(14, 0)]
    [InlineData(15, 1)]
    public void VR007_FourteenDaysIsTheLimit(int daysAfterDiagnosis, int expected)
    {
        var submission = Base();
        var diagnosis = submission.Procedure.ProcedureDate.AddDays(-daysAfterDiagnosis);
        submission = submission with
        {
            Presentation = submission.Presentation with { SymptomOnsetDate = diagnosis, DiagnosisDate = diagnosis },
        };

        Assert.Equal(expected, Evaluate("VR007", submission).Count);
    }

    [Fact]
    public void VR008_DateInTheFuture_IsAnError()
    {
        var submission = Base();
        var today = SubmissionValidatorTests.Today;
        var followUps = submission.FollowUps!.ToList();
        followUps[3] = followUps[3] with { AssessmentDate = today.AddDays(1) };

        var issue = Assert.Single(Evaluate("VR008", submission with { FollowUps = followUps }));

        Assert.Equal("/followUps/3/assessmentDate", issue.Path);
        Assert.Empty(Evaluate("VR008", submission with { FollowUps = [.. followUps.Take(3), followUps[3] with { AssessmentDate = today }] }));
    }

    [Fact]
    public void VR009_NoMdtAssessment_IsAWarning()
    {
        var submission = Base() with { Governance = Base().Governance with { MdtAssessed = false, MdtSpecialties = null } };

        var issue = Assert.Single(Evaluate("VR009", submission));

        Assert.Equal(ValidationSeverity.Warning, issue.Severity);
        Assert.Equal("/governance/mdtAssessed", issue.Path);
    }

    [Fact]
    public void VR011_DoesNotApplyAfterDeath()
    {
        var outcome = Base().Outcome! with { Anticoagulation = new Anticoagulation { Agent = AnticoagulantAgent.None, PlannedDurationMonths = 0 } };
        var alive = Base() with { Outcome = outcome };
        var died = Base() with
        {
            Outcome = outcome with
            {
                Complications = [new Complication { Type = ComplicationType.Death, OnsetDate = outcome.DischargeDate, Severity = ComplicationSeverity.Major }],
            },
            FollowUps = null,
        };

        Assert.Single(Evaluate("VR011", alive));
        Assert.Empty(Evaluate("VR011", died));
    }

    [Fact]
    public void VR013_RetrievalBeforeTheProcedure_IsAnError()
    {
        var submission = Base();
        submission = submission with
        {
            Procedure = submission.Procedure with
            {
                IvcFilter = new IvcFilter { Placed = true, Type = IvcFilterType.Retrievable, RetrievedDate = submission.Procedure.ProcedureDate.AddDays(-1) },
            },
        };

        Assert.Equal("/procedure/ivcFilter/retrievedDate", Assert.Single(Evaluate("VR013", submission)).Path);
    }

    [Theory]
    [InlineData(ResearchRegistry.Isrctn, "ISRCTN40473104", true)]
    [InlineData(ResearchRegistry.Isrctn, "isrctn40473104", false)]
    [InlineData(ResearchRegistry.Isrctn, "ISRCTN40473104\n", false)]
    [InlineData(ResearchRegistry.Iras, "312456", true)]
    [InlineData(ResearchRegistry.Iras, "3124567", true)]
    [InlineData(ResearchRegistry.Iras, "31245", false)]
    [InlineData(ResearchRegistry.ClinicalTrialsGov, "NCT05241929", true)]
    [InlineData(ResearchRegistry.ClinicalTrialsGov, "NCT0524192", false)]
    public void VR015_ChecksEachRegistrysFormat(ResearchRegistry registry, string identifier, bool valid)
    {
        var submission = Base() with
        {
            Governance = Base().Governance with { ResearchStudy = new ResearchStudy { Registry = registry, Identifier = identifier } },
        };

        Assert.Equal(valid ? 0 : 1, Evaluate("VR015", submission).Count);
    }

    [Theory]
    [InlineData(ResearchRegistry.Isrctn, "This is not an ISRCTN identifier, which is ISRCTN followed by 8 digits.")]
    [InlineData(ResearchRegistry.Iras, "This is not an IRAS identifier, which is 6 or 7 digits.")]
    [InlineData(ResearchRegistry.ClinicalTrialsGov, "This is not a ClinicalTrials.gov identifier, which is NCT followed by 8 digits.")]
    public void VR015_NamesTheRegistryInPlainEnglish(ResearchRegistry registry, string message)
    {
        var submission = Base() with
        {
            Governance = Base().Governance with { ResearchStudy = new ResearchStudy { Registry = registry, Identifier = "12" } },
        };

        Assert.Equal(message, Assert.Single(Evaluate("VR015", submission)).Message);
    }

    [Theory]
    [InlineData(FollowUpTimepoint.Days30, 14, true)]
    [InlineData(FollowUpTimepoint.Days30, 13, false)]
    [InlineData(FollowUpTimepoint.Days30, 60, true)]
    [InlineData(FollowUpTimepoint.Days30, 61, false)]
    [InlineData(FollowUpTimepoint.Months12, 300, false)]
    [InlineData(FollowUpTimepoint.Months12, 365, true)]
    [InlineData(FollowUpTimepoint.Months24, 600, false)]
    [InlineData(FollowUpTimepoint.Months24, 730, true)]
    public void VR016_FollowUpWindows(FollowUpTimepoint timepoint, int daysAfterProcedure, bool inWindow)
    {
        var submission = Base();
        var followUp = new FollowUp
        {
            Timepoint = timepoint,
            AssessmentDate = submission.Procedure.ProcedureDate.AddDays(daysAfterProcedure),
            VillaltaTotal = 1,
            Patency = Patency.Patent,
            Rethrombosis = false,
            PulmonaryEmbolism = false,
        };

        Assert.Equal(inWindow ? 0 : 1, Evaluate("VR016", submission with { FollowUps = [followUp] }).Count);
    }

    [Fact]
    public void VR017_FollowUpAfterDeath_IsAnError()
    {
        var submission = Base();
        var death = new Complication { Type = ComplicationType.Death, OnsetDate = submission.Outcome!.DischargeDate, Severity = ComplicationSeverity.Major };

        var issues = Evaluate("VR017", submission with { Outcome = submission.Outcome with { Complications = [death] } });

        Assert.Equal(submission.FollowUps!.Count, issues.Count);
        Assert.Equal("/followUps/0", issues[0].Path);
    }

    [Theory]
    [InlineData(0, ThrombusRemovalGrade.Grade1)]
    [InlineData(49, ThrombusRemovalGrade.Grade1)]
    [InlineData(50, ThrombusRemovalGrade.Grade2)]
    [InlineData(99, ThrombusRemovalGrade.Grade2)]
    [InlineData(100, ThrombusRemovalGrade.Grade3)]
    public void VR018_GradeBoundaries(int percent, ThrombusRemovalGrade grade)
    {
        var outcome = Base().Outcome! with { ThrombusRemovedPercent = percent, ThrombusRemovalGrade = grade };

        Assert.Empty(Evaluate("VR018", Base() with { Outcome = outcome }));
        foreach (var other in Enum.GetValues<ThrombusRemovalGrade>().Where(g => g != grade))
        {
            Assert.Single(Evaluate("VR018", Base() with { Outcome = outcome with { ThrombusRemovalGrade = other } }));
        }
    }

    [Fact]
    public void VR019_VenousGangrene_NeedsLimbThreateningGrade()
    {
        var severity = new SymptomSeverity { Grade = SeverityGrade.Severe, Phlegmasia = Phlegmasia.VenousGangrene };
        var submission = Base() with { Presentation = Base().Presentation with { SymptomSeverity = severity } };

        Assert.Single(Evaluate("VR019", submission));
        Assert.Empty(Evaluate("VR019", submission with
        {
            Presentation = submission.Presentation with { SymptomSeverity = severity with { Grade = SeverityGrade.LimbThreatening } },
        }));
    }

    [Fact]
    public void VR020_MissingOutcome_IsOneWarningAtOutcome()
    {
        var issue = Assert.Single(Evaluate("VR020", Base() with { Outcome = null }));

        Assert.Equal("/outcome", issue.Path);
        Assert.Equal(ValidationSeverity.Warning, issue.Severity);
    }

    [Fact]
    public void VR020_LaterFollowUpWithoutVillalta_IsAWarning_Days30IsNot()
    {
        var followUps = Base().FollowUps!.Select(f => f with { VillaltaTotal = null }).ToList();

        var issues = Evaluate("VR020", Base() with { FollowUps = followUps });

        Assert.Equal(["/followUps/1/villaltaTotal", "/followUps/2/villaltaTotal", "/followUps/3/villaltaTotal"], issues.Select(i => i.Path));
    }

    private static Submission Base() => Load(Samples.ValidFiles.First());

    private static Submission WithSegments(ClotSegment[] segments, DvtClass dvtClass)
    {
        var submission = Base();
        return submission with
        {
            Presentation = submission.Presentation with { ClotSegments = segments, DvtClass = dvtClass },
            Procedure = submission.Procedure with { Adjunct = new Adjunct { Angioplasty = false, StentedSegments = [] } },
        };
    }

    private static DvtClass Other(DvtClass dvtClass) => dvtClass == DvtClass.Calf ? DvtClass.Iliofemoral : DvtClass.Calf;

    private static Submission Load(string file) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(file), RegistryJsonContext.Default.Submission)!;

    private static List<ValidationIssue> Evaluate(string code, Submission submission)
    {
        var issues = new List<ValidationIssue>();
        new RuleContext(SubmissionValidatorTests.Today, issues).Run(RuleSet.All.Single(r => r.Descriptor.Code == code), submission);
        return issues;
    }
}
