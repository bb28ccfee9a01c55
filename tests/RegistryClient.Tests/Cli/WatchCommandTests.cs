using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Testing;
using RegistryClient.Tests.Mapping;

namespace RegistryClient.Tests.Cli;

/// <summary>`registry watch` as a real process: killed with SIGKILL mid-ingest and restarted, then stopped with SIGTERM.</summary>
[Collection(ExternalResources.Name)]
public sealed class WatchCommandTests : IDisposable
{
    private static readonly string Ris = MappingTestData.ExportFile;
    private static readonly string RisProfile = MappingTestData.ProfileFile;

    private readonly string _directory = Directory.CreateTempSubdirectory("registry-watch-").FullName;

    private string Drop => Path.Combine(_directory, "drop");

    private string OutboxPath => Path.Combine(_directory, "outbox.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [SkippableFact]
    public async Task Watch_KilledMidIngest_ThenRestarted_LosesNoFile_QueuesNoEpisodeTwice_AndStopsCleanlyOnSigterm()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM is sent with kill(1)");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, Latency = TimeSpan.FromMilliseconds(20) });
        Directory.CreateDirectory(Drop);
        const int files = 12;
        var lines = await File.ReadAllLinesAsync(Ris);
        for (var f = 0; f < files; f++)
        {
            // Each file holds the export's episodes under ids of its own: 30 valid episodes a file.
            var renamed = lines.Select((line, i) => i == 0 ? line : RenameEpisode(line, f));
            await File.WriteAllLinesAsync(Path.Combine(Drop, $"export-{f:00}.csv.part"), renamed);
            File.Move(Path.Combine(Drop, $"export-{f:00}.csv.part"), Path.Combine(Drop, $"export-{f:00}.csv"));
        }

        using (var first = new Watch(StartWatch(sandbox)))
        {
            await WaitForAsync(() => Task.FromResult(Summaries() >= 1 || first.HasExited), "the first watch to process one file (or to exit) before it is killed");
            Assert.False(first.HasExited, "registry watch ended on its own: " + first.Output());
            first.Kill(); // SIGKILL: no handler, no flush
            await first.WaitForExitAsync();
        }

        var processedAtKill = Summaries();
        using (var second = new Watch(StartWatch(sandbox)))
        {
            await WaitForAsync(async () => (Summaries() == files && (await sandbox.CountAsync()).Submissions == files * 30) || second.HasExited, $"the restarted watch to process all {files} files and the sandbox to hold {files * 30} cases (or the watch to exit)");
            Assert.False(second.HasExited, "the restarted watch ended on its own: " + second.Output());
            using (var term = Process.Start("kill", ["-TERM", second.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await second.WaitForExitAsync(deadline.Token);
            var stdout = second.Output();
            Assert.True(second.ExitCode == 0, stdout);
            Assert.Contains($"registry watch: stopped; {files * 30} stored, 0 refused, 0 pending", stdout, StringComparison.Ordinal);
        }

        Assert.InRange(processedAtKill, 1, files - 1);
        Assert.Equal((files * 30, files * 30), await sandbox.CountAsync());
        Assert.Empty(Directory.EnumerateFiles(Drop)); // no file lost or left behind
        Assert.Equal(files, Directory.EnumerateFiles(Path.Combine(Drop, "processed"), "export-??.csv").Count());
        SqliteConnection.ClearAllPools();
        using var outbox = await SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var counts = await outbox.CountAsync();
        Assert.Equal((files * 30, 0, 0), (counts.Stored, counts.Pending, counts.Rejected)); // one version per episode: none queued twice
    }

    [SkippableFact]
    public async Task Watch_StopsCleanlyOnCtrlC_SayingWhatIsPending()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(1)");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        Directory.CreateDirectory(Drop);
        using var watch = new Watch(StartWatch(sandbox));
        await WaitForAsync(() => Task.FromResult(watch.Output().Contains("registry watch: watching ", StringComparison.Ordinal) || watch.HasExited), "registry watch to print 'registry watch: watching ' (or to exit)");
        Assert.False(watch.HasExited, watch.Output());

        using (var interrupt = Process.Start("kill", ["-INT", watch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await watch.WaitForExitAsync(deadline.Token);
        Assert.True(watch.ExitCode == 0, watch.Output());
        Assert.Contains("registry watch: stopped; 0 stored, 0 refused, 0 pending", watch.Output(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_WithABadProfile_RefusesToStart_WithExit2()
    {
        Directory.CreateDirectory(Drop);
        var profile = Path.Combine(_directory, "bad.profile.json");
        await File.WriteAllTextAsync(profile, "{ \"not\": \"a profile\" }");
        Environment.SetEnvironmentVariable("REGISTRY_WATCH_TEST_TOKEN", "t");

        var (exit, _, stderr) = await CliRunner.RunAsync("watch", Drop, "--profile", profile, "--endpoint", "http://127.0.0.1:9/", "--token-env", "REGISTRY_WATCH_TEST_TOKEN", "--outbox", OutboxPath);

        Assert.Equal(2, exit);
        Assert.StartsWith("registry watch: " + profile + ":", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_WithAFhirProfile_SaysItTakesExportsOnly_AndWhatToDoInstead()
    {
        Directory.CreateDirectory(Drop);
        Environment.SetEnvironmentVariable("REGISTRY_WATCH_TEST_TOKEN", "t");
        var profile = Path.Combine(Samples.RepositoryRoot, "samples", "fhir", "pmt-registry.fhir.profile.json");

        var (exit, _, stderr) = await CliRunner.RunAsync("watch", Drop, "--profile", profile, "--endpoint", "http://127.0.0.1:9/", "--token-env", "REGISTRY_WATCH_TEST_TOKEN", "--outbox", OutboxPath);

        Assert.Equal(2, exit);
        Assert.Contains("is a FHIR profile; a drop folder takes CSV, JSON-lines and xlsx exports. Map FHIR input with registry map --profile", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(OutboxPath)); // refused before anything was opened
    }

    /// <summary>The child process with both its streams read as they come (a full pipe would block its writes).</summary>
    private sealed class Watch : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public Watch(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public int Id => _process.Id;

        public int ExitCode => _process.ExitCode;

        public string Output()
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }

        public void Kill() => _process.Kill();

        public async Task WaitForExitAsync(CancellationToken cancellationToken = default) => await _process.WaitForExitAsync(cancellationToken);

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.Append(line).Append('\n');
                }
            }
        }
    }

    private int Summaries() => Directory.Exists(Path.Combine(Drop, "processed")) ? Directory.EnumerateFiles(Path.Combine(Drop, "processed"), "*.summary.json").Count() : 0;

    private static string RenameEpisode(string line, int file)
    {
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        var next = comma < 0 ? -1 : line.IndexOf(',', comma + 1);
        return next < 0 ? line : string.Concat(line.AsSpan(0, next), $"-F{file:00}", line.AsSpan(next));
    }

    private Process StartWatch(SandboxServer sandbox)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "registry.dll"), "watch", Drop, "--profile", RisProfile, "--endpoint", sandbox.BaseAddress.ToString(), "--outbox", OutboxPath, "--stable-for", "0.2", "--concurrency", "2" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["REGISTRY_TOKEN"] = sandbox.Token;
        start.Environment["CI"] = "true";
        return Process.Start(start)!;
    }

    /// <summary>Waits (bounded, in real time) until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> when it never does.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.Fail($"Timed out after {deadline.Elapsed.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(20);
        }
    }
}
