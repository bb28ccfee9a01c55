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
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Submission files (.json, .ndjson) or directories.", Arity = ArgumentArity.OneOrMore };
        var html = new Option<string>("--html") { Description = "Write the report to this HTML file.", Required = true };
        var command = new Command("report", "Write a self-contained HTML data-quality report: completeness, issues by rule, DVT class, severity and age mix.") { paths, html };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var data = new ReportData();
            var validator = new SubmissionValidator();
            var inputError = false;
            foreach (var (path, display) in SubmissionFiles.Expand(parse.GetValue(paths)!, stderr))
            {
                var (file, documents) = await ValidationRun.ValidateFileAsync(path, display, validator, new SubmissionValidatorOptions().MaxDocumentBytes, cancellationToken);
                if (file.InputError is not null)
                {
                    await stderr.WriteLineAsync($"{display}: error INPUT: {file.InputError}");
                    inputError = true;
                    continue;
                }

                foreach (var (document, report) in documents)
                {
                    data.Add(report, document.Utf8);
                }
            }

            var output = parse.GetValue(html)!;
            try
            {
                await File.WriteAllTextAsync(output, HtmlReport.Render(data, DateTimeOffset.Now), new UTF8Encoding(false), cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"registry report: cannot write {output}: {ex.Message}");
                return ExitCodes.UsageOrInput;
            }

            await stdout.WriteLineAsync($"{data.Documents} document(s) ({data.Valid} valid) reported in {output}.");
            return inputError ? ExitCodes.UsageOrInput : ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>What the report counts. Aggregates only: no identifier or date of any patient is kept.</summary>
internal sealed class ReportData
{
    private static readonly IReadOnlyList<(string Section, string Definition, IReadOnlyList<string> Fields)> Sections = ReadSections();

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

    public static IReadOnlyList<(string Section, string Definition, IReadOnlyList<string> Fields)> SectionFields => Sections;

    public void Add(ValidationReport report, ReadOnlyMemory<byte> utf8)
    {
        Documents++;
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

            Count(DvtClass, Text(root, "presentation", "dvtClass"));
            Count(Severity, Text(root, "presentation", "symptomSeverity", "grade"));
            if (root.TryGetProperty("patient", out var patient) && patient.ValueKind == JsonValueKind.Object
                && patient.TryGetProperty("ageAtProcedure", out var age) && age.ValueKind == JsonValueKind.Number && age.TryGetInt32(out var years))
            {
                var band = years < 30 ? 16 : years >= 75 ? 75 : years / 15 * 15;
                AgeBands[band] = AgeBands.GetValueOrDefault(band) + 1;
            }
        }
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
        return new[] { ("patient", "patient"), ("presentation", "presentation"), ("governance", "governance"), ("procedure", "procedure"), ("outcome", "outcome"), ("followUps", "followUp") }
            .Select(s => (s.Item1, s.Item2, (IReadOnlyList<string>)definitions.GetProperty(s.Item2).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList()))
            .ToList();
    }
}
