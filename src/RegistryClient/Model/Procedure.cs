namespace RegistryClient.Model;

/// <summary>The thrombectomy procedure.</summary>
public sealed record Procedure
{
    /// <summary>Date of the procedure.</summary>
    public required DateTime ProcedureDate { get; init; }

    /// <summary>Anaesthesia (NICE HTG516 2.5).</summary>
    public required Anaesthesia Anaesthesia { get; init; }

    /// <summary>One or more distinct access veins.</summary>
    public required IReadOnlyList<AccessVein> AccessVeins { get; init; }

    /// <summary>One or more distinct imaging modalities.</summary>
    public required IReadOnlyList<ImagingGuidance> ImagingGuidance { get; init; }

    /// <summary>The thrombectomy device (NICE HTG516 3.6).</summary>
    public required Device Device { get; init; }

    /// <summary>Thrombolysis given with the procedure (NICE HTG516 2.4).</summary>
    public required Thrombolysis Thrombolysis { get; init; }

    /// <summary>Inferior vena cava filter (NICE HTG516 2.5).</summary>
    public required IvcFilter IvcFilter { get; init; }

    /// <summary>Adjunctive angioplasty and stenting (NICE HTG516 2.7).</summary>
    public required Adjunct Adjunct { get; init; }

    /// <summary>Fluoroscopy time in minutes, 0-600.</summary>
    public double? FluoroscopyTimeMinutes { get; init; }

    /// <summary>Contrast volume in millilitres, 0-1000.</summary>
    public double? ContrastVolumeMl { get; init; }
}

/// <summary>A thrombectomy device.</summary>
public sealed record Device
{
    /// <summary>Device name, 1-100 characters.</summary>
    public required string Name { get; init; }

    /// <summary>Manufacturer, 1-100 characters.</summary>
    public required string Manufacturer { get; init; }

    /// <summary>How the device removes thrombus.</summary>
    public required DeviceMechanism Mechanism { get; init; }
}

/// <summary>Thrombolysis with the procedure. <see cref="Agent"/> is required unless <see cref="Timing"/> is none.</summary>
public sealed record Thrombolysis
{
    /// <summary>When thrombolysis was given, or none.</summary>
    public required ThrombolysisTiming Timing { get; init; }

    /// <summary>Whether thrombolysis was contraindicated; then timing must be none (rule VR012).</summary>
    public required bool Contraindicated { get; init; }

    /// <summary>The agent; required unless timing is none.</summary>
    public ThrombolyticAgent? Agent { get; init; }

    /// <summary>Total dose in milligrams, greater than 0 and at most 100; expected unless timing is none.</summary>
    public double? TotalDoseMg { get; init; }
}

/// <summary>Inferior vena cava filter. Type and retrieval date only when placed (rule VR013).</summary>
public sealed record IvcFilter
{
    /// <summary>Whether a filter was placed.</summary>
    public required bool Placed { get; init; }

    /// <summary>Filter kind.</summary>
    public IvcFilterType? Type { get; init; }

    /// <summary>Date retrieved, not before the procedure.</summary>
    public DateTime? RetrievedDate { get; init; }
}

/// <summary>Adjunctive treatment of an underlying lesion (NICE HTG516 2.7).</summary>
public sealed record Adjunct
{
    /// <summary>Whether angioplasty was done.</summary>
    public required bool Angioplasty { get; init; }

    /// <summary>Distinct stented segments (empty when none); each expected among the clot segments (rule VR014).</summary>
    public required IReadOnlyList<ClotSegment> StentedSegments { get; init; }
}
