using RegistryClient.Model;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Validate.Formats;

/// <summary>
/// A report format of <c>registry validate</c>, written as the run goes: files and documents arrive one at a time
/// and are not kept. None of the formats carries a patient identifier: issue messages never echo values.
/// </summary>
internal abstract class ReportWriter : IDisposable
{
    public static readonly string[] Names = ["text", "json", "sarif", "junit"];

    public static ReportWriter Create(string format, TextWriter output) => format switch
    {
        "json" => new JsonReportWriter(output),
        "sarif" => new SarifReportWriter(output),
        "junit" => new JUnitReportWriter(output),
        _ => new TextReportWriter(output),
    };

    public abstract void BeginFile(string path);

    public abstract void Document(DocumentResult document);

    /// <summary>The end of a file's documents, with why the rest of it could not be read, if so.</summary>
    public abstract void EndFile(string? inputError);

    public abstract void Finish(RunTotals totals);

    public virtual void Dispose()
    {
    }

    protected static string Severity(ValidationSeverity severity) => RegistryCode.Of(severity);
}
