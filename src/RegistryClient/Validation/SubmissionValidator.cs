using System.Text;
using System.Text.Json.Serialization.Metadata;
using RegistryClient.Model;
using RegistryClient.Validation.Reading;
using RegistryClient.Validation.Rules;

namespace RegistryClient.Validation;

/// <summary>
/// Validates submissions against the JSON Schema and the clinical rules VR001-VR021, reporting every issue of a
/// document in one pass. Invalid input never throws: it yields a report. Thread-safe; create one and share it.
/// </summary>
/// <remarks>
/// Every document first takes a fast typed pass (source-generated System.Text.Json plus the schema's remaining
/// constraints and the rules). Only when that pass finds a problem does NJsonSchema, the schema authority, produce
/// the complete located error list, so a valid document never pays for it. The verdict is always the authority's.
/// <para>
/// The validating methods are virtual, so a consumer's test can substitute a validator (derive from it and override
/// the overload the code under test calls) that returns reports built with <see cref="ValidationReport"/>'s constructor.
/// </para>
/// </remarks>
public class SubmissionValidator
{
    private readonly SubmissionValidatorOptions _options;
    private readonly FastPath _fastPath;
    private readonly AuthorityPath _authorityPath;
    private readonly JsonTypeInfo<Submission> _submissionType;

    /// <summary>Creates a validator with default options.</summary>
    public SubmissionValidator()
        : this(new SubmissionValidatorOptions())
    {
    }

    /// <summary>Creates a validator.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public SubmissionValidator(SubmissionValidatorOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.MaxDocumentBytes < 1 || options.MaxDepth is < 1 or > 1000 || options.TimeProvider is null)
        {
            throw new ArgumentException("MaxDocumentBytes must be positive, MaxDepth 1-1000, and TimeProvider set.", nameof(options));
        }

        var context = new RegistryJsonContext(new JsonSerializerOptions(RegistryJsonContext.Default.Options) { MaxDepth = options.MaxDepth });
        _submissionType = context.Submission;
        _fastPath = new FastPath(_submissionType);
        _authorityPath = new AuthorityPath(_submissionType, options.MaxDepth);
    }

    /// <summary>
    /// The catalogue of clinical rules this validator applies, VR001 to VR021 in code order, as data (code, severity,
    /// statement and the paragraph of NICE HTG516 it enforces), so reports can list them. The rules are the validator's
    /// own; they are not an extension point.
    /// </summary>
    public static IReadOnlyList<RuleDescriptor> Rules => SubmissionRules.All;

    /// <summary>Validates one submission given as UTF-8 JSON (a leading byte-order mark is allowed).</summary>
    public virtual ValueTask<ValidationReport> ValidateAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = DocumentInput.WithoutBom(utf8Json);
        if (document.Length > _options.MaxDocumentBytes)
        {
            return new ValueTask<ValidationReport>(Issues.Single(IssueCodes.Limit, (1, 1),
                $"The document is over the {_options.MaxDocumentBytes:N0}-byte limit; it was not read."));
        }

        return TryFastPath(document, out var report) ? new ValueTask<ValidationReport>(report) : AuthoritativeAsync(document, cancellationToken);
    }

    /// <summary>Validates one submission given as JSON text.</summary>
    public virtual ValueTask<ValidationReport> ValidateAsync(string json, CancellationToken cancellationToken = default) =>
        ValidateAsync(Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))), cancellationToken);

    /// <summary>Validates one submission read from a stream of UTF-8 JSON. Reads at most the size limit and one byte more.</summary>
    public virtual async ValueTask<ValidationReport> ValidateAsync(Stream utf8Json, CancellationToken cancellationToken = default)
    {
        if (utf8Json is null)
        {
            throw new ArgumentNullException(nameof(utf8Json));
        }

        var document = await DocumentInput.ReadBoundedAsync(utf8Json, _options.MaxDocumentBytes, cancellationToken).ConfigureAwait(false);
        return await ValidateAsync(document, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates a typed submission. Issues carry JSON Pointers but no line or column.</summary>
    public virtual async ValueTask<ValidationReport> ValidateAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        byte[] utf8;
        try
        {
            utf8 = JsonSerializer.SerializeToUtf8Bytes(submission, _submissionType);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // A string with a lone surrogate half cannot be written as JSON: it is not text.
            return new ValidationReport([new ValidationIssue
            {
                Code = IssueCodes.Schema, Severity = ValidationSeverity.Error, Path = "",
                Message = "A text field holds a broken character (a lone UTF-16 surrogate); it cannot be sent as JSON.",
                Source = IssueCodes.SchemaSource,
            }]);
        }

        var report = await ValidateAsync(utf8, cancellationToken).ConfigureAwait(false);
        return report.Issues.Count == 0
            ? report
            : new ValidationReport(report.Issues.Select(i => i with { Line = null, Column = null }).ToList(), report.LocalRecordId, report.Submission);
    }

    /// <summary>The typed pass. True when it reached a verdict the authority would share; false to ask the authority.</summary>
    internal bool TryFastPath(ReadOnlyMemory<byte> document, out ValidationReport report) => _fastPath.TryValidate(document, Today(), out report);

    /// <summary>The authoritative pass: well-formedness and limits, NJsonSchema, then the rules on whatever could be typed.</summary>
    internal ValueTask<ValidationReport> AuthoritativeAsync(ReadOnlyMemory<byte> document, CancellationToken cancellationToken) =>
        _authorityPath.ValidateAsync(document, Today(), cancellationToken);

    private DateTime Today() => _options.TimeProvider.GetLocalNow().Date;
}
