namespace RegistryClient.Validation;

/// <summary>How serious an issue is. Only errors make a submission invalid.</summary>
[JsonConverter(typeof(RegistryClient.Model.RegistryCodeConverter<ValidationSeverity>))]
public enum ValidationSeverity
{
    /// <summary>The registry will refuse the submission.</summary>
    Error,

    /// <summary>Accepted, but the record is incomplete or departs from NICE HTG516; worth a look.</summary>
    Warning,

    /// <summary>For information only.</summary>
    Information,
}

/// <summary>
/// One finding about a submission: what (<see cref="Code"/>), how bad (<see cref="Severity"/>), where
/// (<see cref="Path"/>, and <see cref="Line"/>/<see cref="Column"/> when the submission came from text), and why
/// (<see cref="Message"/>, <see cref="Source"/>). Messages never repeat the offending value, so a report never carries
/// a patient identifier.
/// </summary>
public sealed record ValidationIssue
{
    /// <summary>Stable code: <c>PARSE</c>, <c>SCHEMA</c>, <c>LIMIT</c> or a clinical rule code such as <c>VR004</c>.</summary>
    public required string Code { get; init; }

    /// <summary>Severity.</summary>
    public required ValidationSeverity Severity { get; init; }

    /// <summary>RFC 6901 JSON Pointer of the offending value (or, for a missing property, where it belongs); empty for the whole document.</summary>
    public required string Path { get; init; }

    /// <summary>1-based line in the source text, when known.</summary>
    public int? Line { get; init; }

    /// <summary>1-based column (in characters) in the source text, when known.</summary>
    public int? Column { get; init; }

    /// <summary>What is wrong and what would fix it.</summary>
    public required string Message { get; init; }

    /// <summary>Where the rule comes from, for example <c>NICE HTG516 1.1</c> or <c>JSON Schema</c>.</summary>
    public required string Source { get; init; }
}
