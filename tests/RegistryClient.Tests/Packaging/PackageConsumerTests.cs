namespace RegistryClient.Tests.Packaging;

/// <summary>
/// The package works outside the solution: pack the library (already built by the test run's build), then restore it
/// from a local folder feed into a throw-away console project that validates a sample and submits nothing.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-consumer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PackedLibrary_RestoresIntoAFreshProject_AndValidatesASample()
    {
        // A unique version, so that NuGet's global package cache cannot hand back an older build of the same version.
        var version = "1.0.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var feed = Path.Combine(_directory, "feed");
        var library = Path.Combine(Samples.RepositoryRoot, "src", "RegistryClient", "RegistryClient.csproj");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        await Run(Samples.RepositoryRoot, "pack", library, "-c", configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}");
        Assert.True(File.Exists(Path.Combine(feed, $"RegistryClient.{version}.nupkg")));
        Assert.True(File.Exists(Path.Combine(feed, $"RegistryClient.{version}.snupkg")));

        var consumer = Path.Combine(_directory, "consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RegistryClient" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using RegistryClient.Validation;

            var validator = new SubmissionValidator();
            var report = await validator.ValidateAsync(File.ReadAllBytes(args[0]));
            Console.WriteLine($"valid={report.IsValid} issues={report.Issues.Count} rules={SubmissionValidator.Rules.Count}");
            return report.IsValid ? 0 : 1;
            """);

        var output = await Run(consumer, "run", "--", Path.Combine(Samples.ValidDirectory, "01-iliofemoral-left-four-follow-ups.json"));

        Assert.Contains("valid=True issues=0 rules=21", output, StringComparison.Ordinal);
    }

    private static async Task<string> Run(string directory, params string[] args)
    {
        var (exit, stdout, stderr) = await ExternalProcess.RunAsync("dotnet", directory, TimeSpan.FromMinutes(5), args);
        Assert.True(exit == 0, $"dotnet {string.Join(" ", args)} failed:\n{stdout}{stderr}");
        return stdout + stderr;
    }
}
