namespace RegistryClient.Model;

/// <summary>Outcome to discharge (NICE HTG516 3.2, 3.3, 2.6).</summary>
public sealed record Outcome
{
    /// <summary>Thrombus removed on completion venography, 0-100 percent.</summary>
    public required int ThrombusRemovedPercent { get; init; }

    /// <summary>Grade derived from <see cref="ThrombusRemovedPercent"/> and checked (rule VR018).</summary>
    public required ThrombusRemovalGrade ThrombusRemovalGrade { get; init; }

    /// <summary>Complications to discharge; empty when there were none.</summary>
    public required IReadOnlyList<Complication> Complications { get; init; }

    /// <summary>Discharge date.</summary>
    public required DateTime DischargeDate { get; init; }

    /// <summary>Anticoagulation planned at discharge.</summary>
    public required Anticoagulation Anticoagulation { get; init; }

    /// <summary>Whether compression stockings were advised.</summary>
    public bool? CompressionStockings { get; init; }

    /// <summary>Whether early ambulation was advised.</summary>
    public bool? EarlyAmbulation { get; init; }
}

/// <summary>A complication.</summary>
public sealed record Complication
{
    /// <summary>What happened.</summary>
    public required ComplicationType Type { get; init; }

    /// <summary>When it began; not before the procedure (rule VR017).</summary>
    public required DateTime OnsetDate { get; init; }

    /// <summary>Minor or major.</summary>
    public required ComplicationSeverity Severity { get; init; }

    /// <summary>Free text, 1-500 characters. Never put patient identifiers here.</summary>
    public string? Description { get; init; }
}

/// <summary>Anticoagulation planned at discharge.</summary>
public sealed record Anticoagulation
{
    /// <summary>The agent.</summary>
    public required AnticoagulantAgent Agent { get; init; }

    /// <summary>Planned duration, 0-120 months; NICE HTG516 2.6 expects at least 3 (rule VR011).</summary>
    public required int PlannedDurationMonths { get; init; }
}

/// <summary>A follow-up assessment.</summary>
public sealed record FollowUp
{
    /// <summary>Which timepoint; unique within a submission.</summary>
    public required FollowUpTimepoint Timepoint { get; init; }

    /// <summary>Date of assessment, expected within the timepoint's window (rule VR016).</summary>
    public required DateTime AssessmentDate { get; init; }

    /// <summary>Villalta total, 0-33; expected from six months on.</summary>
    public int? VillaltaTotal { get; init; }

    /// <summary>Whether a venous ulcer is present.</summary>
    public bool? VenousUlcer { get; init; }

    /// <summary>Patency of the treated segments.</summary>
    public required Patency Patency { get; init; }

    /// <summary>Whether rethrombosis has occurred.</summary>
    public required bool Rethrombosis { get; init; }

    /// <summary>Whether a pulmonary embolism has occurred.</summary>
    public required bool PulmonaryEmbolism { get; init; }

    /// <summary>A patient-reported quality-of-life score.</summary>
    public QualityOfLife? QualityOfLife { get; init; }
}

/// <summary>A patient-reported outcome (NICE HTG516 3.2).</summary>
public sealed record QualityOfLife
{
    /// <summary>The instrument.</summary>
    public required QualityOfLifeInstrument Instrument { get; init; }

    /// <summary>The score: EQ-5D-5L index -0.6 to 1, VEINES T-scores 0-100.</summary>
    public required double Score { get; init; }
}
