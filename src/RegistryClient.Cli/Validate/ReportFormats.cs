using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Xml;
using RegistryClient.Model;
using RegistryClient.Validation;
using RegistryClient.Validation.Rules;

namespace RegistryClient.Cli.Validate;

/// <summary>The four output formats of <c>registry validate</c>. None of them carries a patient identifier: issue messages never echo values.</summary>
internal static class ReportFormats
{
    public static readonly string[] Names = ["text", "json", "sarif", "junit"];

    public static void Write(string format, ValidationRun run, Stream output)
    {
        switch (format)
        {
            case "json":
                WriteJson(run, output);
                break;
            case "sarif":
                WriteSarif(run, output);
                break;
            case "junit":
                WriteJUnit(run, output);
                break;
            default:
                WriteText(run, output);
                break;
        }
    }

    /// <summary><c>path:line:column: severity code: message</c>, the form editors and CI annotate, then a summary.</summary>
    private static void WriteText(ValidationRun run, Stream output)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var file in run.Files)
        {
            if (file.InputError is not null)
            {
                writer.WriteLine($"{file.Path}: error INPUT: {file.InputError}");
            }

            foreach (var issue in file.Documents.SelectMany(d => d.Report.Issues))
            {
                writer.WriteLine($"{file.Path}:{issue.Line ?? 1}:{issue.Column ?? 1}: {Severity(issue.Severity)} {issue.Code}: {issue.Message} [{issue.Path}] ({issue.Source})");
            }
        }

        writer.WriteLine(
            $"{run.DocumentCount} document(s): {run.ValidCount} valid, {run.DocumentCount - run.ValidCount} invalid; {run.ErrorCount} error(s), {run.WarningCount} warning(s).");
    }

    /// <summary>Exactly the JSON shape of DESIGN.md.</summary>
    private static void WriteJson(ValidationRun run, Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("files");
        foreach (var file in run.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            if (file.InputError is not null)
            {
                json.WriteString("error", file.InputError);
            }

            json.WriteStartArray("documents");
            foreach (var document in file.Documents)
            {
                json.WriteStartObject();
                json.WriteNumber("index", document.Index);
                if (document.Report.LocalRecordId is { } id)
                {
                    json.WriteString("localRecordId", id);
                }
                else
                {
                    json.WriteNull("localRecordId");
                }

                json.WriteBoolean("valid", document.Report.IsValid);
                json.WriteStartArray("issues");
                foreach (var issue in document.Report.Issues)
                {
                    json.WriteStartObject();
                    json.WriteString("code", issue.Code);
                    json.WriteString("severity", Severity(issue.Severity));
                    json.WriteString("path", issue.Path);
                    WriteOptionalNumber(json, "line", issue.Line);
                    WriteOptionalNumber(json, "column", issue.Column);
                    json.WriteString("message", issue.Message);
                    json.WriteString("source", issue.Source);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("documents", run.DocumentCount);
        json.WriteNumber("valid", run.ValidCount);
        json.WriteNumber("invalid", run.DocumentCount - run.ValidCount);
        json.WriteNumber("errors", run.ErrorCount);
        json.WriteNumber("warnings", run.WarningCount);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>SARIF 2.1.0: one run, the rule catalogue as the driver's rules, one result per issue.</summary>
    private static void WriteSarif(ValidationRun run, Stream output)
    {
        var rules = RuleCatalogue();
        var ruleIndex = rules.Select((r, i) => (r.Code, i)).ToDictionary(x => x.Code, x => x.i);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "registry");
        json.WriteString("semanticVersion", ToolVersion());
        json.WriteString("informationUri", "https://www.nice.org.uk/guidance/htg516");
        json.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Code);
            json.WriteStartObject("shortDescription");
            json.WriteString("text", rule.Title);
            json.WriteEndObject();
            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", Level(rule.Severity));
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("source", rule.Source);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("artifacts");
        foreach (var file in run.Files)
        {
            json.WriteStartObject();
            json.WriteStartObject("location");
            json.WriteString("uri", ArtifactUri(file.Path));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("results");
        for (var f = 0; f < run.Files.Count; f++)
        {
            var file = run.Files[f];
            foreach (var document in file.Documents)
            {
                foreach (var issue in document.Report.Issues)
                {
                    json.WriteStartObject();
                    json.WriteString("ruleId", issue.Code);
                    json.WriteNumber("ruleIndex", ruleIndex[issue.Code]);
                    json.WriteString("level", Level(issue.Severity));
                    json.WriteStartObject("message");
                    json.WriteString("text", issue.Message);
                    json.WriteEndObject();
                    json.WriteStartArray("locations");
                    json.WriteStartObject();
                    json.WriteStartObject("physicalLocation");
                    json.WriteStartObject("artifactLocation");
                    json.WriteString("uri", ArtifactUri(file.Path));
                    json.WriteNumber("index", f);
                    json.WriteEndObject();
                    json.WriteStartObject("region");
                    json.WriteNumber("startLine", issue.Line ?? 1);
                    json.WriteNumber("startColumn", issue.Column ?? 1);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteStartArray("logicalLocations");
                    json.WriteStartObject();
                    json.WriteString("fullyQualifiedName", $"{document.Index}{issue.Path}");
                    json.WriteString("kind", "element");
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteStartObject("properties");
                    json.WriteNumber("documentIndex", document.Index);
                    json.WriteString("jsonPointer", issue.Path);
                    json.WriteString("source", issue.Source);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>JUnit XML: one testcase per document; a document fails as the exit code would count it.</summary>
    private static void WriteJUnit(ValidationRun run, Stream output)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), Async = false };
        using var xml = XmlWriter.Create(output, settings);
        var failures = run.AllDocuments.Count(run.Fails);
        var inputErrors = run.Files.Count(f => f.InputError is not null);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "registry validate");
        xml.WriteAttributeString("tests", Invariant(run.DocumentCount + inputErrors));
        xml.WriteAttributeString("failures", Invariant(failures));
        xml.WriteAttributeString("errors", Invariant(inputErrors));
        foreach (var file in run.Files)
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", file.Path);
            xml.WriteAttributeString("tests", Invariant(file.Documents.Count + (file.InputError is null ? 0 : 1)));
            xml.WriteAttributeString("failures", Invariant(file.Documents.Count(run.Fails)));
            xml.WriteAttributeString("errors", file.InputError is null ? "0" : "1");
            if (file.InputError is not null)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", file.Path);
                xml.WriteAttributeString("name", "read");
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", file.InputError);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            foreach (var document in file.Documents)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", file.Path);
                xml.WriteAttributeString("name", document.Report.LocalRecordId is { } id ? $"[{document.Index}] {id}" : $"[{document.Index}]");
                var lines = document.Report.Issues.Select(i =>
                    $"{file.Path}:{i.Line ?? 1}:{i.Column ?? 1}: {Severity(i.Severity)} {i.Code}: {i.Message} [{i.Path}]").ToList();
                if (run.Fails(document))
                {
                    var first = document.Report.Issues.First(i => i.Severity == ValidationSeverity.Error || run.WarningsAsErrors);
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("type", first.Code);
                    xml.WriteAttributeString("message", $"{first.Code} {first.Path}: {first.Message}");
                    xml.WriteString(string.Join("\n", lines));
                    xml.WriteEndElement();
                }
                else if (lines.Count > 0)
                {
                    xml.WriteElementString("system-out", string.Join("\n", lines));
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static IReadOnlyList<RuleDescriptor> RuleCatalogue() =>
    [
        new(IssueCodes.Parse, ValidationSeverity.Error, "The text is not well-formed JSON", "RFC 8259 JSON"),
        new(IssueCodes.Schema, ValidationSeverity.Error, "The document breaks the submission JSON Schema", "schemas/venous-registry-submission.v1.schema.json"),
        new(IssueCodes.Limit, ValidationSeverity.Error, "The document is over the size or nesting limit", "validator limits"),
        .. SubmissionValidator.Rules,
    ];

    private static string Severity(ValidationSeverity severity) => RegistryCode.Of(severity);

    /// <summary>
    /// A SARIF artifact URI: relative paths stay relative (viewers resolve them against the checkout, as GitHub code
    /// scanning does) with '/' separators and escaped segments; absolute paths become file: URIs.
    /// </summary>
    private static string ArtifactUri(string path) =>
        Path.IsPathRooted(path)
            ? new Uri(Path.GetFullPath(path)).AbsoluteUri
            : string.Join("/", path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    private static string Level(ValidationSeverity severity) => severity switch
    {
        ValidationSeverity.Error => "error",
        ValidationSeverity.Warning => "warning",
        _ => "note",
    };

    private static void WriteOptionalNumber(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ToolVersion() =>
        typeof(ReportFormats).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
