namespace RegistryClient.Model;

// Every enumeration of the dataset. Each member serialises as its camelCase name (InferiorVenaCava -> "inferiorVenaCava"),
// which is exactly the registry code; RegistryCodeConverter enforces that strictly (no integers, no case folding).

/// <summary>Administrative sex as recorded by the hospital.</summary>
[JsonConverter(typeof(RegistryCodeConverter<Sex>))]
public enum Sex { /** <summary>Female.</summary> */ Female, /** <summary>Male.</summary> */ Male, /** <summary>Indeterminate.</summary> */ Indeterminate, /** <summary>Not known.</summary> */ NotKnown }

/// <summary>The leg or legs affected.</summary>
[JsonConverter(typeof(RegistryCodeConverter<Side>))]
public enum Side { /** <summary>Left leg.</summary> */ Left, /** <summary>Right leg.</summary> */ Right, /** <summary>Both legs.</summary> */ Bilateral }

/// <summary>A venous segment involved by thrombus, from proximal to distal (NICE HTG516 1.4, "site of the clot").</summary>
[JsonConverter(typeof(RegistryCodeConverter<ClotSegment>))]
public enum ClotSegment
{
    /** <summary>Inferior vena cava.</summary> */ InferiorVenaCava,
    /** <summary>Common iliac vein.</summary> */ CommonIliac,
    /** <summary>External iliac vein.</summary> */ ExternalIliac,
    /** <summary>Common femoral vein.</summary> */ CommonFemoral,
    /** <summary>Femoral vein.</summary> */ Femoral,
    /** <summary>Deep femoral (profunda) vein.</summary> */ DeepFemoral,
    /** <summary>Popliteal vein.</summary> */ Popliteal,
    /** <summary>Calf veins.</summary> */ Calf,
}

/// <summary>DVT class derived from the most proximal clot segment; see <see cref="DvtClassification"/>.</summary>
[JsonConverter(typeof(RegistryCodeConverter<DvtClass>))]
public enum DvtClass
{
    /** <summary>Reaches the common femoral vein or above: special governance arrangements (NICE HTG516 1.1, 1.2).</summary> */ Iliofemoral,
    /** <summary>Femoral, deep femoral or popliteal without common femoral involvement: NICE "distal", research only.</summary> */ Femoropopliteal,
    /** <summary>Calf veins only: NICE "distal", research only.</summary> */ Calf,
}

/// <summary>Clinician's grade of symptom severity (NICE HTG516 1.4).</summary>
[JsonConverter(typeof(RegistryCodeConverter<SeverityGrade>))]
public enum SeverityGrade { /** <summary>Mild.</summary> */ Mild, /** <summary>Moderate.</summary> */ Moderate, /** <summary>Severe.</summary> */ Severe, /** <summary>Phlegmasia cerulea dolens or venous gangrene.</summary> */ LimbThreatening }

/// <summary>Phlegmasia at presentation (NICE HTG516 3.5).</summary>
[JsonConverter(typeof(RegistryCodeConverter<Phlegmasia>))]
public enum Phlegmasia { /** <summary>None.</summary> */ None, /** <summary>Phlegmasia alba dolens.</summary> */ AlbaDolens, /** <summary>Phlegmasia cerulea dolens.</summary> */ CeruleaDolens, /** <summary>Venous gangrene.</summary> */ VenousGangrene }

/// <summary>A risk factor for DVT (NICE HTG516 2.1).</summary>
[JsonConverter(typeof(RegistryCodeConverter<RiskFactor>))]
public enum RiskFactor
{
    /** <summary>Recent surgery.</summary> */ Surgery,
    /** <summary>Immobility.</summary> */ Immobility,
    /** <summary>Malignancy.</summary> */ Malignancy,
    /** <summary>Hypercoagulability.</summary> */ Hypercoagulability,
    /** <summary>Pregnancy.</summary> */ Pregnancy,
    /** <summary>Dehydration.</summary> */ Dehydration,
    /** <summary>Hormonal therapy.</summary> */ HormonalTherapy,
    /** <summary>Previous venous thromboembolism.</summary> */ PreviousVte,
    /** <summary>Other.</summary> */ Other,
}

