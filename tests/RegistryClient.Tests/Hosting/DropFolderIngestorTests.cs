using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Hosting;
using RegistryClient.Testing;
using RegistryClient.Tests.Mapping;

namespace RegistryClient.Tests.Hosting;

/// <summary>
/// The drop folder on real temporary folders, with stability waits on a fake clock: complete files only, mapped,
/// validated and queued once, moved with a summary (or rejected with located errors), duplicates by content never again.
/// </summary>
public sealed class DropFolderIngestorTests : IDisposable
{
    private static readonly string Ris = MappingTestData.ExportFile;
    private static readonly string RisProfile = MappingTestData.ProfileFile;

    private readonly string _directory = Directory.CreateTempSubdirectory("registry-drop-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-03T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private string Drop => Path.Combine(_directory, "drop");

    public void Dispose()
    {
        WorkerHost.ClearPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ACompleteExport_IsQueuedOnce_AndMovedToProcessedWithItsSummaryAndErrors()
    {
        using var host = Host(out var ingestor, out var queue);
        File.Copy(Ris, Path.Combine(Drop, "ris-2026-11.csv"));

        Assert.Equal(TimeSpan.FromSeconds(2), await ingestor.ScanAsync(queue, default)); // seen, not yet stable
        _clock.Advance(TimeSpan.FromSeconds(2));
        await ingestor.ScanAsync(queue, default);

        var counts = await (await queue.GetOutboxAsync()).CountAsync();
        Assert.Equal(30, counts.Pending); // 31 episodes mapped, one invalid (VR006), six rows that did not map
        Assert.False(File.Exists(Path.Combine(Drop, "ris-2026-11.csv")));
        Assert.True(File.Exists(Path.Combine(Drop, "processed", "ris-2026-11.csv")));
        var summary = await File.ReadAllTextAsync(Path.Combine(Drop, "processed", "ris-2026-11.csv.summary.json"));
        Assert.Contains("\"queued\": 30", summary, StringComparison.Ordinal);
        Assert.Contains("\"invalid\": 7", summary, StringComparison.Ordinal);
        var errors = await File.ReadAllLinesAsync(Path.Combine(Drop, "processed", "ris-2026-11.csv.errors.txt"));
        Assert.Contains("ris-2026-11.csv:12:proc_date: error MAPPING: The cell is not a date in the form dd/MM/yyyy.", errors);
        Assert.Contains(errors, e => e.Contains(": error VR006: Consent must be recorded.", StringComparison.Ordinal));
        var csv = await File.ReadAllLinesAsync(Path.Combine(Drop, "processed", "ris-2026-11.csv.errors.csv"));
        Assert.Equal("file,row,column,code,message", csv[0]);
        Assert.Equal(8, csv.Length);
        AssertNoIdentifiers(summary + string.Join("\n", errors) + string.Join("\n", csv));
    }

    [Fact]
    public async Task AnIngestedEpisode_IsQueuedAsTheMappedDocumentItself_WithTheKeyATypedEnqueueGives()
    {
        using var host = Host(out var ingestor, out var queue);
        File.Copy(Ris, Path.Combine(Drop, "ris.csv"));
        await Stable(ingestor, queue);

        // What `registry map` writes for the sample, line by line: the queued bodies are those lines, not a re-serialisation.
        var mapped = File.ReadAllLines(Path.Combine(Samples.RepositoryRoot, "tests", "RegistryClient.Tests", "Mapping", "Expected", "ris-export.ndjson"));
        var pending = await (await queue.GetOutboxAsync()).PendingAsync(0, 100);
        Assert.Equal(30, pending.Count);
        foreach (var entry in pending)
        {
            var body = System.Text.Encoding.UTF8.GetString(entry.Body);
            Assert.Contains(body, mapped);
            var typed = RegistryClient.Http.PreparedSubmission.From(RegistryClient.Model.SubmissionJson.Deserialize(entry.Body));
            Assert.Equal(typed.IdempotencyKey, entry.IdempotencyKey);
            Assert.Equal(typed.ContentHash, entry.ContentHash);
        }
    }

    [Fact]
    public async Task AHalfWrittenFile_WaitsUntilItStopsGrowing_ThenIsIngestedWhole()
    {
        using var host = Host(out var ingestor, out var queue);
        var lines = await File.ReadAllLinesAsync(Ris);
        var path = Path.Combine(Drop, "growing.csv");
        await File.WriteAllLinesAsync(path, lines.Take(10));
        await ingestor.ScanAsync(queue, default);
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        await File.AppendAllLinesAsync(path, lines.Skip(10)); // the writer goes on before the file was stable for 2 s
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(1));
        await ingestor.ScanAsync(queue, default);
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        await ingestor.ScanAsync(queue, default);
        Assert.True(File.Exists(path), "a file that changed within the stability window was taken");

        _clock.Advance(TimeSpan.FromSeconds(1));
        await ingestor.ScanAsync(queue, default);

        Assert.Equal(30, (await (await queue.GetOutboxAsync()).CountAsync()).Pending);
        Assert.True(File.Exists(Path.Combine(Drop, "processed", "growing.csv")));
    }

    [Fact]
    public async Task ATemporaryNameRenamedIn_IsIngestedOnlyOnceRenamed()
    {
        using var host = Host(out var ingestor, out var queue);
        var temporary = Path.Combine(Drop, "export.csv.part");
        File.Copy(Ris, temporary);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.MaxValue, await ingestor.ScanAsync(queue, default));
        Assert.True(File.Exists(temporary));

        File.Move(temporary, Path.Combine(Drop, "export.csv"));
        await ingestor.ScanAsync(queue, default);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await ingestor.ScanAsync(queue, default);

        Assert.True(File.Exists(Path.Combine(Drop, "processed", "export.csv")));
        Assert.Equal(30, (await (await queue.GetOutboxAsync()).CountAsync()).Pending);
    }

