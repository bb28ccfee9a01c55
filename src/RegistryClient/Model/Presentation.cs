namespace RegistryClient.Model;

/// <summary>The DVT as it presented (NICE HTG516 1.4: site of the clot and symptom severity).</summary>
public sealed record Presentation
{
    /// <summary>Affected leg or legs.</summary>
    public required Side Side { get; init; }

    /// <summary>Date symptoms began.</summary>
    public required DateTime SymptomOnsetDate { get; init; }

    /// <summary>Date of imaging-confirmed diagnosis: the "presentation" of NICE HTG516 3.9.</summary>
    public required DateTime DiagnosisDate { get; init; }

    /// <summary>1-8 distinct segments involved; the most proximal one decides <see cref="DvtClass"/>.</summary>
    public required IReadOnlyList<ClotSegment> ClotSegments { get; init; }

    /// <summary>Class derived from <see cref="ClotSegments"/> (see <see cref="DvtClassification"/>) and checked by rule VR003.</summary>
    public required DvtClass DvtClass { get; init; }

    /// <summary>Symptom severity.</summary>
    public required SymptomSeverity SymptomSeverity { get; init; }

    /// <summary>Whether a pulmonary embolism was present before the procedure (NICE HTG516 3.2, 3.3).</summary>
    public required bool PulmonaryEmbolismAtPresentation { get; init; }

    /// <summary>Distinct risk factors (NICE HTG516 2.1).</summary>
    public IReadOnlyList<RiskFactor>? RiskFactors { get; init; }
}

/// <summary>Symptom severity at presentation.</summary>
public sealed record SymptomSeverity
{
    /// <summary>Clinician's grade.</summary>
    public required SeverityGrade Grade { get; init; }

    /// <summary>Phlegmasia, if any (NICE HTG516 3.5).</summary>
    public required Phlegmasia Phlegmasia { get; init; }

    /// <summary>Baseline Villalta score, when assessed.</summary>
    public VillaltaScore? Villalta { get; init; }
}

/// <summary>
/// A Villalta post-thrombotic syndrome score: five symptoms and six signs, each 0-3, plus venous ulcer.
/// <see cref="Total"/> must equal the sum of the eleven items (rule VR010).
/// </summary>
public sealed record VillaltaScore
{
    /// <summary>Pain, 0-3.</summary>
    public required int Pain { get; init; }
    /// <summary>Cramps, 0-3.</summary>
    public required int Cramps { get; init; }
    /// <summary>Heaviness, 0-3.</summary>
    public required int Heaviness { get; init; }
    /// <summary>Paraesthesia, 0-3.</summary>
    public required int Paraesthesia { get; init; }
    /// <summary>Pruritus, 0-3.</summary>
    public required int Pruritus { get; init; }
    /// <summary>Pretibial oedema, 0-3.</summary>
    public required int PretibialOedema { get; init; }
    /// <summary>Skin induration, 0-3.</summary>
    public required int SkinInduration { get; init; }
    /// <summary>Hyperpigmentation, 0-3.</summary>
    public required int Hyperpigmentation { get; init; }
    /// <summary>Redness, 0-3.</summary>
    public required int Redness { get; init; }
    /// <summary>Venous ectasia, 0-3.</summary>
    public required int VenousEctasia { get; init; }
    /// <summary>Pain on calf compression, 0-3.</summary>
    public required int PainOnCalfCompression { get; init; }
    /// <summary>Whether a venous ulcer is present (makes the syndrome severe whatever the total).</summary>
    public required bool VenousUlcer { get; init; }
    /// <summary>Total, 0-33.</summary>
    public required int Total { get; init; }

    /// <summary>The sum of the eleven items, which <see cref="Total"/> must equal.</summary>
    public int ItemSum() =>
        Pain + Cramps + Heaviness + Paraesthesia + Pruritus + PretibialOedema + SkinInduration + Hyperpigmentation
        + Redness + VenousEctasia + PainOnCalfCompression;
}
