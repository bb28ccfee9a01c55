using RegistryClient.Validation;

namespace RegistryClient.Cli.Validate;

/// <summary>A validated document: its index in its file and its report, with lines and columns relative to the file.</summary>
internal sealed record DocumentResult(int Index, ValidationReport Report);

/// <summary>The results of one input file.</summary>
internal sealed record FileResult(string Path, IReadOnlyList<DocumentResult> Documents, string? InputError);

/// <summary>Everything one <c>registry validate</c> run found, and the totals every format reports.</summary>
internal sealed class ValidationRun(IReadOnlyList<FileResult> files, bool warningsAsErrors)
{
    public IReadOnlyList<FileResult> Files { get; } = files;

    public bool WarningsAsErrors { get; } = warningsAsErrors;

    public IEnumerable<DocumentResult> AllDocuments => Files.SelectMany(f => f.Documents);

    public int DocumentCount => AllDocuments.Count();

    public int ValidCount => AllDocuments.Count(d => d.Report.IsValid);

    public int ErrorCount => AllDocuments.Sum(d => d.Report.ErrorCount);

    public int WarningCount => AllDocuments.Sum(d => d.Report.WarningCount);

    public bool HasInputErrors => Files.Any(f => f.InputError is not null);

    public bool Fails(DocumentResult document) => document.Report.Fails(WarningsAsErrors);

    public int ExitCode =>
        HasInputErrors ? ExitCodes.UsageOrInput : AllDocuments.Any(Fails) ? ExitCodes.Failures : ExitCodes.Success;

    /// <summary>Validates every document of every file, shifting issue positions from document to file coordinates.</summary>
    public static async Task<ValidationRun> ExecuteAsync(
        IEnumerable<(string Path, string Display)> inputs, SubmissionValidator validator, int maxDocumentBytes, bool warningsAsErrors, CancellationToken cancellationToken)
    {
        var files = new List<FileResult>();
        foreach (var (path, display) in inputs)
        {
            var (file, documents) = await ValidateFileAsync(path, display, validator, maxDocumentBytes, cancellationToken);
            files.Add(new FileResult(file.DisplayPath, documents.Select(d => new DocumentResult(d.Document.Index, d.Report)).ToList(), file.InputError));
        }

        return new ValidationRun(files, warningsAsErrors);
    }

    /// <summary>
    /// Reads one input and validates each of its documents, with issue positions in file coordinates: the one
    /// read-and-validate step that <c>validate</c>, <c>submit</c> and <c>report</c> share.
    /// </summary>
    public static async Task<(SubmissionFile File, IReadOnlyList<(SubmissionDocument Document, ValidationReport Report)> Documents)> ValidateFileAsync(
        string path, string display, SubmissionValidator validator, int maxDocumentBytes, CancellationToken cancellationToken)
    {
        var file = await SubmissionFiles.ReadAsync(path, display, maxDocumentBytes, cancellationToken);
        var documents = new List<(SubmissionDocument, ValidationReport)>(file.Documents.Count);
        foreach (var document in file.Documents)
        {
            documents.Add((document, InFile(await validator.ValidateAsync(document.Utf8, cancellationToken), document)));
        }

        return (file, documents);
    }

    private static ValidationReport InFile(ValidationReport report, SubmissionDocument document)
    {
        if (report.Issues.Count == 0 || (document.StartLine == 1 && document.StartColumn == 1))
        {
            return report;
        }

        var shifted = report.Issues
            .Select(i => i.Line is { } line
                ? i with { Line = document.StartLine + line - 1, Column = line == 1 ? document.StartColumn + (i.Column ?? 1) - 1 : i.Column }
                : i)
            .ToList();
        return new ValidationReport(shifted, report.LocalRecordId);
    }
}
