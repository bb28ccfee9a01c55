using RegistryClient.Model;

namespace RegistryClient.Validation.Json;

/// <summary>Gives each issue its line and column in the source text and orders the report as the document reads.</summary>
internal static class IssueLocator
{
    public static ValidationReport Locate(List<ValidationIssue> issues, JsonLocations locations, string? localRecordId, Submission? submission)
    {
        var located = issues
            .Select(i =>
            {
                var (line, column) = locations.Of(i.Path);
                return i with { Line = line, Column = column };
            })
            .OrderBy(i => i.Line)
            .ThenBy(i => i.Column)
            .ToList();
        return new ValidationReport(located, localRecordId, submission);
    }
}