/// <summary>A specialty present at the multidisciplinary team assessment (NICE HTG516 3.8).</summary>
[JsonConverter(typeof(RegistryCodeConverter<MdtSpecialty>))]
public enum MdtSpecialty { /** <summary>Vascular surgery.</summary> */ VascularSurgery, /** <summary>Interventional radiology.</summary> */ InterventionalRadiology, /** <summary>Haematology.</summary> */ Haematology, /** <summary>Other.</summary> */ Other }

/// <summary>The register a research study is listed in (NICE HTG516 1.4).</summary>
[JsonConverter(typeof(RegistryCodeConverter<ResearchRegistry>))]
public enum ResearchRegistry { /** <summary>ISRCTN: "ISRCTN" and 8 digits.</summary> */ Isrctn, /** <summary>IRAS: 6 or 7 digits.</summary> */ Iras, /** <summary>ClinicalTrials.gov: "NCT" and 8 digits.</summary> */ ClinicalTrialsGov }

/// <summary>Anaesthesia for the procedure (NICE HTG516 2.5).</summary>
[JsonConverter(typeof(RegistryCodeConverter<Anaesthesia>))]
public enum Anaesthesia { /** <summary>Local.</summary> */ Local, /** <summary>Local with sedation.</summary> */ LocalWithSedation, /** <summary>General.</summary> */ General }

/// <summary>A venous access site.</summary>
[JsonConverter(typeof(RegistryCodeConverter<AccessVein>))]
public enum AccessVein
{
    /** <summary>Popliteal vein.</summary> */ Popliteal,
    /** <summary>Femoral vein.</summary> */ Femoral,
    /** <summary>Internal jugular vein.</summary> */ InternalJugular,
    /** <summary>Posterior tibial vein.</summary> */ PosteriorTibial,
    /** <summary>Small saphenous vein.</summary> */ SmallSaphenous,
    /** <summary>Other.</summary> */ Other,
}

/// <summary>Imaging used to guide the procedure.</summary>
[JsonConverter(typeof(RegistryCodeConverter<ImagingGuidance>))]
public enum ImagingGuidance { /** <summary>Fluoroscopy.</summary> */ Fluoroscopy, /** <summary>Ultrasound.</summary> */ Ultrasound, /** <summary>Intravascular ultrasound.</summary> */ IntravascularUltrasound }

/// <summary>How the thrombectomy device works (NICE HTG516 3.6).</summary>
[JsonConverter(typeof(RegistryCodeConverter<DeviceMechanism>))]
public enum DeviceMechanism
{
    /** <summary>Rotational.</summary> */ Rotational,
    /** <summary>Rheolytic.</summary> */ Rheolytic,
    /** <summary>Aspiration.</summary> */ Aspiration,
    /** <summary>Maceration.</summary> */ Maceration,
    /** <summary>Ultrasound-assisted.</summary> */ UltrasoundAssisted,
    /** <summary>Other.</summary> */ Other,
}

/// <summary>When thrombolysis was given relative to thrombectomy (NICE HTG516 2.4).</summary>
[JsonConverter(typeof(RegistryCodeConverter<ThrombolysisTiming>))]
public enum ThrombolysisTiming { /** <summary>No thrombolysis.</summary> */ None, /** <summary>Before thrombectomy.</summary> */ BeforeThrombectomy, /** <summary>During thrombectomy.</summary> */ Concurrent, /** <summary>After thrombectomy.</summary> */ AfterThrombectomy }

/// <summary>Thrombolytic agent.</summary>
[JsonConverter(typeof(RegistryCodeConverter<ThrombolyticAgent>))]
public enum ThrombolyticAgent { /** <summary>Alteplase.</summary> */ Alteplase, /** <summary>Urokinase.</summary> */ Urokinase, /** <summary>Tenecteplase.</summary> */ Tenecteplase, /** <summary>Other.</summary> */ Other }

