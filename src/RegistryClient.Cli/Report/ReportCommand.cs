using System.CommandLine;
using System.Text;
using System.Text.Json;
using RegistryClient.Cli.Validate;
using RegistryClient.Model;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Report;

/// <summary><c>registry report PATH... --html FILE</c>: a self-contained data-quality report for a clinical governance lead.</summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, TimeProvider? time = null)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Submission files (.json, .ndjson) or directories.", Arity = ArgumentArity.OneOrMore };
        var html = new Option<string>("--html") { Description = "Write the report to this HTML file.", Required = true };
        var csv = new Option<string?>("--csv") { Description = "Also write the per-record issue table (localRecordId, code, severity, JSON Pointer, message) to this CSV file." };
        var command = new Command("report", "Write a self-contained HTML data-quality report: completeness, issues by rule and by record, DVT class, severity and age mix.") { paths, html, csv };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var data = new ReportData();
            var clock = time ?? TimeProvider.System;
            var validator = new SubmissionValidator(new SubmissionValidatorOptions { TimeProvider = clock });
            var inputError = await ValidationRun.ForEachDocumentAsync(parse.GetValue(paths)!, validator, stderr, (display, document, report) =>
            {
                data.Add(report, document.Utf8, display, document.Index);
                return Task.CompletedTask;
            }, cancellationToken);

            var output = parse.GetValue(html)!;
            var csvOutput = parse.GetValue(csv);
            try
            {
                await File.WriteAllTextAsync(output, HtmlReport.Render(data, clock.GetLocalNow()), new UTF8Encoding(false), cancellationToken);
                if (csvOutput is not null)
                {
                    await using var writer = new StreamWriter(csvOutput, false, new UTF8Encoding(false));
                    await CsvTable.WriteAsync(writer, ["localRecordId", "file", "document", "code", "severity", "pointer", "message"],
                        data.RecordIssues.Select(i => (IReadOnlyList<string?>)[i.Record, i.File, i.Document.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Code, i.Severity, i.Pointer, i.Message]),
                        cancellationToken);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"registry report: cannot write the report: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            await stdout.WriteLineAsync($"{data.Documents} document(s) ({data.Valid} valid) reported in {output}{(csvOutput is null ? "" : $"; {data.RecordIssues.Count} issue(s) listed in {csvOutput}")}.");
            return inputError ? ExitCodes.UsageOrInput : ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>
/// One issue of one record, for the per-record table: never a field's value. <c>Record</c> is the document's
/// localRecordId, or a stand-in naming the file and document index when it has no valid one.
/// </summary>
internal sealed record RecordIssue(string Record, string File, int Document, string Code, string Severity, string Pointer, string Message);

/// <summary>
/// What the report counts: aggregates, and the issues of each record named by its localRecordId. Only registry codes,
/// counts and localRecordIds are kept: no identifier, date or other value of any patient.
/// </summary>
internal sealed class ReportData
{
    private static readonly IReadOnlyList<(string Section, string Definition, IReadOnlyList<string> Fields)> Sections = ReadSections();

    /// <summary>Every property name the submission schema defines: the only names a pointer may show.</summary>
    private static readonly HashSet<string> PropertyNames = ReadPropertyNames();

    /// <summary>The names of the schema's array properties: only under these may a pointer segment be an index.</summary>
    private static readonly HashSet<string> ArrayNames = ReadPropertyNames(arraysOnly: true);

    public int Documents { get; private set; }

    public int Valid { get; private set; }

    public int FollowUps { get; private set; }

    /// <summary>Per section and field: how many documents (or follow-ups) have it.</summary>
    public Dictionary<(string Section, string Field), int> Present { get; } = [];

    /// <summary>Documents that have the section at all (outcome is optional; followUps counts follow-up entries).</summary>
    public Dictionary<string, int> SectionCount { get; } = [];

    public Dictionary<string, (int Documents, int Issues)> ByRule { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> DvtClass { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Severity { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<int, int> AgeBands { get; } = [];

    /// <summary>Every issue of every record, sorted by rule, then record.</summary>
    public IReadOnlyList<RecordIssue> RecordIssues => _recordIssues
        .OrderBy(i => RuleOrder.TryGetValue(i.Code, out var order) ? order : RuleOrder.Count)
        .ThenBy(i => i.Code, StringComparer.Ordinal)
        .ThenBy(i => i.Record, StringComparer.Ordinal)
        .ThenBy(i => i.Pointer, StringComparer.Ordinal)
        .ToList();

    /// <summary>The order of the rules table: PARSE, SCHEMA, LIMIT, then the clinical rules by number (VR001, VR002...).</summary>
    public static IReadOnlyDictionary<string, int> RuleOrder { get; } = new[] { IssueCodes.Parse, IssueCodes.Schema, IssueCodes.Limit }
        .Select((code, index) => (code, index))
        .ToDictionary(x => x.code, x => x.index, StringComparer.Ordinal);

    private readonly List<RecordIssue> _recordIssues = [];

    public static IReadOnlyList<(string Section, string Definition, IReadOnlyList<string> Fields)> SectionFields => Sections;

    public void Add(ValidationReport report, ReadOnlyMemory<byte> utf8, string file = "", int index = 0)
    {
        Documents++;
        var record = report.LocalRecordId is { Length: > 0 } id && !report.Issues.Any(i => i.Path == "/localRecordId")
            ? OutputText.ForLine(id)
            : $"(document {index} of {file}: no valid localRecordId)";
        foreach (var issue in report.Issues)
        {
            var (pointer, hidden) = SafePointer(issue.Path);
            var message = hidden.Aggregate(issue.Message, (m, name) => m.Replace(name, Unknown, StringComparison.Ordinal));
            _recordIssues.Add(new RecordIssue(record, file, index, issue.Code, RegistryCode.Of(issue.Severity), pointer, OutputText.ForLine(message)));
        }

        Valid += report.IsValid ? 1 : 0;
        foreach (var rule in report.Issues.GroupBy(i => i.Code))
        {
            ByRule.TryGetValue(rule.Key, out var counts);
            ByRule[rule.Key] = (counts.Documents + 1, counts.Issues + rule.Count());
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException)
        {
            return; // unreadable: counted above under PARSE, nothing to measure
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            var root = document.RootElement;
            foreach (var (section, _, fields) in Sections)
            {
                var objects = section == "followUps"
                    ? (root.TryGetProperty("followUps", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [])
                    : (root.TryGetProperty(section, out var value) ? [value] : new List<JsonElement>());
                foreach (var item in objects.Where(o => o.ValueKind == JsonValueKind.Object))
                {
                    SectionCount[section] = SectionCount.GetValueOrDefault(section) + 1;
                    foreach (var field in fields.Where(f => item.TryGetProperty(f, out var v) && v.ValueKind != JsonValueKind.Null))
                    {
                        Present[(section, field)] = Present.GetValueOrDefault((section, field)) + 1;
                    }
                }

                if (section == "followUps")
                {
                    FollowUps += objects.Count;
                }
            }

            // Only registry codes are counted by name: anything else (an NHS number typed into dvtClass) is "not a registry code".
            Count(DvtClass, Code(Text(root, "presentation", "dvtClass"), RegistryCode.All<DvtClass>()));
            Count(Severity, Code(Text(root, "presentation", "symptomSeverity", "grade"), RegistryCode.All<SeverityGrade>()));
            if (root.TryGetProperty("patient", out var patient) && patient.ValueKind == JsonValueKind.Object
                && patient.TryGetProperty("ageAtProcedure", out var age) && age.ValueKind == JsonValueKind.Number && age.TryGetInt32(out var years))
            {
                var band = years < 30 ? 16 : years >= 75 ? 75 : years / 15 * 15;
                AgeBands[band] = AgeBands.GetValueOrDefault(band) + 1;
            }
        }
    }

    public const string NotACode = "not a registry code";

    private static string? Code(string? value, IReadOnlyList<string> codes) => value is null ? null : codes.Contains(value) ? value : NotACode;

    private const string Unknown = "(unknown property)";

    /// <summary>
    /// The pointer with every segment replaced that is neither a property the schema defines nor an index into one of
    /// its arrays (a misplaced property's name could be an NHS number); returns the names it hid so that the message
    /// can hide them too.
    /// </summary>
    private static (string Pointer, IReadOnlyList<string> Hidden) SafePointer(string pointer)
    {
        if (pointer.Length == 0)
        {
            return ("", []);
        }

        var segments = pointer.Split('/');
        var hidden = new List<string>();
        for (var i = 1; i < segments.Length; i++)
        {
            var isIndex = segments[i].Length is > 0 and <= 6 && segments[i].All(char.IsAsciiDigit) && ArrayNames.Contains(segments[i - 1]);
            if (!isIndex && !PropertyNames.Contains(segments[i]))
            {
                hidden.Add(segments[i]);
                segments[i] = Unknown;
            }
        }

        return (string.Join("/", segments), hidden.Where(h => h.Length > 0).OrderByDescending(h => h.Length).ToList());
    }

    private static HashSet<string> ReadPropertyNames(bool arraysOnly = false)
    {
        using var schema = JsonDocument.Parse(SubmissionSchema.ReadText());
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("properties") && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var name in property.Value.EnumerateObject())
                        {
                            if (!arraysOnly || (name.Value.ValueKind == JsonValueKind.Object && name.Value.TryGetProperty("type", out var type)
                                && type.ValueKind == JsonValueKind.String && type.ValueEquals("array")))
                            {
                                names.Add(name.Name);
                            }
                        }
                    }

                    Walk(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        Walk(schema.RootElement);
        return names;
    }

    private static void Count(Dictionary<string, int> counts, string? key) => counts[key ?? "not given"] = counts.GetValueOrDefault(key ?? "not given") + 1;

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static List<(string, string, IReadOnlyList<string>)> ReadSections()
    {
        using var schema = JsonDocument.Parse(SubmissionSchema.ReadText());
        var definitions = schema.RootElement.GetProperty("definitions");
        return new[] { ("submitter", "submitter"), ("patient", "patient"), ("presentation", "presentation"), ("governance", "governance"), ("procedure", "procedure"), ("outcome", "outcome"), ("followUps", "followUp") }
            .Select(s => (s.Item1, s.Item2, (IReadOnlyList<string>)definitions.GetProperty(s.Item2).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList()))
            .ToList();
    }
}
