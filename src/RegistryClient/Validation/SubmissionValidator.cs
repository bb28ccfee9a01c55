using System.Text;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using RegistryClient.Model;
using RegistryClient.Validation.Json;
using RegistryClient.Validation.Rules;
using RegistryClient.Validation.Schema;

namespace RegistryClient.Validation;

/// <summary>
/// Validates submissions against the JSON Schema and the clinical rules VR001-VR021, reporting every issue of a
/// document in one pass. Invalid input never throws: it yields a report. Thread-safe; create one and share it.
/// </summary>
/// <remarks>
/// Every document first takes a fast typed pass (source-generated System.Text.Json plus the schema's remaining
/// constraints and the rules). Only when that pass finds a problem does NJsonSchema, the schema authority, produce
/// the complete located error list, so a valid document never pays for it. The verdict is always the authority's.
/// </remarks>
public sealed class SubmissionValidator
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private const string ReaderErrorPosition = @"\s*(Path: .*)?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?"; // only errors pay for a Regex

    private readonly SubmissionValidatorOptions _options;
    private readonly JsonTypeInfo<Submission> _submissionType;
    private readonly Lazy<Task<SchemaAuthority>> _authority;

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
        if (options.MaxDocumentBytes < 1 || options.MaxDepth is < 1 or > 1000 || options.Today is null)
        {
            throw new ArgumentException("MaxDocumentBytes must be positive, MaxDepth 1-1000, and Today set.", nameof(options));
        }

        var context = new RegistryJsonContext(new JsonSerializerOptions(RegistryJsonContext.Default.Options) { MaxDepth = options.MaxDepth });
        _submissionType = context.Submission;
        _authority = new Lazy<Task<SchemaAuthority>>(() => SchemaAuthority.LoadAsync(CancellationToken.None));
    }

    /// <summary>Every clinical rule this validator applies, with its code, severity and NICE source.</summary>
    public static IReadOnlyList<SubmissionRule> Rules => SubmissionRules.All;

    /// <summary>Validates one submission given as UTF-8 JSON (a leading byte-order mark is allowed).</summary>
    public ValueTask<ValidationReport> ValidateAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = utf8Json.Span.StartsWith(Utf8Bom) ? utf8Json.Slice(Utf8Bom.Length) : utf8Json;
        if (document.Length > _options.MaxDocumentBytes)
        {
            return new ValueTask<ValidationReport>(Single(IssueCodes.Limit, "", 1, 1,
                $"The document is {document.Length:N0} bytes, over the {_options.MaxDocumentBytes:N0}-byte limit; it was not read."));
        }

        return TryFastPath(document, out var report) ? new ValueTask<ValidationReport>(report) : AuthoritativeAsync(document, cancellationToken);
    }

    /// <summary>Validates one submission given as JSON text.</summary>
    public ValueTask<ValidationReport> ValidateAsync(string json, CancellationToken cancellationToken = default) =>
        ValidateAsync(Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))), cancellationToken);

    /// <summary>Validates one submission read from a stream of UTF-8 JSON. Reads at most the size limit and one byte more.</summary>
    public async ValueTask<ValidationReport> ValidateAsync(Stream utf8Json, CancellationToken cancellationToken = default)
    {
        if (utf8Json is null)
        {
            throw new ArgumentNullException(nameof(utf8Json));
        }

        var limit = _options.MaxDocumentBytes + Utf8Bom.Length + 1;
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < limit && (read = await utf8Json.ReadAsync(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return await ValidateAsync(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates a typed submission. Issues carry JSON Pointers but no line or column.</summary>
    public async ValueTask<ValidationReport> ValidateAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        var report = await ValidateAsync(JsonSerializer.SerializeToUtf8Bytes(submission, _submissionType), cancellationToken).ConfigureAwait(false);
        return report.Issues.Count == 0
            ? report
            : new ValidationReport(report.Issues.Select(i => i with { Line = null, Column = null }).ToList(), report.LocalRecordId);
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The typed pass. True when it reached a verdict the authority would share; false to ask the authority.</summary>
    internal bool TryFastPath(ReadOnlyMemory<byte> document, out ValidationReport report)
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
            submission = JsonSerializer.Deserialize(document.Span, _submissionType);
        }
        catch (Exception ex) when (IsInputError(ex))
        {
            return false;
        }

        if (submission is null || !SchemaConstraints.Conform(submission))
        {
            return false;
        }

        var issues = RunRules(submission);
        report = issues.Count == 0 ? ValidationReport.Clean(submission.LocalRecordId) : Located(issues, JsonLocations.Build(document, 1000), submission.LocalRecordId);
        return true;
    }

    /// <summary>The authoritative pass: well-formedness and limits, NJsonSchema, then the rules on whatever could be typed.</summary>
    internal async ValueTask<ValidationReport> AuthoritativeAsync(ReadOnlyMemory<byte> document, CancellationToken cancellationToken)
    {
        var locations = JsonLocations.Build(document, _options.MaxDepth + 2);

        // Decode first: the JSON reader checks structure, not the UTF-8 inside strings.
        string text;
        try
        {
            text = StrictUtf8.GetString(document.ToArray());
        }
        catch (DecoderFallbackException ex)
        {
            var (line, column) = locations.At(Math.Max(ex.Index, 0));
            return Single(IssueCodes.Parse, "", line, column, "The document is not valid UTF-8 text (a byte sequence here is not a character).");
        }

        if (ReadProblem(document, locations) is { } problem)
        {
            return new ValidationReport([problem]);
        }

        var authority = await _authority.Value.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var issues = authority.Validate(text, _options.MaxDepth);

        Submission? submission = null;
        try
        {
            submission = JsonSerializer.Deserialize(document.Span, _submissionType);
        }
        catch (Exception ex) when (IsInputError(ex))
        {
            // The schema accepted what the model cannot hold (for example a repeated property): still an error.
            if (issues.Count == 0)
            {
                issues.Add(new ValidationIssue
                {
                    Code = IssueCodes.Schema,
                    Severity = ValidationSeverity.Error,
                    Path = ex is JsonException json ? PointerFromJsonPath(json.Path) : "",
                    Message = "The document cannot be read as a submission: " + Clean(ex.Message),
                    Source = IssueCodes.SchemaSource,
                });
            }
        }

        if (submission is not null && SchemaConstraints.IsComplete(submission))
        {
            issues.AddRange(RunRules(submission));
        }

        return Located(issues, locations, submission?.LocalRecordId ?? LocalRecordIdOf(document)); // the index built above, not a second one
    }

    private List<ValidationIssue> RunRules(Submission submission)
    {
        var issues = new List<ValidationIssue>();
        SubmissionRules.Evaluate(submission, new RuleContext(_options.Today(), issues));
        return issues;
    }

    /// <summary>Malformed JSON, a nesting deeper than allowed, or a property given twice: located, never thrown.</summary>
    private ValidationIssue? ReadProblem(ReadOnlyMemory<byte> document, JsonLocations locations)
    {
        var reader = new Utf8JsonReader(document.Span, new JsonReaderOptions { MaxDepth = _options.MaxDepth + 2 });
        var names = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth + 1 > _options.MaxDepth:
                        var (line, column) = locations.At(reader.TokenStartIndex);
                        return Issue(IssueCodes.Limit, "", line, column,
                            $"The document nests deeper than {_options.MaxDepth} levels; it was not read further.");
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName when !names.Peek().Add(reader.GetString()!):
                        var (l, c) = locations.At(reader.TokenStartIndex);
                        return Issue(IssueCodes.Schema, "", l, c, $"The property '{reader.GetString()}' is given twice; a submission must be unambiguous.");
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            var (line, column) = locations.OfReaderError(ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
            return Issue(IssueCodes.Parse, "", line, column, "Not valid JSON: " + Clean(ex.Message));
        }
    }

    private static ValidationReport Located(List<ValidationIssue> issues, JsonLocations locations, string? localRecordId)
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
        return new ValidationReport(located, localRecordId);
    }

    private static ValidationReport Single(string code, string pointer, int line, int column, string message) =>
        new([Issue(code, pointer, line, column, message)]);

    private static ValidationIssue Issue(string code, string pointer, int line, int column, string message) => new()
    {
        Code = code,
        Severity = ValidationSeverity.Error,
        Path = pointer,
        Line = line,
        Column = column,
        Message = message,
        Source = code == IssueCodes.Parse ? "RFC 8259 JSON" : code == IssueCodes.Limit ? "validator limits" : IssueCodes.SchemaSource,
    };

    private string? LocalRecordIdOf(ReadOnlyMemory<byte> document)
    {
        try
        {
            using var json = JsonDocument.Parse(document, new JsonDocumentOptions { MaxDepth = _options.MaxDepth + 2 });
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("localRecordId", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsInputError(Exception ex) =>
        ex is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException or NotSupportedException;

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

    // Reader messages carry the position (reported separately) and sometimes a fragment of the text: keep neither.
    private static string Clean(string message) =>
        Regex.Replace(Regex.Replace(message, ReaderErrorPosition, "", RegexOptions.CultureInvariant), @"'[^']{2,}'", "the value")
            .Replace("Change the reader options.", "")
            .Trim();
}
