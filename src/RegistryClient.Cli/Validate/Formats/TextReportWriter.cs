namespace RegistryClient.Cli.Validate.Formats;

/// <summary><c>path:line:column: severity code: message</c>, the form editors and CI annotate, then a summary.</summary>
internal sealed class TextReportWriter(TextWriter output) : ReportWriter
{
    private string _path = "";

    public override void BeginFile(string path) => _path = OutputText.ForLine(path);

    public override void Document(DocumentResult document)
    {
        foreach (var issue in document.Report.Issues)
        {
            output.Write($"{_path}:{issue.Line ?? 1}:{issue.Column ?? 1}: {Severity(issue.Severity)} {issue.Code}: ");
            output.WriteLine($"{OutputText.ForLine(issue.Message)} [{OutputText.ForLine(issue.Path)}] ({issue.Source})");
        }
    }

    public override void EndFile(string? inputError)
    {
        if (inputError is not null)
        {
            output.WriteLine($"{_path}: error INPUT: {OutputText.ForLine(inputError)}");
        }
    }

    public override void Finish(RunTotals totals)
    {
        output.WriteLine(
            $"{totals.Documents} document(s): {totals.Valid} valid, {totals.Invalid} invalid; {totals.Errors} error(s), {totals.Warnings} warning(s).");
        output.Flush();
    }
}
