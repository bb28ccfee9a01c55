using VenousRegistry.Validation;

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
            var file = await SubmissionFiles.ReadAsync(path, display, maxDocumentBytes, cancellationToken);
            var documents = new List<DocumentResult>(file.Documents.Count);
            foreach (var document in file.Documents)
            {
                var report = await validator.ValidateAsync(document.Utf8, cancellationToken);
                documents.Add(new DocumentResult(document.Index, InFile(report, document)));
            }

            files.Add(new FileResult(file.DisplayPath, documents, file.InputError));
        }

        return new ValidationRun(files, warningsAsErrors);
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
