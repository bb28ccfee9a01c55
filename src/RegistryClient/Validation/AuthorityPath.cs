using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using RegistryClient.Model;
using RegistryClient.Validation.Json;
using RegistryClient.Validation.Reading;
using RegistryClient.Validation.Rules;
using RegistryClient.Validation.Schema;

namespace RegistryClient.Validation;

/// <summary>
/// The authoritative pass, for documents the fast path declined: well-formedness and limits, NJsonSchema for the
/// complete located list of schema errors, then the rules on whatever the model could hold.
/// </summary>
internal sealed class AuthorityPath(JsonTypeInfo<Submission> submissionType, int maxDepth)
{
    private readonly Lazy<Task<SchemaAuthority>> _authority = new(() => SchemaAuthority.LoadAsync(CancellationToken.None));

    public async ValueTask<ValidationReport> ValidateAsync(ReadOnlyMemory<byte> document, DateTime today, CancellationToken cancellationToken)
    {
        var locations = JsonLocations.Build(document, maxDepth + 2);

        // Decode first: the JSON reader checks structure, not the UTF-8 inside strings.
        if (!DocumentInput.TryDecode(document, out var text, out var badByte))
        {
            return Issues.Single(IssueCodes.Parse, locations.At(badByte), "The document is not valid UTF-8 text (a byte sequence here is not a character).");
        }

        if (DocumentInput.ReadProblem(document, locations, maxDepth) is { } problem)
        {
            return new ValidationReport([problem]);
        }

        var authority = await _authority.Value.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        List<ValidationIssue> issues;
        try
        {
            issues = authority.Validate(text, maxDepth);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // Fail closed: a document the schema library cannot judge is refused, and one bad document never stops a batch.
            return new ValidationReport([Issues.At(IssueCodes.Schema, (1, 1),
                $"The document could not be checked against the schema ({ex.GetType().Name}); it is refused. Please report this.")]);
        }

        Submission? submission = null;
        try
        {
            submission = JsonSerializer.Deserialize(document.Span, submissionType);
        }
        catch (Exception ex) when (FastPath.IsInputError(ex))
        {
            // The schema accepted what the model cannot hold (for example a lone surrogate): still an error.
            if (issues.Count == 0)
            {
                issues.Add(new ValidationIssue
                {
                    Code = IssueCodes.Schema,
                    Severity = ValidationSeverity.Error,
                    Path = ex is JsonException json ? PointerFromJsonPath(json.Path) : "",
                    Message = "The document cannot be read as a submission: " + Redaction.ReaderMessage(ex.Message),
                    Source = IssueCodes.SchemaSource,
                });
            }
        }

        var typed = submission is not null && SchemaConstraints.IsComplete(submission) ? submission : null;
        if (typed is not null)
        {
            issues.AddRange(RuleSet.Evaluate(typed, today));
        }

        return IssueLocator.Locate(issues, locations, typed?.LocalRecordId ?? LocalRecordIdOf(document), typed); // the index built above, not a second one
    }

    /// <summary>The <c>localRecordId</c> of a document the model could not hold, when it is a string.</summary>
    private string? LocalRecordIdOf(ReadOnlyMemory<byte> document)
    {
        try
        {
            using var json = JsonDocument.Parse(document, new JsonDocumentOptions { MaxDepth = maxDepth + 2 });
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("localRecordId", out var id) || id.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            try
            {
                return id.GetString();
            }
            catch (InvalidOperationException)
            {
                var raw = id.GetRawText();
                return raw.Substring(1, raw.Length - 2); // a lone surrogate is no string: the id as written, escapes and all
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // "$.patient['sex']" or "$.followUps[2].timepoint" to "/patient/sex" and "/followUps/2/timepoint".
    private static string PointerFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }

        var pointer = "";
        foreach (Match m in Regex.Matches(path!, @"\.([^.\[]+)|\['((?:[^']|'')*)'\]|\[(\d+)\]"))
        {
            pointer = JsonPointer.Append(pointer, m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value);
        }

        return pointer;
    }
}
