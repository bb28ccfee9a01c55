using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using RegistryClient.Validation;

namespace RegistryClient.Benchmarks;

/// <summary>
/// Cost of validating one submission, against the cost of merely parsing it (the baseline, Ratio = 1).
/// Target: a valid document costs at most 3x <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class ValidationBenchmarks
{
    private readonly SubmissionValidator _validator = new();
    private byte[] _document = [];

    [ParamsSource(nameof(Documents))]
    public string Document { get; set; } = "";

    public static IEnumerable<string> Documents() =>
    [
        "valid/" + Path.GetFileName(Directory.EnumerateFiles(Path.Combine(SamplesRoot(), "valid"), "*.json").OrderByDescending(f => new FileInfo(f).Length).First()),
        "invalid/" + Path.GetFileName(Directory.EnumerateFiles(Path.Combine(SamplesRoot(), "invalid"), "vr0*.json").Order().First()),
        "invalid/" + Path.GetFileName(Directory.EnumerateFiles(Path.Combine(SamplesRoot(), "invalid"), "schema-*.json").Order().First()),
    ];

    [GlobalSetup]
    public async Task Setup()
    {
        _document = File.ReadAllBytes(Path.Combine(SamplesRoot(), Document));
        await _validator.AuthoritativeAsync(_document, CancellationToken.None); // loads the schema once, outside the measurement
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse")]
    public int Parse()
    {
        using var document = JsonDocument.Parse(_document);
        return document.RootElement.GetArrayLengthOrZero();
    }

    [Benchmark(Description = "fast typed pass + rules")]
    public bool FastPath() => _validator.TryFastPath(_document, out _);

    [Benchmark(Description = "NJsonSchema authority + rules")]
    public async Task<bool> Authoritative() => (await _validator.AuthoritativeAsync(_document, CancellationToken.None)).IsValid;

    [Benchmark(Description = "ValidateAsync (what users pay)")]
    public async Task<bool> Validate() => (await _validator.ValidateAsync(_document)).IsValid;

    internal static string SamplesRoot()
    {
        // BenchmarkDotNet runs a generated copy below bin/, so walk up to the repository rather than trust the build paths.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RegistryClient.sln")))
            {
                return Path.Combine(dir.FullName, "samples", "submissions");
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new DocumentsPerSecondColumn());
    }

    /// <summary>Documents per second, one core: 1 / mean.</summary>
    private sealed class DocumentsPerSecondColumn : IColumn
    {
        public string Id => "DocsPerSecond";
        public string ColumnName => "Docs/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Documents validated per second on one core (1 / Mean)";

        public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
            summary[benchmarkCase]?.ResultStatistics is { } stats ? (1e9 / stats.Mean).ToString("N0") : "-";

        public string GetValue(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}

internal static class JsonElementExtensions
{
    public static int GetArrayLengthOrZero(this JsonElement element) => element.ValueKind == JsonValueKind.Array ? element.GetArrayLength() : 0;
}
