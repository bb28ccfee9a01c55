namespace RegistryClient.Validation;

/// <summary>Builds the validator's own issues (not the rules'): parse, limit and schema findings with their sources.</summary>
internal static class Issues
{
    public static ValidationIssue At(string code, (int Line, int Column) position, string message, string pointer = "") => new()
    {
        Code = code,
        Severity = ValidationSeverity.Error,
        Path = pointer,
        Line = position.Line,
        Column = position.Column,
        Message = message,
        Source = code == IssueCodes.Parse ? "RFC 8259 JSON" : code == IssueCodes.Limit ? "validator limits" : IssueCodes.SchemaSource,
    };

    public static ValidationReport Single(string code, (int Line, int Column) position, string message) => new([At(code, position, message)]);
}
