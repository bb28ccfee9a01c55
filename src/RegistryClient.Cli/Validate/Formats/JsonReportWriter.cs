namespace RegistryClient.Cli.Validate.Formats;

/// <summary>Exactly the JSON shape of DESIGN.md, one object, written as the run goes.</summary>
internal sealed class JsonReportWriter : ReportWriter
{
    private readonly JsonSink _sink;

    public JsonReportWriter(TextWriter output)
    {
        _sink = new JsonSink(output);
        _sink.Json.WriteStartObject();
        _sink.Json.WriteStartArray("files");
    }

    public override void BeginFile(string path)
    {
        _sink.Json.WriteStartObject();
        _sink.String("path", path);
        _sink.Json.WriteStartArray("documents");
    }

    public override void Document(DocumentResult document)
    {
        var json = _sink.Json;
        json.WriteStartObject();
        json.WriteNumber("index", document.Index);
        if (OutputText.LocalRecordId(document.Report.LocalRecordId) is { } id)
        {
            _sink.String("localRecordId", id);
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
            _sink.String("path", issue.Path);
            if (issue.Line is { } line)
            {
                json.WriteNumber("line", line);
            }

            if (issue.Column is { } column)
            {
                json.WriteNumber("column", column);
            }

            _sink.String("message", issue.Message);
            json.WriteString("source", issue.Source);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        _sink.Drain();
    }

    public override void EndFile(string? inputError)
    {
        _sink.Json.WriteEndArray();
        if (inputError is not null)
        {
            _sink.String("error", inputError);
        }

        _sink.Json.WriteEndObject();
    }

    public override void Finish(RunTotals totals)
    {
        var json = _sink.Json;
        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("documents", totals.Documents);
        json.WriteNumber("valid", totals.Valid);
        json.WriteNumber("invalid", totals.Invalid);
        json.WriteNumber("errors", totals.Errors);
        json.WriteNumber("warnings", totals.Warnings);
        json.WriteEndObject();
        json.WriteEndObject();
        _sink.Dispose();
    }
}
