using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>VR001: the NHS number passes the modulus 11 check.</summary>
internal sealed class NhsNumberCheckDigitRule() : SubmissionRule("VR001", ValidationSeverity.Error,
    "nhsNumber fails the modulus 11 check", "NHS number standard")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        if (submission.Patient.NhsNumber is { } nhsNumber && !NhsNumber.IsValid(nhsNumber))
        {
            context.Report("/patient/nhsNumber", "The NHS number fails the modulus 11 check; check it against the patient's record.");
        }
    }
}

/// <summary>VR002: exactly one of nhsNumber and pseudonym.</summary>
internal sealed class PatientIdentifierRule() : SubmissionRule("VR002", ValidationSeverity.Error,
    "both or neither of nhsNumber and pseudonym", "data minimisation")
{
    /// <inheritdoc />
    public override void Evaluate(Submission submission, RuleContext context)
    {
        var patient = submission.Patient;
        if (patient.NhsNumber is null && patient.Pseudonym is null)
        {
            context.Report("/patient", "Give either nhsNumber or pseudonym to identify the patient.");
        }
        else if (patient.NhsNumber is not null && patient.Pseudonym is not null)
        {
            context.Report("/patient", "Give nhsNumber or pseudonym, not both: a pseudonymised submission must not carry the NHS number.");
        }
    }
}
