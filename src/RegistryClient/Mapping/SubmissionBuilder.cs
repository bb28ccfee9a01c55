using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>
/// Builds a <see cref="Submission"/> from data integration code already holds. It computes <c>ageAtProcedure</c> from
/// the date of birth and the procedure date, normalises the NHS number, derives <c>dvtClass</c> from the clot segments,
/// optionally pseudonymises, and never keeps the date of birth: the result has no field for it.
/// </summary>
/// <example>
/// <code>
/// var submission = new SubmissionBuilder("RJ1", "RJ1-PMT-2024-0042")
///     .Patient("999 000 0018", dateOfBirth, Sex.Female)
///     .Presentation(presentation)          // dvtClass is derived; the one given is ignored
///     .Governance(governance)
///     .Procedure(procedure)
///     .Outcome(outcome)
///     .Build();
/// </code>
/// </example>
public sealed class SubmissionBuilder
{
    private readonly string _organisationCode;
    private readonly string _localRecordId;
    private string? _nhsNumber;
    private DateTime? _dateOfBirth;
    private Sex? _sex;
    private byte[]? _pseudonymKey;
    private Presentation? _presentation;
    private Governance? _governance;
    private Procedure? _procedure;
    private Outcome? _outcome;
    private DateTimeOffset? _recordUpdatedAt;
    private readonly List<FollowUp> _followUps = [];

    /// <summary>Starts a submission for one PMT episode of an organisation (ODS code).</summary>
    public SubmissionBuilder(string organisationCode, string localRecordId)
    {
        _organisationCode = string.IsNullOrWhiteSpace(organisationCode) ? throw new ArgumentException("An ODS code is required.", nameof(organisationCode)) : organisationCode.Trim();
        _localRecordId = string.IsNullOrWhiteSpace(localRecordId) ? throw new ArgumentException("A local record id is required.", nameof(localRecordId)) : localRecordId.Trim();
    }

    /// <summary>The patient: NHS number (spaces and hyphens allowed), date of birth (used for the age only) and sex.</summary>
    public SubmissionBuilder Patient(string nhsNumber, DateTime dateOfBirth, Sex sex)
    {
        _nhsNumber = NhsNumber.Normalise(nhsNumber ?? throw new ArgumentNullException(nameof(nhsNumber)));
        _dateOfBirth = dateOfBirth.Date;
        _sex = sex;
        return this;
    }

    /// <summary>Send a pseudonym (HMAC-SHA256 under <paramref name="key"/>) instead of the NHS number.</summary>
    public SubmissionBuilder PseudonymiseWith(byte[] key)
    {
        _pseudonymKey = key is { Length: >= 32 } ? key : throw new ArgumentException("The pseudonymisation key must be at least 32 bytes.", nameof(key));
        return this;
    }

    /// <summary>The presentation. Its <c>dvtClass</c> is replaced by the one the clot segments give.</summary>
    public SubmissionBuilder Presentation(Presentation presentation)
    {
        _presentation = presentation ?? throw new ArgumentNullException(nameof(presentation));
        return this;
    }

    /// <summary>The governance arrangements.</summary>
    public SubmissionBuilder Governance(Governance governance)
    {
        _governance = governance ?? throw new ArgumentNullException(nameof(governance));
        return this;
    }

    /// <summary>The procedure.</summary>
    public SubmissionBuilder Procedure(Procedure procedure)
    {
        _procedure = procedure ?? throw new ArgumentNullException(nameof(procedure));
        return this;
    }

    /// <summary>The outcome to discharge, once known.</summary>
    public SubmissionBuilder Outcome(Outcome outcome)
    {
        _outcome = outcome ?? throw new ArgumentNullException(nameof(outcome));
        return this;
    }

    /// <summary>
    /// When the local record last changed in the source system. Give it whenever the source knows it: the registry
    /// uses it to refuse an older copy of the case over a newer one, and it is how a correction that restores earlier
    /// content gets through. A time without an offset is ambiguous, so this takes a <see cref="DateTimeOffset"/>.
    /// </summary>
    public SubmissionBuilder RecordUpdatedAt(DateTimeOffset recordUpdatedAt)
    {
        _recordUpdatedAt = recordUpdatedAt;
        return this;
    }

    /// <summary>Adds a follow-up assessment.</summary>
    public SubmissionBuilder FollowUp(FollowUp followUp)
    {
        _followUps.Add(followUp ?? throw new ArgumentNullException(nameof(followUp)));
        return this;
    }

    /// <summary>The submission. Validate it with <see cref="Validation.SubmissionValidator"/> before sending.</summary>
    /// <exception cref="InvalidOperationException">A required part was not given, or the procedure predates the date of birth.</exception>
    public Submission Build()
    {
        if (_nhsNumber is null || _dateOfBirth is null || _sex is null || _presentation is null || _governance is null || _procedure is null)
        {
            throw new InvalidOperationException("Patient, Presentation, Governance and Procedure are required before Build.");
        }

        if (_procedure.ProcedureDate.Date < _dateOfBirth.Value)
        {
            throw new InvalidOperationException("The procedure date is before the date of birth.");
        }

        var presentation = _presentation.ClotSegments.Count > 0
            ? _presentation with { DvtClass = DvtClassification.Derive(_presentation.ClotSegments) }
            : _presentation;
        return new Submission
        {
            LocalRecordId = _localRecordId,
            Submitter = new Submitter { OrganisationCode = _organisationCode, RecordUpdatedAt = _recordUpdatedAt },
            Patient = new Patient
            {
                NhsNumber = _pseudonymKey is null ? _nhsNumber : null,
                Pseudonym = _pseudonymKey is null ? null : Pseudonym.Of(_nhsNumber, _pseudonymKey),
                AgeAtProcedure = Age.At(_dateOfBirth.Value, _procedure.ProcedureDate),
                Sex = _sex.Value,
            },
            Presentation = presentation,
            Governance = _governance,
            Procedure = _procedure,
            Outcome = _outcome,
            FollowUps = _followUps.Count == 0 ? null : _followUps.ToArray(),
        };
    }
}
