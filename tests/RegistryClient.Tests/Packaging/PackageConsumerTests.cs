using System.IO.Compression;
using System.Xml.Linq;

namespace RegistryClient.Tests.Packaging;

/// <summary>
/// The packages work outside the solution: pack the libraries (already built by the test run's build), then restore
/// them from a local folder feed into throw-away consumer projects, as an integration engineer would. The README's
/// first hour (pack, install into clean net10.0, net8.0 and net48 consumers with an empty package cache, build without
/// a warning, run the quick start against a sandbox, bin sizes) is tests/consumers/run.sh, which CI runs; these tests
/// keep what it does not: the outbox under Mono from the package, and what the packages hold.
/// </summary>
[Collection(ExternalResources.Name)]
public sealed class PackageConsumerTests(PackedLibraries packages) : IClassFixture<PackedLibraries>
{
    /// <summary>
    /// A .NET Framework 4.8 service built AnyCPU, the usual shape of a trust's integration host: it builds with no
    /// warning (the SQLite native package's "does not support Any CPU" error and the Microsoft.Extensions packages'
    /// "not tested on net48" warnings are answered by our buildTransitive targets), and under Mono it validates a sample
    /// and queues it in the SQLite outbox, loading the native library from runtimes/.
    /// </summary>
    [Fact]
    public async Task Net48AnyCpuService_WithTheOutbox_BuildsWithoutAWarning_AndQueuesASampleUnderMono()
    {
        var consumer = packages.CreateConsumer("net48", "RegistryClient.Outbox.Sqlite");
        var project = Path.Combine(consumer, "consumer.csproj");
        File.WriteAllText(project, File.ReadAllText(project)
            .Replace("<Nullable>enable</Nullable>", "<Nullable>enable</Nullable><LangVersion>latest</LangVersion><PlatformTarget>AnyCPU</PlatformTarget>", StringComparison.Ordinal)
            .Replace("</ItemGroup>", """<PackageReference Include="Microsoft.NETFramework.ReferenceAssemblies" Version="1.0.3" PrivateAssets="all" /></ItemGroup>""", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using RegistryClient.Http;
            using RegistryClient.Outbox;
            using RegistryClient.Outbox.Sqlite;
            using RegistryClient.Validation;

            var report = await new SubmissionValidator().ValidateAsync(File.ReadAllBytes(args[0]));
            using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = new Uri("http://127.0.0.1:1/"), Token = "unused" });
            using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".db"));
            var queued = await new BatchSubmitter(client, outbox).EnqueueAsync(report.Submission!);
            Console.WriteLine($"valid={report.IsValid} queued={queued.Outcome} pending={(await outbox.CountAsync()).Pending}");
            """);

        var build = await PackedLibraries.Dotnet(consumer, "build", "-c", "Release", "-warnaserror");

        Assert.Contains(" 0 Warning(s)", build, StringComparison.Ordinal);
        Assert.DoesNotContain(": warning ", build, StringComparison.Ordinal);
        var exe = Path.Combine(consumer, "bin", "Release", "net48", "consumer.exe");
        Assert.True(Directory.Exists(Path.Combine(consumer, "bin", "Release", "net48", "runtimes", "linux-x64", "native")), "the SQLite natives are not under runtimes/");
        var (exit, stdout, stderr) = await ExternalProcess.RunAsync("mono", consumer, TimeSpan.FromMinutes(2), exe, Path.Combine(Samples.ValidDirectory, "01-iliofemoral-left-four-follow-ups.json"));
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("valid=True queued=Queued pending=1", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RegistryClient")]
    [InlineData("RegistryClient.Outbox.Sqlite")]
    [InlineData("RegistryClient.Testing")]
    public void EveryLibraryPackage_CarriesItsOwnReadme_WrittenForPackageUsers(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages.Feed, $"{id}.{packages.Version}.nupkg"));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);

        using var reader = new StreamReader(package.GetEntry("README.md")!.Open());
        var readme = reader.ReadToEnd();
        Assert.StartsWith($"# {id}", readme, StringComparison.Ordinal);
        Assert.Contains($"dotnet add package {id}", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet run --project", readme, StringComparison.Ordinal);
    }

    /// <summary>
    /// The FHIR package uses the core's internals (released in lockstep), so it depends on exactly its own version of
    /// the core: NuGet cannot pair it with another, where a missing internal member would fail at run time. The other
    /// packages use the public API only and take any later core.
    /// </summary>
    [Fact]
    public void TheFhirPackage_DependsOnExactlyItsOwnCoreVersion_TheOthersOnThatVersionOrLater()
    {
        string[] CoreRanges(string id)
        {
            using var package = ZipFile.OpenRead(Path.Combine(packages.Feed, $"{id}.{packages.Version}.nupkg"));
            var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            return nuspec.Descendants().Where(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "RegistryClient")
                .Select(e => (string)e.Attribute("version")!).Distinct().ToArray();
        }

        Assert.Equal([$"[{packages.Version}]"], CoreRanges("RegistryClient.Fhir"));
        Assert.Equal([packages.Version], CoreRanges("RegistryClient.Outbox.Sqlite"));
    }

    [Fact]
    public void OnlyTheOutboxAndTestingPackages_BringTheSqliteNatives()
    {
        string[] Dependencies(string id)
        {
            using var package = ZipFile.OpenRead(Path.Combine(packages.Feed, $"{id}.{packages.Version}.nupkg"));
            var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            return nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).Distinct().ToArray();
        }

        Assert.DoesNotContain(Dependencies("RegistryClient"), d => d.StartsWith("SQLitePCLRaw", StringComparison.Ordinal) || d.Contains("Sqlite", StringComparison.Ordinal));
        Assert.Contains("SQLitePCLRaw.bundle_e_sqlite3", Dependencies("RegistryClient.Outbox.Sqlite"));
    }

    [Fact]
    public void TheOutboxPackage_GivesAnyCpuNetFrameworkAppsTheSqliteNatives()
    {
        // The targets copy the natives under runtimes/ for an app with no RuntimeIdentifier (the net462 smoke run under
        // Mono proves the outbox then loads them); .NET Core consumers never import them.
        using var package = ZipFile.OpenRead(Path.Combine(packages.Feed, $"RegistryClient.Outbox.Sqlite.{packages.Version}.nupkg"));
        var targets = package.Entries.Where(e => e.FullName.StartsWith("buildTransitive/", StringComparison.Ordinal)).Select(e => e.FullName);

        Assert.Equal(["buildTransitive/net462/RegistryClient.Outbox.Sqlite.targets"], targets);
        using var core = ZipFile.OpenRead(Path.Combine(packages.Feed, $"RegistryClient.{packages.Version}.nupkg"));
        Assert.Equal(["buildTransitive/net462/RegistryClient.targets"], core.Entries.Where(e => e.FullName.StartsWith("buildTransitive/", StringComparison.Ordinal)).Select(e => e.FullName));
    }
}

/// <summary>Packs the library packages once, at a version no earlier run used, into a folder feed.</summary>
public sealed class PackedLibraries : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-consumer-").FullName;

    /// <summary>Unique, so that NuGet's global package cache cannot hand back an older build of the same version.</summary>
    public string Version { get; } = "1.0.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

    public string Feed => Path.Combine(_directory, "feed");

    public async Task InitializeAsync()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        foreach (var project in new[] { "RegistryClient", "RegistryClient.Outbox.Sqlite", "RegistryClient.Testing", "RegistryClient.Fhir" })
        {
            await Dotnet(Samples.RepositoryRoot, "pack", Path.Combine(Samples.RepositoryRoot, "src", project, project + ".csproj"),
                "-c", configuration, "--no-build", "-o", Feed, $"-p:PackageVersion={Version}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A new console project that references <paramref name="packageIds"/> from the feed.</summary>
    public string CreateConsumer(string targetFramework, params string[] packageIds)
    {
        var consumer = Path.Combine(_directory, $"consumer-{targetFramework}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        var references = string.Concat(packageIds.Select(id => $"""<PackageReference Include="{id}" Version="{Version}" />"""));
        File.WriteAllText(Path.Combine(consumer, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{targetFramework}</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>{references}</ItemGroup>
            </Project>
            """);
        return consumer;
    }

    public static async Task<string> Dotnet(string directory, params string[] args)
    {
        var (exit, stdout, stderr) = await ExternalProcess.RunAsync("dotnet", directory, TimeSpan.FromMinutes(5), args);
        Assert.True(exit == 0, $"dotnet {string.Join(" ", args)} failed:\n{stdout}{stderr}");
        return stdout + stderr;
    }
}
