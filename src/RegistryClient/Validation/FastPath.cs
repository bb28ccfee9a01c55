using System.Text.Json.Serialization.Metadata;
using RegistryClient.Model;
using RegistryClient.Validation.Json;
using RegistryClient.Validation.Rules;
using RegistryClient.Validation.Schema;

namespace RegistryClient.Validation;

/// <summary>
/// The typed pass every document takes: source-generated System.Text.Json, the schema constraints the model cannot
/// carry, then the rules. It answers only when the schema authority would agree; otherwise it steps aside.
/// </summary>
internal sealed class FastPath(JsonTypeInfo<Submission> submissionType)
{
    /// <summary>True when it reached the authority's verdict; false to ask the authority.</summary>
    public bool TryValidate(ReadOnlyMemory<byte> document, DateTime today, out ValidationReport report)
    {
        report = null!;

        // The model cannot tell an explicit null from an absent property, and the schema allows no nulls at all.
        if (document.Span.IndexOf("null"u8) >= 0)
        {
            return false;
        }

        Submission? submission;
        try
        {
            submission = JsonSerializer.Deserialize(document.Span, submissionType);
        }
        catch (Exception ex) when (IsInputError(ex))
        {
            return false;
        }

        if (submission is null || !SchemaConstraints.Conform(submission))
        {
            return false;
        }

        var issues = RuleSet.Evaluate(submission, today);
        report = issues.Count == 0
            ? ValidationReport.Clean(submission)
            : IssueLocator.Locate(issues, JsonLocations.Build(document, 1000), submission.LocalRecordId, submission);
        return true;
    }

    /// <summary>What deserialising input (not a programming error) can throw: a lone surrogate is an InvalidOperationException.</summary>
    internal static bool IsInputError(Exception ex) =>
        ex is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException or NotSupportedException;
}
