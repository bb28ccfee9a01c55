using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>
/// A clinical rule beyond the schema, checked on the typed submission. Rules are stateless; each reports through
/// the <see cref="RuleContext"/> it is given.
/// </summary>
internal abstract class SubmissionRule
{
    /// <summary>Creates a rule.</summary>
    protected SubmissionRule(string code, ValidationSeverity severity, string title, string source) =>
        Descriptor = new RuleDescriptor { Code = code, Severity = severity, Title = title, Source = source };

    /// <summary>The rule's code, severity, statement and source.</summary>
    public RuleDescriptor Descriptor { get; }

    /// <summary>Checks <paramref name="submission"/> and reports each breach to <paramref name="context"/>.</summary>
    public abstract void Evaluate(Submission submission, RuleContext context);
}

/// <summary>What a rule sees besides the submission, and where it reports.</summary>
internal sealed class RuleContext
{
    private readonly List<ValidationIssue> _issues;
    private SubmissionRule? _current;

    internal RuleContext(DateTime today, List<ValidationIssue> issues)
    {
        Today = today.Date;
        _issues = issues;
    }

    /// <summary>Today's date: later dates are in the future (rule VR008).</summary>
    public DateTime Today { get; }

    /// <summary>Reports a breach of the running rule at <paramref name="pointer"/>.</summary>
    public void Report(string pointer, string message)
    {
        var rule = _current?.Descriptor ?? throw new InvalidOperationException("Report is only valid while a rule runs.");
        _issues.Add(new ValidationIssue
        {
            Code = rule.Code,
            Severity = rule.Severity,
            Path = pointer,
            Message = message,
            Source = rule.Source,
        });
    }

    internal void Run(SubmissionRule rule, Submission submission)
    {
        _current = rule;
        try
        {
            rule.Evaluate(submission, this);
        }
        finally
        {
            _current = null;
        }
    }
}
