namespace RegistryClient.Validation.Rules;

/// <summary>What a clinical rule is: its stable code, severity, one-line statement and the paragraph it enforces.</summary>
/// <remarks>The catalogue holds one descriptor per rule; identify a rule by <see cref="Code"/>.</remarks>
public sealed class RuleDescriptor
{
    /// <summary>Stable code, e.g. <c>VR004</c>.</summary>
    public required string Code { get; init; }

    /// <summary>Severity of every issue the rule raises.</summary>
    public required ValidationSeverity Severity { get; init; }

    /// <summary>The rule in one line.</summary>
    public required string Title { get; init; }

    /// <summary>Where it comes from, e.g. <c>NICE HTG516 1.1</c>.</summary>
    public required string Source { get; init; }
}
