using System.Globalization;
using System.Text;
using System.Xml;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Validate.Formats;

/// <summary>
/// JUnit XML: one testsuite per file, one testcase per document; a document fails as the exit code counts it.
/// JUnit puts the counts in the opening tags, before the cases they count, so the cases are spooled to temporary
/// files (a file's cases, then the whole run's suites) and copied in behind their counts: memory stays flat.
/// </summary>
internal sealed class JUnitReportWriter(TextWriter output) : ReportWriter
{
    private static readonly XmlWriterSettings Fragment = new()
    {
        ConformanceLevel = ConformanceLevel.Fragment, Indent = true, OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false),
    };

    private readonly Spool _suites = new();
    private Spool? _cases;
    private string _path = "";
    private int _tests;
    private int _failures;

    public override void BeginFile(string path)
    {
        _path = OutputText.ForLine(path);
        _cases = new Spool();
        _tests = 0;
        _failures = 0;
    }

    public override void Document(DocumentResult document)
    {
        var report = document.Report;
        var xml = _cases!.Writer;
        _tests++;
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", _path);
        xml.WriteAttributeString("name", OutputText.LocalRecordId(report.LocalRecordId) is { } id ? $"[{document.Index}] {id}" : $"[{document.Index}]");
        var lines = string.Join("\n", report.Issues.Select(i =>
            $"{_path}:{i.Line ?? 1}:{i.Column ?? 1}: {Severity(i.Severity)} {i.Code}: {OutputText.ForLine(i.Message)} [{OutputText.ForLine(i.Path)}]"));
        if (!report.IsValid)
        {
            _failures++;
            var first = report.Issues.First(i => i.Severity == ValidationSeverity.Error);
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("type", first.Code);
            xml.WriteAttributeString("message", $"{first.Code} {OutputText.ForLine(first.Path)}: {OutputText.ForLine(first.Message)}");
            xml.WriteString(lines);
            xml.WriteEndElement();
        }
        else if (lines.Length > 0)
        {
            xml.WriteElementString("system-out", lines);
        }

        xml.WriteEndElement();
    }

    public override void EndFile(string? inputError)
    {
        using var cases = _cases!;
        var xml = _suites.Writer;
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", _path);
        xml.WriteAttributeString("tests", Invariant(_tests + (inputError is null ? 0 : 1)));
        xml.WriteAttributeString("failures", Invariant(_failures));
        xml.WriteAttributeString("errors", inputError is null ? "0" : "1");
        if (inputError is not null)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", _path);
            xml.WriteAttributeString("name", "read");
            xml.WriteStartElement("error");
            xml.WriteAttributeString("message", OutputText.ForLine(inputError));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        cases.CopyInto(xml);
        xml.WriteEndElement();
        _cases = null;
    }

    public override void Finish(RunTotals totals)
    {
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "registry validate");
            xml.WriteAttributeString("tests", Invariant(totals.Documents + totals.InputErrors));
            xml.WriteAttributeString("failures", Invariant(totals.Invalid));
            xml.WriteAttributeString("errors", Invariant(totals.InputErrors));
            _suites.CopyInto(xml);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        output.WriteLine();
        output.Flush();
        _suites.Dispose();
    }

    public override void Dispose()
    {
        _cases?.Dispose();
        _suites.Dispose();
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A temporary file of XML elements, deleted when disposed.</summary>
    private sealed class Spool : IDisposable
    {
        private readonly FileStream _file = new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);

        public Spool() => Writer = XmlWriter.Create(_file, Fragment);

        public XmlWriter Writer { get; }

        /// <summary>Copies the spooled elements, already escaped, into <paramref name="target"/>.</summary>
        public void CopyInto(XmlWriter target)
        {
            Writer.Flush();
            _file.Position = 0;
            using var reader = new StreamReader(_file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 64 * 1024, leaveOpen: true);
            var chunk = new char[64 * 1024];
            int read;
            while ((read = reader.Read(chunk, 0, chunk.Length)) > 0)
            {
                target.WriteRaw(chunk, 0, read);
            }
        }

        public void Dispose()
        {
            Writer.Dispose();
            _file.Dispose();
        }
    }
}
