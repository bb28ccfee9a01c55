namespace RegistryClient.Validation.Rules;

/// <summary>What a clinical rule is: its stable code, severity, one-line statement and the paragraph it enforces.</summary>
/// <param name="Code">Stable code, e.g. <c>VR004</c>.</param>
/// <param name="Severity">Severity of every issue the rule raises.</param>
/// <param name="Title">The rule in one line.</param>
/// <param name="Source">Where it comes from, e.g. <c>NICE HTG516 1.1</c>.</param>
public sealed record RuleDescriptor(string Code, ValidationSeverity Severity, string Title, string Source);
