namespace RegistryClient.Model;

/// <summary>The special arrangements for clinical governance, consent and research (NICE HTG516 1.1, 1.2, 3.8).</summary>
public sealed record Governance
{
    /// <summary>Whether a multidisciplinary team assessed the patient (NICE HTG516 3.8).</summary>
    public required bool MdtAssessed { get; init; }

    /// <summary>Specialties at the assessment; NICE asks for vascular surgery, interventional radiology and haematology.</summary>
    public IReadOnlyList<MdtSpecialty>? MdtSpecialties { get; init; }

    /// <summary>Whether the trust's clinical governance lead was informed (required for iliofemoral DVT).</summary>
    public required bool GovernanceLeadInformed { get; init; }

    /// <summary>Whether the patient was given clear written information.</summary>
    public required bool WrittenInformationProvided { get; init; }

    /// <summary>Whether consent was recorded.</summary>
    public required bool ConsentRecorded { get; init; }

    /// <summary>The research study; required for distal (femoropopliteal or calf) DVT, which NICE allows only in research.</summary>
    public ResearchStudy? ResearchStudy { get; init; }
}

/// <summary>A registered research study.</summary>
public sealed record ResearchStudy
{
    /// <summary>Which register the identifier belongs to.</summary>
    public required ResearchRegistry Registry { get; init; }

    /// <summary>The identifier in that register's format (rule VR015).</summary>
    public required string Identifier { get; init; }
}