    [Fact]
    public async Task TheSameContentDroppedAgain_UnderAnotherName_IsNotIngestedTwice()
    {
        using var host = Host(out var ingestor, out var queue);
        File.Copy(Ris, Path.Combine(Drop, "first.csv"));
        await Stable(ingestor, queue);
        File.Copy(Ris, Path.Combine(Drop, "again.csv"));
        await Stable(ingestor, queue);

        Assert.Equal(30, (await (await queue.GetOutboxAsync()).CountAsync()).Pending);
        var summary = await File.ReadAllTextAsync(Path.Combine(Drop, "processed", "again.csv.summary.json"));
        Assert.Contains("\"outcome\": \"duplicate\"", summary, StringComparison.Ordinal);
        Assert.Contains("\"duplicateOf\": \"first.csv\"", summary, StringComparison.Ordinal);
        Assert.Contains("\"queued\": 0", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileWithNoValidEpisode_IsRejectedWithLocatedErrors()
    {
        using var host = Host(out var ingestor, out var queue);
        await File.WriteAllTextAsync(Path.Combine(Drop, "wrong.csv"), "this,is,not,the,export\n1,2,3,4,5\n");
        await Stable(ingestor, queue);

        Assert.True(File.Exists(Path.Combine(Drop, "rejected", "wrong.csv")));
        Assert.True(File.Exists(Path.Combine(Drop, "rejected", "wrong.csv.errors.csv")));
        var errors = await File.ReadAllTextAsync(Path.Combine(Drop, "rejected", "wrong.csv.errors.txt"));
        Assert.StartsWith("wrong.csv:", errors, StringComparison.Ordinal);
        Assert.Equal(0, (await (await queue.GetOutboxAsync()).CountAsync()).Pending);
    }

    [Fact]
    public async Task KilledAfterQueuingBeforeTheMove_TheRestartQueuesNothingTwice_AndMovesTheFile()
    {
        using (var host = Host(out var ingestor, out var queue))
        {
            File.Copy(Ris, Path.Combine(Drop, "ris.csv"));
            await Stable(ingestor, queue);
        }

        // As if killed between the ledger entry and the move: the file is back in the drop folder, the ledger says done.
        File.Move(Path.Combine(Drop, "processed", "ris.csv"), Path.Combine(Drop, "ris.csv"));
        File.Delete(Path.Combine(Drop, "processed", "ris.csv.summary.json"));
        WorkerHost.ClearPools();
        using (var host = Host(out var ingestor, out var queue))
        {
            await Stable(ingestor, queue);
            Assert.Equal(30, (await (await queue.GetOutboxAsync()).CountAsync()).Pending);
            var summary = await File.ReadAllTextAsync(Path.Combine(Drop, "processed", "ris.csv.summary.json"));
            Assert.Contains("\"queued\": 30", summary, StringComparison.Ordinal);
        }

        // And killed before the ledger entry: mapping again finds every episode already queued.
        File.Move(Path.Combine(Drop, "processed", "ris.csv"), Path.Combine(Drop, "ris.csv"));
        File.Delete(Path.Combine(Drop, "processed", "ris.csv.summary.json"));
        Directory.Delete(Path.Combine(Drop, ".registry"), recursive: true);
        WorkerHost.ClearPools();
        using (var host = Host(out var ingestor, out var queue))
        {
            await Stable(ingestor, queue);
            Assert.Equal(30, (await (await queue.GetOutboxAsync()).CountAsync()).Pending);
            var summary = await File.ReadAllTextAsync(Path.Combine(Drop, "processed", "ris.csv.summary.json"));
            Assert.Contains("\"alreadyQueued\": 30", summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheWorker_DrainsDroppedExports_ToOneCasePerValidEpisode()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, FailRate = 0.2, Seed = 7, RetryAfterSeconds = 0 });
        using var host = WorkerHost.Build(sandbox.BaseAddress, sandbox.Token, Path.Combine(_directory, "outbox.db"), o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.DropFolder = new DropFolderOptions { Path = Drop, Profile = RisProfile, StableFor = TimeSpan.FromMilliseconds(200) };
        });
        Directory.CreateDirectory(Drop);
        await host.StartAsync();
        File.Copy(Ris, Path.Combine(Drop, "ris.csv.tmp"));
        File.Move(Path.Combine(Drop, "ris.csv.tmp"), Path.Combine(Drop, "ris.csv"));
        File.Copy(Ris, Path.Combine(Drop, "ris-copy.csv"));
        await File.WriteAllTextAsync(Path.Combine(Drop, "theatre.csv"), "theatre,export,with,another,header\n1,2,3,4,5\n");
        await WorkerHost.Until(() => Task.FromResult(File.Exists(Path.Combine(Drop, "processed", "ris.csv.summary.json"))
            && File.Exists(Path.Combine(Drop, "processed", "ris-copy.csv.summary.json"))
            && File.Exists(Path.Combine(Drop, "rejected", "theatre.csv.summary.json"))), "the three files were moved");
        await host.DrainedAsync(30);
        await host.StopAsync();

        Assert.Equal((30, 30), await sandbox.CountAsync()); // one case per valid episode, though the export came twice
        Assert.Empty(Directory.EnumerateFiles(Drop));
        var processed = Directory.EnumerateFiles(Path.Combine(Drop, "processed")).Select(Path.GetFileName).ToList();
        Assert.Contains("ris.csv", processed);
        Assert.Contains("ris-copy.csv", processed);
        var summaries = new[] { "ris.csv", "ris-copy.csv" }.Select(f => File.ReadAllText(Path.Combine(Drop, "processed", f + ".summary.json"))).ToList();
        Assert.Single(summaries, t => t.Contains("\"outcome\": \"duplicate\"", StringComparison.Ordinal)); // whichever came second
        Assert.Single(summaries, t => t.Contains("\"queued\": 30", StringComparison.Ordinal));
        Assert.Equal(2, processed.Count(f => f!.EndsWith(".errors.txt", StringComparison.Ordinal) || f.EndsWith(".errors.csv", StringComparison.Ordinal)));
        Assert.Equal(
            ["theatre.csv", "theatre.csv.errors.csv", "theatre.csv.errors.txt", "theatre.csv.summary.json"],
            Directory.EnumerateFiles(Path.Combine(Drop, "rejected")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private Microsoft.Extensions.Hosting.IHost Host(out DropFolderIngestor ingestor, out SubmissionQueue queue)
    {
        var host = WorkerHost.Build(new Uri("http://127.0.0.1:9/"), "t", Path.Combine(_directory, "outbox.db"),
            o => o.DropFolder = new DropFolderOptions { Path = Drop, Profile = RisProfile },
            services: s => s.AddSingleton<TimeProvider>(_clock));
        ingestor = host.Services.GetRequiredService<DropFolderHolder>().Ingestor!;
        queue = host.Queue();
        return host;
    }

    private async Task Stable(DropFolderIngestor ingestor, SubmissionQueue queue)
    {
        await ingestor.ScanAsync(queue, default);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await ingestor.ScanAsync(queue, default);
    }

    private static void AssertNoIdentifiers(string text)
    {
        var export = File.ReadAllLines(Ris).Skip(1).Select(l => l.Split(',')).Where(f => f.Length > 3).ToList();
        foreach (var fields in export)
        {
            Assert.DoesNotContain(fields[2].Replace(" ", "", StringComparison.Ordinal) is { Length: >= 10 } nhs ? nhs : "\u0000", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
            if (fields[3].Length >= 8)
            {
                Assert.DoesNotContain(fields[3], text, StringComparison.Ordinal);
            }
        }
    }
}
