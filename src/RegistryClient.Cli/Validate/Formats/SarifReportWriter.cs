using System.Reflection;
using RegistryClient.Validation;
using RegistryClient.Validation.Rules;

namespace RegistryClient.Cli.Validate.Formats;

/// <summary>
/// SARIF 2.1.0: one run, the rule catalogue as the driver's rules, one result per issue. Results are written as they
/// come; the artifacts (one per file) follow them, which JSON's unordered properties allow.
/// </summary>
internal sealed class SarifReportWriter : ReportWriter
{
    private static readonly IReadOnlyList<RuleDescriptor> Rules =
    [
        new() { Code = IssueCodes.Parse, Severity = ValidationSeverity.Error, Title = "The text is not well-formed JSON", Source = "RFC 8259 JSON" },
        new() { Code = IssueCodes.Schema, Severity = ValidationSeverity.Error, Title = "The document breaks the submission JSON Schema", Source = "schemas/venous-registry-submission.v1.schema.json" },
        new() { Code = IssueCodes.Limit, Severity = ValidationSeverity.Error, Title = "The document is over the size or nesting limit", Source = "validator limits" },
        .. SubmissionValidator.Rules,
    ];

    private readonly Dictionary<string, int> _ruleIndex = Rules.Select((r, i) => (r.Code, i)).ToDictionary(x => x.Code, x => x.i);
    private readonly List<string> _artifacts = [];
    private readonly JsonSink _sink;

    public SarifReportWriter(TextWriter output)
    {
        _sink = new JsonSink(output);
        var json = _sink.Json;
        json.WriteStartObject();
        json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();
        WriteTool();
        json.WriteStartArray("results");
    }

    public override void BeginFile(string path) => _artifacts.Add(ArtifactUri(path));

    public override void Document(DocumentResult document)
    {
        var json = _sink.Json;
        var uri = _artifacts[^1];
        foreach (var issue in document.Report.Issues)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", issue.Code);
            json.WriteNumber("ruleIndex", _ruleIndex[issue.Code]);
            json.WriteString("level", Level(issue.Severity));
            json.WriteStartObject("message");
            _sink.String("text", issue.Message);
            json.WriteEndObject();
            json.WriteStartArray("locations");
            json.WriteStartObject();
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", uri);
            json.WriteNumber("index", _artifacts.Count - 1);
            json.WriteEndObject();
            json.WriteStartObject("region");
            json.WriteNumber("startLine", issue.Line ?? 1);
            json.WriteNumber("startColumn", issue.Column ?? 1);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("logicalLocations");
            json.WriteStartObject();
            _sink.String("fullyQualifiedName", $"{document.Index}{issue.Path}");
            json.WriteString("kind", "element");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("properties");
            json.WriteNumber("documentIndex", document.Index);
            _sink.String("jsonPointer", issue.Path);
            json.WriteString("source", issue.Source);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        _sink.Drain();
    }

    public override void EndFile(string? inputError)
    {
    }

    public override void Finish(RunTotals totals)
    {
        var json = _sink.Json;
        json.WriteEndArray();
        json.WriteStartArray("artifacts");
        foreach (var uri in _artifacts)
        {
            json.WriteStartObject();
            json.WriteStartObject("location");
            json.WriteString("uri", uri);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        _sink.Dispose();
    }

    private void WriteTool()
    {
        var json = _sink.Json;
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "registry");
        json.WriteString("semanticVersion", ToolVersion());
        json.WriteString("informationUri", "https://www.nice.org.uk/guidance/htg516");
        json.WriteStartArray("rules");
        foreach (var rule in Rules)
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
    }

    /// <summary>
    /// A SARIF artifact URI: relative paths stay relative (viewers resolve them against the checkout, as GitHub code
    /// scanning does) with '/' separators and escaped segments; absolute paths become file: URIs. Escaping makes any
    /// character representable; a lone surrogate is replaced first.
    /// </summary>
    private static string ArtifactUri(string path)
    {
        path = OutputText.ForJson(path);
        return Path.IsPathRooted(path)
            ? new Uri(Path.GetFullPath(path)).AbsoluteUri
            : string.Join("/", path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));
    }

    private static string Level(ValidationSeverity severity) => severity switch
    {
        ValidationSeverity.Error => "error",
        ValidationSeverity.Warning => "warning",
        _ => "note",
    };

    private static string ToolVersion() =>
        typeof(SarifReportWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
