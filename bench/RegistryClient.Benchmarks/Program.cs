using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/RegistryClient.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
