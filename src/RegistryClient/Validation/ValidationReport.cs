using RegistryClient.Model;

namespace RegistryClient.Validation;

/// <summary>The outcome of validating one submission: every issue found, in document order of discovery.</summary>
public sealed class ValidationReport
{
    private static readonly IReadOnlyList<ValidationIssue> NoIssues = Array.AsReadOnly(Array.Empty<ValidationIssue>());

    /// <summary>Creates a report.</summary>
    public ValidationReport(IReadOnlyList<ValidationIssue> issues, string? localRecordId = null, Submission? submission = null)
    {
        Issues = issues ?? throw new ArgumentNullException(nameof(issues));
        LocalRecordId = localRecordId ?? submission?.LocalRecordId;
        Submission = submission;
        ErrorCount = issues.Count(i => i.Severity == ValidationSeverity.Error);
        WarningCount = issues.Count(i => i.Severity == ValidationSeverity.Warning);
    }

    /// <summary>Whether the registry would accept the submission: no issue of severity error.</summary>
    public bool IsValid => ErrorCount == 0;

    /// <summary>All issues.</summary>
    public IReadOnlyList<ValidationIssue> Issues { get; }

    /// <summary>The submission's <c>localRecordId</c> when it could be read (it is the hospital's episode id, not a patient identifier).</summary>
    public string? LocalRecordId { get; }

    /// <summary>
    /// The document as a typed submission when it could be read as one (also when it has issues: check
    /// <see cref="IsValid"/> before sending it), so callers need not parse it again; null when it could not.
    /// </summary>
    public Submission? Submission { get; }

    /// <summary>Number of errors.</summary>
    public int ErrorCount { get; }

    /// <summary>Number of warnings.</summary>
    public int WarningCount { get; }

    internal static ValidationReport Clean(Submission submission) => new(NoIssues, submission.LocalRecordId, submission);
}
