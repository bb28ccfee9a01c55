using RegistryClient.Cli.Validate.Formats;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Validate;

/// <summary>A validated document: its index in its file and its report, with lines and columns relative to the file.</summary>
internal sealed record DocumentResult(int Index, ValidationReport Report);

/// <summary>The totals every format reports, counted as documents stream past.</summary>
internal sealed class RunTotals
{
    public int Documents { get; private set; }

    public int Valid { get; private set; }

    public int Errors { get; private set; }

    public int Warnings { get; private set; }

    public int InputErrors { get; private set; }

    public int Invalid => Documents - Valid;

    public void Add(ValidationReport report)
    {
        Documents++;
        Valid += report.IsValid ? 1 : 0;
        Errors += report.ErrorCount;
        Warnings += report.WarningCount;
    }

    public void AddInputError() => InputErrors++;
}

/// <summary>
/// One <c>registry validate</c> run: each document of each input is read, validated and handed to the report writer,
/// then dropped, so a million-line NDJSON file needs no more memory than one document and its report.
/// </summary>
internal static class ValidationRun
{
    /// <summary>
    /// Validates every document of every input. With <paramref name="warningsAsErrors"/> warnings are reported as
    /// errors, so every format's levels and totals agree with the exit code. An input that cannot be read is a result
    /// like any other, in the report in every format; it is repeated on <paramref name="inputErrors"/> (the terminal,
    /// when the report goes to a file), so it is shown once wherever the report goes.
    /// </summary>
    public static async Task<RunTotals> ExecuteAsync(
        IEnumerable<(string Path, string Display)> inputs, SubmissionValidator validator, int maxDocumentBytes, bool warningsAsErrors,
        ReportWriter writer, TextWriter? inputErrors, CancellationToken cancellationToken)
    {
        var totals = new RunTotals();
        foreach (var (path, display) in inputs)
        {
            writer.BeginFile(display);
            var stream = new DocumentStream(path, maxDocumentBytes);
            await foreach (var document in stream.ReadAsync(cancellationToken))
            {
                var report = InFile(await validator.ValidateAsync(document.Utf8, cancellationToken), document);
                report = warningsAsErrors ? AsErrors(report) : report;
                totals.Add(report);
                writer.Document(new DocumentResult(document.Index, report));
            }

            if (stream.InputError is not null)
            {
                totals.AddInputError();
                if (inputErrors is not null)
                {
                    await inputErrors.WriteLineAsync($"{OutputText.ForLine(display)}: error INPUT: {OutputText.ForLine(stream.InputError)}");
                }
            }

            writer.EndFile(stream.InputError);
        }

        writer.Finish(totals);
        return totals;
    }

    /// <summary>Reads one input and validates each of its documents, with issue positions in file coordinates.</summary>
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

    /// <summary>
    /// The read-and-validate loop of <c>submit</c>, <c>reconcile</c> and <c>report</c>: expands the paths (files,
    /// directories), reads and validates each document and hands it to <paramref name="onDocument"/> in input order. An
    /// input that cannot be read at all is reported on <paramref name="stderr"/> as <c>FILE: error INPUT: ...</c>.
    /// </summary>
    /// <returns>True when some input could not be read.</returns>
    public static async Task<bool> ForEachDocumentAsync(
        IEnumerable<string> paths, SubmissionValidator validator, TextWriter stderr,
        Func<string, SubmissionDocument, ValidationReport, Task> onDocument, CancellationToken cancellationToken)
    {
        var inputErrors = false;
        var maxDocumentBytes = new SubmissionValidatorOptions().MaxDocumentBytes;
        foreach (var (path, display) in SubmissionFiles.Expand(paths, stderr))
        {
            var (file, documents) = await ValidateFileAsync(path, display, validator, maxDocumentBytes, cancellationToken);
            if (file.InputError is not null)
            {
                await stderr.WriteLineAsync($"{display}: error INPUT: {file.InputError}");
                inputErrors = true;
                continue;
            }

            foreach (var (document, report) in documents)
            {
                await onDocument(display, document, report);
            }
        }

        return inputErrors;
    }

    /// <summary>One error of a document as <c>FILE:LINE:COLUMN: error CODE: message [pointer]</c>, located in the file.</summary>
    public static string ErrorLine(string display, SubmissionDocument document, ValidationIssue issue) =>
        $"{display}:{issue.Line ?? document.StartLine}:{issue.Column ?? document.StartColumn}: error {issue.Code}: {OutputText.ForLine(issue.Message)} [{OutputText.ForLine(issue.Path)}]";

    private static ValidationReport AsErrors(ValidationReport report) =>
        report.WarningCount == 0
            ? report
            : new ValidationReport(
                report.Issues.Select(i => i.Severity == ValidationSeverity.Warning ? i with { Severity = ValidationSeverity.Error } : i).ToList(),
                report.LocalRecordId,
                report.Submission);

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
        return new ValidationReport(shifted, report.LocalRecordId, report.Submission);
    }
}
