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
    public static int Generate(string directory, int rows, bool generateWorkbook = true)
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
        GenerateRis(directory, rows);
        if (!generateWorkbook)
        {
            return 0;
        }

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

    /// <summary>
    /// The RIS shape: an episode row (PROC) followed by its follow-up rows (FU), comma separated, UTF-8. The committed
    /// sample's episodes that map (31 of its 37: the others are its deliberate mistakes) are repeated with new episode
    /// numbers until the file has <paramref name="rows"/> data rows, so the run measures mapping, not error reporting.
    /// </summary>
    private static void GenerateRis(string directory, int rows)
    {
        var clock = Stopwatch.StartNew();
        var root = Root();
        var sample = Path.Combine(root, "samples", "exports", "ris-export.csv");
        var (profile, _) = MappingProfile.Load(File.ReadAllBytes(Path.Combine(root, "samples", "mappings", "ris-export.profile.json")));
        var lines = File.ReadAllLines(sample, Encoding.UTF8);
        var episodes = new List<string[]>();
        foreach (var result in ProfileMapper.MapFileAsync(profile!, sample).ToBlockingEnumerable())
        {
            if (result.IsMapped)
            {
                // each line without its first two fields (row kind, episode number), which the generator writes anew
                episodes.Add(lines.Skip(result.Row - 1).Take(result.Rows).ToArray());
            }
        }

        using var csv = new StreamWriter(Path.Combine(directory, "ris-1m.csv"), false, new UTF8Encoding(false), 1 << 16);
        csv.NewLine = "\r\n";
        csv.WriteLine(lines[0]);
        var written = 0;
        for (var e = 0; written < rows; e++)
        {
            var id = "RIS" + e.ToString("D8", CultureInfo.InvariantCulture);
            foreach (var line in episodes[e % episodes.Count])
            {
                if (written++ == rows)
                {
                    break;
                }

                var first = line.IndexOf(',', StringComparison.Ordinal);
                var second = line.IndexOf(',', first + 1);
                csv.Write(line.AsSpan(0, first + 1));
                csv.Write(id);
                csv.WriteLine(line.AsSpan(second));
            }
        }

        Console.WriteLine($"RIS CSV: {rows:N0} rows ({episodes.Count} sample episodes repeated) in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The profile at <paramref name="path"/>, or null after printing its located errors (every mode exits 2 then).</summary>
    private static MappingProfile? LoadProfile(string path)
    {
        var (profile, errors) = MappingProfile.Load(File.ReadAllBytes(path));
        if (profile is null)
        {
            Console.Error.WriteLine(string.Join("\n", errors.Select(e => $"{path}:{e.Line}:{e.Column}: {e.Pointer}: {e.Message}")));
        }

        return profile;
    }

    /// <summary>The read-only pass alone (rows read and their used columns decoded, nothing mapped): the floor a mapping
    /// is measured against. Prints one line: <c>read ROWS rows wall SECONDS cpu SECONDS</c>.</summary>
    public static async Task<int> ReadOnlyAsync(string profilePath, string inputPath)
    {
        if (LoadProfile(profilePath) is not { } profile)
        {
            return 2;
        }

        var plan = FieldPlan.Compile(profile);
        bool[]? used = null;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var rows = -1; // the header is not a data row
        using (var input = File.OpenRead(inputPath))
        {
            await foreach (var row in RowReader.ReadAsync(input, profile.Input, h => used ??= plan.Bind(h), default))
            {
                rows++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"read {rows} rows wall {clock.Elapsed.TotalSeconds:0.000} cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.000}"));
        return 0;
    }

    /// <summary>The mapping alone in a fresh process, as <c>registry map</c> maps (its documents written nowhere), to
    /// tell the mapper's cost from the command's.</summary>
    public static async Task<int> MapOnlyAsync(string profilePath, string inputPath, int passes = 1)
    {
        if (LoadProfile(profilePath) is not { } profile)
        {
            return 2;
        }
        for (var pass = 1; pass <= passes; pass++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            long bytes = 0;
            var owned = Environment.GetEnvironmentVariable("MAPPING_OWNED_DOCUMENTS") == "1"; // the library's path, for comparison
            await foreach (var result in owned ? ProfileMapper.MapFileAsync(profile, inputPath) : ProfileMapper.MapFileForWritingAsync(profile, inputPath))
            {
                bytes += result.Json.Length;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pass {pass}: mapped {bytes:N0} bytes: wall {clock.Elapsed.TotalSeconds:0.00} s, cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s"));
        }

        return 0;
    }

    /// <summary>Micro timing, on one thread by CPU time: the sample's episodes converted and written over and over
    /// (<c>mapping-loop PROFILE INPUT [EPISODES]</c>), to compare a change to converting or writing without the noise of
    /// reading a large file on a shared machine.</summary>
    public static async Task<int> LoopAsync(string profilePath, string inputPath, int episodes)
    {
        if (LoadProfile(profilePath) is not { } profile)
        {
            return 2;
        }
        var plan = FieldPlan.Compile(profile);
        MapContext? context = null;
        var rows = new List<SourceRow>();
        using (var input = File.OpenRead(inputPath))
        {
            await foreach (var row in RowReader.ReadAsync(input, profile.Input, h => context!.Used, default))
            {
                if (row.IsHeader)
                {
                    context = new MapContext(inputPath, row.Values.ToArray(), plan.Bind(row.Values), "input");
                }
                else if (plan.RowKindColumn < 0 || row.At(plan.RowKindColumn) == profile.RowKind!.Episode)
                {
                    rows.Add(row.Snapshot());
                }
            }
        }

        var writer = new DocumentWriter();
        var pool = new InstancePool();
        long bytes = 0;
        TimeSpan Run(bool write)
        {
            var start = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < episodes; i++)
            {
                var episode = new Episode(rows[i % rows.Count], plan, context!);
                episode.Convert(pool);
                episode.Derive();
                if (write && writer.WriteDocument(episode))
                {
                    bytes += writer.Written.Length;
                }

                pool.ReturnAll();
            }

            return Process.GetCurrentProcess().TotalProcessorTime - start;
        }

        Run(true); // the JIT's warm-up
        Run(false);
        bytes = 0;
        var converting = Run(false);
        var all = Run(true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{episodes:N0} episodes on one thread, by CPU time: convert and derive {converting.TotalMicroseconds / episodes:0.00} us, write {(all - converting).TotalMicroseconds / episodes:0.00} us ({bytes / episodes} bytes) per episode"));
        return 0;
    }

    /// <summary>Times reading rows only, then mapping and writing NDJSON (as <c>registry map</c> does), then mapping to typed
    /// submissions (as a library caller reading <see cref="MappingResult.Submission"/> does).</summary>
    public static async Task<int> PhasesAsync(string profilePath, string inputPath)
    {
        if (LoadProfile(profilePath) is not { } profile)
        {
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
        long aRead = 0, aCollect = 0, aConvert = 0, aWrite = 0, bytes = GC.GetAllocatedBytesForCurrentThread();
        var writer = new DocumentWriter();
        var pool = new InstancePool();
        var episodes = 0;
        var mark = Stopwatch.GetTimestamp();
        using var input = File.OpenRead(inputPath);
        await foreach (var row in RowReader.ReadAsync(input, profile.Input, h => context!.Used, default))
        {
            var now = Stopwatch.GetTimestamp();
            read += now - mark;
            var b0 = GC.GetAllocatedBytesForCurrentThread();
            aRead += b0 - bytes;
            if (row.IsHeader)
            {
                context = new MapContext(inputPath, row.Values.ToArray(), plan.Bind(row.Values), "windows-1252");
                mark = Stopwatch.GetTimestamp();
                continue;
            }

            var episode = new Episode(row, plan, context!);
            var collected = Stopwatch.GetTimestamp();
            var b1 = GC.GetAllocatedBytesForCurrentThread();
            episode.Convert(pool);
            var converted = Stopwatch.GetTimestamp();
            var b2 = GC.GetAllocatedBytesForCurrentThread();
            episode.Derive();
            var derived = Stopwatch.GetTimestamp();
            var b3 = GC.GetAllocatedBytesForCurrentThread();
            episodes += writer.Write(episode) is null ? 0 : 1;
            pool.ReturnAll();
            bytes = GC.GetAllocatedBytesForCurrentThread();
            (aCollect, aConvert, aWrite) = (aCollect + b1 - b0, aConvert + b3 - b1, aWrite + bytes - b3);
            mark = Stopwatch.GetTimestamp();
            (collect, convert, derive, write) = (collect + collected - now, convert + converted - collected, derive + derived - converted, write + mark - derived);
        }

        double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency / episodes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one thread, per episode ({episodes:N0}): read {Us(read):0.0} us, copy the row {Us(collect):0.0} us, convert cells {Us(convert):0.0} us, derive age and DVT class {Us(derive):0.0} us, write JSON {Us(write):0.0} us; allocated per episode: read {aRead / episodes} B, copy {aCollect / episodes} B, convert and derive {aConvert / episodes} B, write {aWrite / episodes} B"));
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    }

    private static TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    private static TimeSpan _paused = GC.GetTotalPauseDuration();
    private static long _allocated = GC.GetTotalAllocatedBytes();
    private static int _gen0 = GC.CollectionCount(0), _gen1 = GC.CollectionCount(1), _gen2 = GC.CollectionCount(2);

    /// <summary>Wall time and CPU time (the machine is shared, so rows per CPU second is the steadier figure).</summary>
    private static void Report(string phase, int rows, TimeSpan elapsed)
    {
        var cpuNow = Process.GetCurrentProcess().TotalProcessorTime;
        var cpu = (cpuNow - _cpu).TotalSeconds;
        _cpu = cpuNow;
        var paused = GC.GetTotalPauseDuration() - _paused;
        var allocated = GC.GetTotalAllocatedBytes() - _allocated;
        _allocated = GC.GetTotalAllocatedBytes();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2);
        (_paused, _gen0, _gen1, _gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-38} {rows,10:N0} rows  wall {elapsed.TotalSeconds,6:0.00} s ({rows / elapsed.TotalSeconds,8:N0} rows/s)  cpu {cpu,6:0.00} s ({rows / cpu,8:N0} rows/cpu-s)  GC paused {paused.TotalSeconds:0.00} s ({gen0}/{gen1}/{gen2} gen0/1/2), {allocated / Math.Max(1, rows)} B allocated/row"));
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
