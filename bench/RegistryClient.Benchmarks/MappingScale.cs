using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Tests.Mapping.Workbooks;

namespace RegistryClient.Benchmarks;

/// <summary>
/// The 1M-row mapping benchmark (run by <c>bench/mapping-1m.sh</c>): generates a large wide export from the committed
/// sample (its 14 episodes repeated with new episode numbers), as Windows-1252 CSV and as .xlsx, into a temp folder;
/// and times the mapping phases in process, to say where the time goes.
/// <code>
/// dotnet run -c Release --project bench/RegistryClient.Benchmarks -- mapping-generate DIR ROWS
/// dotnet run -c Release --project bench/RegistryClient.Benchmarks -- mapping-phases PROFILE INPUT
/// </code>
/// </summary>
internal static class MappingScale
{
    public static int Generate(string directory, int rows)
    {
        Directory.CreateDirectory(directory);
        var sample = Path.Combine(Root(), "samples", "exports", "theatre-wide-export.csv");
        var encoding = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var lines = File.ReadAllLines(sample, encoding);
        var header = lines[0];
        var body = lines.Skip(1).Select(l => l.Substring(l.IndexOf(';', StringComparison.Ordinal))).ToArray();
        var clock = Stopwatch.StartNew();
        using (var csv = new StreamWriter(Path.Combine(directory, "wide-1m.csv"), false, encoding, 1 << 16))
        {
            csv.NewLine = "\r\n";
            csv.WriteLine(header);
            for (var i = 0; i < rows; i++)
            {
                csv.Write("RTH-PMT-");
                csv.Write(i.ToString("D8", CultureInfo.InvariantCulture));
                csv.WriteLine(body[i % body.Length]);
            }
        }

        Console.WriteLine($"CSV: {rows:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        using (var input = File.OpenRead(Path.Combine(directory, "wide-1m.csv")))
        using (var reader = CsvReader.Create(input, new CsvReaderOptions { Separator = ';', Encoding = encoding }, false))
        using (var output = File.Create(Path.Combine(directory, "wide-1m.xlsx")))
        using (var book = new WorkbookWriter(output, WideSampleWorkbook.SheetName))
        {
            reader.ReadHeader();
            var names = reader.Headers.ToArray();
            book.WriteRow(["Theatre PMT audit export (synthetic data)"]);
            book.WriteRow(names);
            var cells = new object?[names.Length];
            while (reader.Read())
            {
                for (var i = 0; i < names.Length; i++)
                {
                    cells[i] = WideSampleWorkbook.Typed(names[i], reader.GetString(i));
                }

                book.WriteRow(cells);
            }
        }

        Console.WriteLine($"xlsx: {rows:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    /// <summary>Times reading rows only, then mapping and writing NDJSON (as <c>registry map</c> does), then mapping to typed
    /// submissions (as a library caller reading <see cref="MappingResult.Submission"/> does).</summary>
    public static async Task<int> PhasesAsync(string profilePath, string inputPath)
    {
        var (profile, errors) = MappingProfile.Load(File.ReadAllBytes(profilePath));
        if (profile is null)
        {
            Console.Error.WriteLine(string.Join("\n", errors));
            return 2;
        }

        var plan = FieldPlan.Compile(profile);
        bool[]? used = null;
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var rows = 0;
        using (var input = File.OpenRead(inputPath))
        {
            await foreach (var row in RowReader.ReadAsync(input, profile.Input, h => used ??= plan.Bind(h), default))
            {
                rows++;
            }
        }

        Report("read and decode rows (used columns)", rows, clock.Elapsed);
        await StagesAsync(profile, inputPath);
        clock.Restart();
        var mapped = 0;
        await using (var sink = Stream.Null)
        {
            await foreach (var result in ProfileMapper.MapFileAsync(profile, inputPath))
            {
                if (result.IsMapped)
                {
                    mapped++;
                    sink.Write(result.Json.Span); // as `registry map --output` writes it
                    sink.WriteByte((byte)'\n');
                }
            }
        }

        Report("map and write NDJSON (registry map)", mapped, clock.Elapsed);
        clock.Restart();
        mapped = 0;
        await foreach (var result in ProfileMapper.MapFileAsync(profile, inputPath))
        {
            mapped += result.Submission is null ? 0 : 1;
        }

        Report("map to typed Submission (library)", mapped, clock.Elapsed);
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB");
        return 0;
    }

    /// <summary>One thread, stage by stage: what reading, converting and writing an episode each cost.</summary>
    private static async Task StagesAsync(MappingProfile profile, string inputPath)
    {
        var plan = FieldPlan.Compile(profile);
        MapContext? context = null;
        long read = 0, collect = 0, convert = 0, derive = 0, write = 0;
        var writer = new DocumentWriter();
        var episodes = 0;
        var mark = Stopwatch.GetTimestamp();
        using var input = File.OpenRead(inputPath);
        await foreach (var row in RowReader.ReadAsync(input, profile.Input, h => context!.Used, default))
        {
            var now = Stopwatch.GetTimestamp();
            read += now - mark;
            if (row.IsHeader)
            {
                context = new MapContext(inputPath, row.Values.ToArray(), plan.Bind(row.Values), "windows-1252");
                mark = Stopwatch.GetTimestamp();
                continue;
            }

            var episode = new Episode(row, plan, context!);
            var collected = Stopwatch.GetTimestamp();
            episode.Convert();
            var converted = Stopwatch.GetTimestamp();
            episode.Derive();
            var derived = Stopwatch.GetTimestamp();
            episodes += writer.Write(episode) is null ? 0 : 1;
            mark = Stopwatch.GetTimestamp();
            (collect, convert, derive, write) = (collect + collected - now, convert + converted - collected, derive + derived - converted, write + mark - derived);
        }

        double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency / episodes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one thread, per episode ({episodes:N0}): read {Us(read):0.0} us, copy the row {Us(collect):0.0} us, convert cells {Us(convert):0.0} us, derive age and DVT class {Us(derive):0.0} us, write JSON {Us(write):0.0} us"));
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    }

    private static TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    private static TimeSpan _paused = GC.GetTotalPauseDuration();
    private static int _gen0 = GC.CollectionCount(0), _gen1 = GC.CollectionCount(1), _gen2 = GC.CollectionCount(2);

    /// <summary>Wall time and CPU time (the machine is shared, so rows per CPU second is the steadier figure).</summary>
    private static void Report(string phase, int rows, TimeSpan elapsed)
    {
        var cpuNow = Process.GetCurrentProcess().TotalProcessorTime;
        var cpu = (cpuNow - _cpu).TotalSeconds;
        _cpu = cpuNow;
        var paused = GC.GetTotalPauseDuration() - _paused;
        var (gen0, gen1, gen2) = (GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2);
        (_paused, _gen0, _gen1, _gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-38} {rows,10:N0} rows  wall {elapsed.TotalSeconds,6:0.00} s ({rows / elapsed.TotalSeconds,8:N0} rows/s)  cpu {cpu,6:0.00} s ({rows / cpu,8:N0} rows/cpu-s)  GC paused {paused.TotalSeconds:0.00} s ({gen0}/{gen1}/{gen2} gen0/1/2)"));
    }

    private static string Root()
    {
        var directory = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RegistryClient.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run from the repository (bench/mapping-1m.sh does).");
    }
}