/// <summary>Kind of inferior vena cava filter (NICE HTG516 2.5).</summary>
[JsonConverter(typeof(RegistryCodeConverter<IvcFilterType>))]
public enum IvcFilterType { /** <summary>Temporary.</summary> */ Temporary, /** <summary>Retrievable.</summary> */ Retrievable, /** <summary>Permanent.</summary> */ Permanent }

/// <summary>Thrombus-removal grade from completion venography (NICE HTG516 3.2).</summary>
[JsonConverter(typeof(RegistryCodeConverter<ThrombusRemovalGrade>))]
public enum ThrombusRemovalGrade { /** <summary>Under 50% removed.</summary> */ Grade1, /** <summary>50-99% removed.</summary> */ Grade2, /** <summary>100% removed.</summary> */ Grade3 }

/// <summary>A complication to discharge (NICE HTG516 3.3; bleeding per ISTH definitions).</summary>
[JsonConverter(typeof(RegistryCodeConverter<ComplicationType>))]
public enum ComplicationType
{
    /** <summary>ISTH major bleeding.</summary> */ MajorBleeding,
    /** <summary>ISTH clinically relevant non-major bleeding.</summary> */ ClinicallyRelevantNonMajorBleeding,
    /** <summary>Minor bleeding.</summary> */ MinorBleeding,
    /** <summary>Haemolysis.</summary> */ Haemolysis,
    /** <summary>Acute kidney injury.</summary> */ AcuteKidneyInjury,
    /** <summary>Vessel injury.</summary> */ VesselInjury,
    /** <summary>Venous stenosis.</summary> */ VenousStenosis,
    /** <summary>Clot embolisation.</summary> */ ClotEmbolisation,
    /** <summary>Pulmonary embolism.</summary> */ PulmonaryEmbolism,
    /** <summary>Rethrombosis.</summary> */ Rethrombosis,
    /** <summary>Death.</summary> */ Death,
    /** <summary>Other.</summary> */ Other,
}

/// <summary>Severity of a complication.</summary>
[JsonConverter(typeof(RegistryCodeConverter<ComplicationSeverity>))]
public enum ComplicationSeverity { /** <summary>Minor.</summary> */ Minor, /** <summary>Major.</summary> */ Major }

/// <summary>Anticoagulant planned at discharge (NICE HTG516 2.6).</summary>
[JsonConverter(typeof(RegistryCodeConverter<AnticoagulantAgent>))]
public enum AnticoagulantAgent { /** <summary>Direct oral anticoagulant.</summary> */ Doac, /** <summary>Low molecular weight heparin.</summary> */ Lmwh, /** <summary>Warfarin.</summary> */ Warfarin, /** <summary>Other.</summary> */ Other, /** <summary>None.</summary> */ None }

/// <summary>Follow-up timepoint after the procedure.</summary>
[JsonConverter(typeof(RegistryCodeConverter<FollowUpTimepoint>))]
public enum FollowUpTimepoint { /** <summary>30 days.</summary> */ Days30, /** <summary>6 months.</summary> */ Months6, /** <summary>12 months.</summary> */ Months12, /** <summary>24 months.</summary> */ Months24 }

/// <summary>Patency of the treated segments at follow-up.</summary>
[JsonConverter(typeof(RegistryCodeConverter<Patency>))]
public enum Patency { /** <summary>Patent.</summary> */ Patent, /** <summary>Partially occluded.</summary> */ PartiallyOccluded, /** <summary>Occluded.</summary> */ Occluded, /** <summary>Not assessed.</summary> */ NotAssessed }

/// <summary>Patient-reported outcome instrument (NICE HTG516 3.2).</summary>
[JsonConverter(typeof(RegistryCodeConverter<QualityOfLifeInstrument>))]
public enum QualityOfLifeInstrument { /** <summary>VEINES-QOL T-score, 0-100.</summary> */ VeinesQol, /** <summary>VEINES-Sym T-score, 0-100.</summary> */ VeinesSym, /** <summary>EQ-5D-5L index, -0.6 to 1.</summary> */ Eq5d5l }
