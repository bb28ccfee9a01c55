using BenchmarkDotNet.Running;
using RegistryClient.Benchmarks;

// dotnet run -c Release --project bench/RegistryClient.Benchmarks -- --filter '*'
// The 1M-row mapping run: bench/mapping-1m.sh (mapping-generate and mapping-phases below).
return args switch
{
    ["mapping-generate", var directory, var rows] => MappingScale.Generate(directory, int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture)),
    ["mapping-phases", var profile, var input] => await MappingScale.PhasesAsync(profile, input),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
