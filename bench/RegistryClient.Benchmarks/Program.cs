using BenchmarkDotNet.Running;
using RegistryClient.Benchmarks;

// dotnet run -c Release --project bench/RegistryClient.Benchmarks -- --filter '*'
// The 1M-row mapping run: bench/mapping-1m.sh (mapping-generate and mapping-phases below).
return args switch
{
    ["mapping-generate", var directory, var rows] => MappingScale.Generate(directory, int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture)),
    ["hostile-workbooks", var directory] => HostileWorkbookSet.Write(directory),
    ["workbook-scan", var workbook] => HostileWorkbookSet.Scan(workbook),
    ["mapping-generate", var directory, var rows, "--csv-only"] => MappingScale.Generate(directory, int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), generateWorkbook: false),
    ["mapping-phases", var profile, var input] => await MappingScale.PhasesAsync(profile, input),
    ["mapping-read", var profile, var input] => await MappingScale.ReadOnlyAsync(profile, input),
    ["mapping-map", var profile, var input] => await MappingScale.MapOnlyAsync(profile, input),
    ["mapping-map", var profile, var input, var passes] => await MappingScale.MapOnlyAsync(profile, input, int.Parse(passes, System.Globalization.CultureInfo.InvariantCulture)),
    ["mapping-loop", var profile, var input, var episodes] => await MappingScale.LoopAsync(profile, input, int.Parse(episodes, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}

/// <summary>The decompression bombs of issue 20 at full size, to measure `registry map`'s peak memory on each.</summary>
internal static class HostileWorkbookSet
{
    public static int Write(string directory)
    {
        Directory.CreateDirectory(directory);
        RegistryClient.Tests.Mapping.Workbooks.HostileWorkbooks.HugeCell(Path.Combine(directory, "huge-cell.xlsx"), 1L << 30);
        RegistryClient.Tests.Mapping.Workbooks.HostileWorkbooks.WideRow(Path.Combine(directory, "wide-row.xlsx"), 200_000_000);
        RegistryClient.Tests.Mapping.Workbooks.HostileWorkbooks.HugeSharedStrings(Path.Combine(directory, "shared-strings.xlsx"), 10_000_000);
        RegistryClient.Tests.Mapping.Workbooks.HostileWorkbooks.HugeSharedStrings(Path.Combine(directory, "shared-strings-repeated.xlsx"), 200_000_000, repeated: true);
        // the worst a workbook within the default limits can do: 3,000,000 shared strings, just under 64 MiB
        RegistryClient.Tests.Mapping.Workbooks.HostileWorkbooks.HugeSharedStrings(Path.Combine(directory, "shared-strings-within-limits.xlsx"), 3_000_000);
        RegistryClient.Tests.Mapping.Workbooks.HostileWorkbooks.TinySharedStrings(Path.Combine(directory, "tiny-shared-strings-within-limits.xlsx"), 3_900_000);
        RegistryClient.Tests.Mapping.Workbooks.HostileWorkbooks.ExtremeRatio(Path.Combine(directory, "ratio.xlsx"), 60_000);
        foreach (var file in Directory.GetFiles(directory, "*.xlsx"))
        {
            System.Console.WriteLine($"{Path.GetFileName(file)}: {new FileInfo(file).Length:N0} bytes");
        }

        return 0;
    }

    /// <summary>Times the bounds check alone (one decompression and byte scan of every XML part), the cost it adds to
    /// mapping a workbook.</summary>
    public static int Scan(string workbook)
    {
        using var input = File.OpenRead(workbook);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var problem = RegistryClient.Mapping.WorkbookGuard.Check(input, RegistryClient.Mapping.WorkbookBounds.Of(null), default);
        System.Console.WriteLine($"scan of {Path.GetFileName(workbook)}: {problem?.Problem ?? "within the limits"}; wall {clock.Elapsed.TotalSeconds:0.00} s, cpu {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s");
        return 0;
    }
}
