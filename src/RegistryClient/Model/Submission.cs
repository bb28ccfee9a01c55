namespace RegistryClient.Model;

/// <summary>
/// One percutaneous mechanical thrombectomy episode for acute leg DVT, as submitted to the venous registry
/// (NICE HTG516 rec 1.3). Mirrors <c>schemas/venous-registry-submission.v1.schema.json</c> field for field.
/// </summary>
/// <remarks>
/// Constructing one does not validate it: pass it to <c>SubmissionValidator</c> before sending. The date of birth is
/// deliberately absent; only <see cref="Patient.AgeAtProcedure"/> is submitted.
/// </remarks>
public sealed record Submission
{
    /// <summary>The only schema version this library writes.</summary>
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Dataset version; always <c>"1.0"</c>.</summary>
    [JsonRequired]
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The hospital's own id for this episode (1-64 of <c>A-Z a-z 0-9 . _ -</c>); with the organisation code it identifies the submission.</summary>
    public required string LocalRecordId { get; init; }

    /// <summary>Who submits.</summary>
    public required Submitter Submitter { get; init; }

    /// <summary>The patient, identified by NHS number or pseudonym, never by date of birth.</summary>
    public required Patient Patient { get; init; }

    /// <summary>The DVT as it presented.</summary>
    public required Presentation Presentation { get; init; }

    /// <summary>The special arrangements of NICE HTG516 1.1 and 1.2.</summary>
    public required Governance Governance { get; init; }

    /// <summary>The procedure itself.</summary>
    public required Procedure Procedure { get; init; }

    /// <summary>Outcome to discharge; absent until discharge is known (a warning, not an error).</summary>
    public Outcome? Outcome { get; init; }

    /// <summary>Follow-up assessments, at most one per timepoint.</summary>
    public IReadOnlyList<FollowUp>? FollowUps { get; init; }
}

/// <summary>The submitting organisation and software.</summary>
public sealed record Submitter
{
    /// <summary>NHS ODS code of the trust (3 characters, e.g. <c>RJ1</c>) or site (5 characters).</summary>
    public required string OrganisationCode { get; init; }

    /// <summary>Name of the submitting software; filled by the library.</summary>
    public string? SoftwareName { get; init; }

    /// <summary>Version of the submitting software; filled by the library.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>
    /// When the local record last changed in the source system (RFC 3339 with its UTC offset). The registry uses it to
    /// tell newer data from older, so an old export or a second system can never silently put older content back
    /// (DESIGN "A case only moves forward"); a correction that restores earlier content is delivered only with a newer
    /// value. It dates the content and is not part of it: <see cref="SubmissionContentHash"/> leaves it out.
    /// </summary>
    public DateTimeOffset? RecordUpdatedAt { get; init; }
}

/// <summary>The patient. Exactly one of <see cref="NhsNumber"/> and <see cref="Pseudonym"/> is given (rule VR002).
/// <see cref="object.ToString"/> says whether each is present, never its value.</summary>
public sealed record Patient
{
    /// <summary>Ten digits, modulus 11 checked (rule VR001); absent when <see cref="Pseudonym"/> is given.</summary>
    public string? NhsNumber { get; init; }

    /// <summary>HMAC-SHA256 of the NHS number under a trust-held key, as 64 lower-case hex digits.</summary>
    public string? Pseudonym { get; init; }

    /// <summary>Age in whole years on the procedure date, 16-110 (NICE HTG516 1.4).</summary>
    public required int AgeAtProcedure { get; init; }

    /// <summary>Administrative sex.</summary>
    public required Sex Sex { get; init; }

    // A record prints every property in ToString, so a submission written to a log, an exception or a debugger's
    // watch would carry the NHS number: print only whether one is present.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("NhsNumber = ").Append(NhsNumber is null ? "null" : "(redacted)");
        builder.Append(", Pseudonym = ").Append(Pseudonym is null ? "null" : "(redacted)");
        builder.Append(", AgeAtProcedure = ").Append(AgeAtProcedure.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.Append(", Sex = ").Append(Sex);
        return true;
    }
}
