using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Testing;
using RegistryClient.Tests.Cli;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

[Collection(ExternalResources.Name)]
public sealed partial class SubmitCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-submit-").FullName;

    private string OutboxPath => Path.Combine(_directory, "outbox.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Submit_QueuesValidOnes_ReportsInvalidOnes_AndARerunSendsNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        string[] args = ["submit", Samples.ValidDirectory, Path.Combine(Samples.InvalidDirectory, "vr006-consent-not-recorded.json"), .. Connection(sandbox)];

        var (exit, stdout, stderr) = await CliRunner.RunAsync(args);
        var requests = sandbox.Requests;
        var (again, againOut, _) = await CliRunner.RunAsync(args);

        Assert.Equal(1, exit); // one invalid file
        Assert.Contains("vr006-consent-not-recorded.json:", stderr, StringComparison.Ordinal);
        Assert.Contains("this run: created 10, amended 0, unchanged 0, stale 0, conflict 0, rejected 0, withdrawn 0; pending 0.", stdout, StringComparison.Ordinal);
        Assert.Equal(1, again);
        Assert.Contains("10 settled by an earlier run and not sent again; this run: created 0,", againOut, StringComparison.Ordinal);
        Assert.Equal(requests, sandbox.Requests);
        Assert.Equal((10, 10), await sandbox.CountAsync());
    }

    /// <summary>
    /// The story of the issue, by hand: submit a sample, then the same sample with one more follow-up, then the first
    /// file again. One case, at version 2, holding the follow-up; the third run is stale and sends nothing.
    /// </summary>
    [Fact]
    public async Task Submit_ThenAFollowUp_ThenTheOldFileAgain_LeavesOneCaseAtVersion2_AndTheOldFileIsStale()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (before, after) = TestCases.LastFollowUp();
        var first = await WriteAsync("export-2025-02.json", before);
        var second = await WriteAsync("export-2025-03.json", after);

        var run1 = await CliRunner.RunAsync(["submit", first, .. Connection(sandbox)]);
        var run2 = await CliRunner.RunAsync(["submit", second, .. Connection(sandbox)]);
        var requests = sandbox.Requests;
        var run3 = await CliRunner.RunAsync(["submit", first, .. Connection(sandbox)]);

        Assert.Equal(0, run1.ExitCode);
        Assert.Contains("created 1, amended 0", run1.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, run2.ExitCode);
        Assert.Contains("created 0, amended 1", run2.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, run3.ExitCode);
        Assert.Contains($"stale {before.LocalRecordId}: older than the case's latest version in this outbox", run3.Stdout, StringComparison.Ordinal);
        Assert.Contains("created 0, amended 0, unchanged 0, stale 1, conflict 0, rejected 0", run3.Stdout, StringComparison.Ordinal);
        Assert.Equal(requests, sandbox.Requests); // the stale run sent nothing at all
        var registryCase = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal((2, SubmissionContentHash.Compute(after)), (registryCase.Version, registryCase.ContentHash));
        Assert.Equal(2, (await sandbox.GetHistoryAsync(registryCase.Id)).Count);
    }

    [Fact]
    public async Task Withdraw_ThenResubmit_IsRefusedAsWithdrawn_AndReported()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (before, after) = TestCases.LastFollowUp();
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("a.json", before), .. Connection(sandbox)])).ExitCode);

        var withdraw = await CliRunner.RunAsync("withdraw", "RJ1", before.LocalRecordId, "--reason", "consentWithdrawn", "--endpoint", sandbox.BaseAddress.ToString(), "--token-env", TokenVariable(sandbox));
        var again = await CliRunner.RunAsync("withdraw", "RJ1", before.LocalRecordId, "--reason", "consentWithdrawn", "--endpoint", sandbox.BaseAddress.ToString(), "--token-env", TokenVariable(sandbox));
        var resubmit = await CliRunner.RunAsync(["submit", await WriteAsync("b.json", after), .. Connection(sandbox)]);

        Assert.True(withdraw.ExitCode == 0, withdraw.Stderr);
        Assert.Contains($"withdrawn RJ1 {before.LocalRecordId}: case ", withdraw.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode); // withdrawing again answers the same tombstone
        Assert.Equal(1, resubmit.ExitCode);
        Assert.Contains($"withdrawn {before.LocalRecordId}: the registry's case was withdrawn; it can never be re-created", resubmit.Stdout, StringComparison.Ordinal);
        Assert.Contains("withdrawn 1; pending 0.", resubmit.Stdout, StringComparison.Ordinal);
        var tombstone = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal((CaseStatus.Withdrawn, 1), (tombstone.Status, tombstone.Version));
    }

    [Fact]
    public async Task Withdraw_OfAnUnknownCase_IsExit1_AndABadReasonIsAUsageError()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });

        var unknown = await CliRunner.RunAsync("withdraw", "RJ1", "RJ1-PMT-NOSUCH", "--reason", "duplicate", "--endpoint", sandbox.BaseAddress.ToString(), "--token-env", TokenVariable(sandbox));
        var badReason = await CliRunner.RunAsync("withdraw", "RJ1", "RJ1-PMT-NOSUCH", "--reason", "changedMyMind", "--endpoint", sandbox.BaseAddress.ToString(), "--token-env", TokenVariable(sandbox));

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("holds no case RJ1-PMT-NOSUCH for organisation RJ1", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badReason.ExitCode);
    }

    [Fact]
    public async Task Submit_WithoutAToken_IsAUsageError()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("submit", Samples.ValidDirectory, "--endpoint", "http://127.0.0.1:9/", "--token-env", "NO_SUCH_VARIABLE_SET");

        Assert.Equal(2, exit);
        Assert.Contains("NO_SUCH_VARIABLE_SET", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_OfAnEmptyDirectory_IsExit2_AndTouchesNothing()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;
        Environment.SetEnvironmentVariable("SUBMIT_EMPTY_TOKEN", "t");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("submit", empty, "--endpoint", "http://127.0.0.1:9/", "--token-env", "SUBMIT_EMPTY_TOKEN", "--outbox", OutboxPath);

        Assert.Equal(2, exit);
        Assert.Contains("holds no submission document", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(OutboxPath));
    }

    [Fact]
    public async Task Submit_ToAnUnreachableRegistry_SaysWhyEachSubmissionIsPending()
    {
        Environment.SetEnvironmentVariable("SUBMIT_UNREACHABLE_TOKEN", "t");
        var input = await WriteAsync("two.ndjson", TestSubmissions.Many(2).ToArray());

        var (exit, stdout, stderr) = await CliRunner.RunAsync("submit", input, "--endpoint", "http://127.0.0.1:9/", "--token-env", "SUBMIT_UNREACHABLE_TOKEN",
            "--outbox", OutboxPath, "--max-retries", "1");

        Assert.Equal(2, exit);
        foreach (var localRecordId in new[] { "RJ1-PMT-LOAD-00001", "RJ1-PMT-LOAD-00002" })
        {
            Assert.Contains($"pending {localRecordId}: 1 attempt(s), last error: network error: connection refused (is the registry running at this endpoint?) (after 2 HTTP attempts)", stdout, StringComparison.Ordinal);
        }

        Assert.Contains("pending 2.", stdout, StringComparison.Ordinal);
        Assert.Contains("run the same command again", stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b999\d{7}\b", stdout + stderr);
    }

    [Fact]
    public async Task Submit_WithHttpsToAnHttpPort_SaysWhyItIsPending()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var https = new UriBuilder(sandbox.BaseAddress) { Scheme = "https" }.Uri.ToString();
        var input = await WriteAsync("one.json", TestSubmissions.Load());

        var (exit, stdout, _) = await CliRunner.RunAsync("submit", input, "--endpoint", https, "--token-env", TokenVariable(sandbox), "--outbox", OutboxPath, "--max-retries", "0");

        Assert.Equal(2, exit);
        var line = Assert.Single(stdout.Split('\n'), l => l.StartsWith("pending RJ1-", StringComparison.Ordinal));
        Assert.EndsWith("1 attempt(s), last error: network error: TLS handshake failed (is the endpoint https on a port that speaks plain http, or is its certificate untrusted?)", line, StringComparison.Ordinal);
        Assert.Equal((0, 0), await sandbox.CountAsync());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("text")]
    public async Task Submit_WithACorruptOutbox_IsOneLineAndExit2_AndSendsNothing(string kind)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        if (kind == "garbage")
        {
            await File.WriteAllBytesAsync(OutboxPath, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 253))]);
        }
        else
        {
            await File.WriteAllTextAsync(OutboxPath, "this is not an outbox\n");
        }

        var (exit, _, stderr) = await CliRunner.RunAsync(["submit", Samples.ValidDirectory, .. Connection(sandbox)]);

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith($"registry submit: The outbox {OutboxPath} is not a readable outbox", line, StringComparison.Ordinal);
        Assert.Contains("move it aside and run again", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Equal(0, sandbox.Requests);
    }

    [SkippableFact]
    public async Task Submit_WithTheOutboxOnAFullDisk_IsOneLineAndExit2()
    {
        await using var disk = await SmallDisk.MountAsync(kilobytes: 256);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var outbox = Path.Combine(disk.Path, "outbox.db");
        disk.Fill();

        var (exit, _, stderr) = await CliRunner.RunAsync(["submit", Samples.ValidDirectory, .. Connection(sandbox, outbox)]);

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith($"registry submit: The outbox {outbox} ", line, StringComparison.Ordinal);
        Assert.Contains("full", line, StringComparison.Ordinal);
        Assert.Equal(0, sandbox.Requests);
    }

    /// <summary>Two real `registry submit` processes on one outbox: the second waits, then refuses, naming the first's pid.</summary>
    [Fact]
    public async Task TwoSubmitProcesses_OnOneOutbox_TheSecondRefusesNamingTheFirst()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, Latency = TimeSpan.FromMilliseconds(100) });
        var input = await WriteAsync("many.ndjson", TestSubmissions.Many(400).ToArray());

        using var first = StartSubmit(sandbox, input, OutboxPath, concurrency: 1);
        try
        {
            await WaitForAsync(async () => (await sandbox.CountAsync()).Submissions > 0 || first.HasExited, "the first submit to store a case (or to exit)");
            Assert.False(first.HasExited, "the first run ended before the second started; nothing was tested");
            using var second = StartSubmit(sandbox, input, OutboxPath, concurrency: 1);
            var stderr = await second.StandardError.ReadToEndAsync();
            await second.WaitForExitAsync();

            Assert.Equal(2, second.ExitCode);
            Assert.Equal($"registry submit: Another process (pid {first.Id}) is using the outbox {OutboxPath}; wait for it to finish. Or use another --outbox.", stderr.Trim());
        }
        finally
        {
            first.Kill();
            await first.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Two processes, each with its own outbox (two machines, say), amend the same 20 cases at once with different
    /// content: no update is lost (each amendment is a version of the one case) and no second case appears.
    /// </summary>
    /// <summary>
    /// The crash test: a real `registry submit` process sending 500 cases, each as two versions (the episode at
    /// discharge, then with its 24-month follow-up), through 20% faults is killed with SIGKILL partway, then run again;
    /// the registry must hold exactly one case per episode, at version 2, holding the latest content.
    /// </summary>
    [Fact]
    public async Task Submit_KilledPartway_ThenRerun_LeavesOneCasePerEpisodeHoldingTheLatestContent()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, FailRate = 0.2, RetryAfterSeconds = 0, Seed = 1000 });
        var versions = Enumerable.Range(1, 500).Select(i => TestCases.LastFollowUp($"RJ1-PMT-LOAD-{i:00000}")).ToList();
        var input = await WriteAsync("thousand.ndjson", [.. versions.Select(v => v.Before), .. versions.Select(v => v.After)]);

        using (var first = StartSubmit(sandbox, input, OutboxPath, concurrency: 8))
        {
            await WaitForAsync(async () => (await sandbox.CountAsync()).Submissions >= 150 || first.HasExited, "the first submit to store 150 cases (or to exit) before it is killed");
            Assert.False(first.HasExited, "the first run finished before it could be killed; nothing was tested");
            first.Kill(); // SIGKILL on Linux: no handler, no flush, no goodbye
            await first.WaitForExitAsync();
        }

        var casesAtKill = (await sandbox.CountAsync()).Submissions;
        using (var second = StartSubmit(sandbox, input, OutboxPath, concurrency: 8))
        {
            var output = await second.StandardOutput.ReadToEndAsync();
            await second.WaitForExitAsync();
            Assert.True(second.ExitCode == 0, output + await second.StandardError.ReadToEndAsync());
        }

        Assert.InRange(casesAtKill, 150, 499);
        var cases = await CasesAsync(sandbox);
        Assert.Equal(500, cases.Count);
        var latest = versions.ToDictionary(v => v.After.LocalRecordId, v => SubmissionContentHash.Compute(v.After), StringComparer.Ordinal);
        Assert.All(cases, c => Assert.Equal((2, latest[c.LocalRecordId]), (c.Version, c.ContentHash)));
    }

    internal static async Task<List<SubmissionReceipt>> CasesAsync(SandboxServer sandbox)
    {
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        var cases = new List<SubmissionReceipt>();
        await foreach (var receipt in client.ListSubmissionsAsync("RJ1"))
        {
            cases.Add(receipt);
        }

        return cases;
    }

    private string[] Connection(SandboxServer sandbox, string? outbox = null) =>
        ["--endpoint", sandbox.BaseAddress.ToString(), "--token-env", TokenVariable(sandbox), "--outbox", outbox ?? OutboxPath];

    private static string TokenVariable(SandboxServer sandbox)
    {
        Environment.SetEnvironmentVariable("SUBMIT_TEST_TOKEN", sandbox.Token);
        return "SUBMIT_TEST_TOKEN";
    }

    private async Task<string> WriteAsync(string name, params Submission[] submissions)
    {
        var path = Path.Combine(_directory, name);
        if (name.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            await File.WriteAllLinesAsync(path, submissions.Select(s => JsonSerializer.Serialize(s, RegistryJsonContext.Default.Submission)));
        }
        else
        {
            await File.WriteAllBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(submissions.Single(), RegistryJsonContext.Default.Submission));
        }

        return path;
    }

    /// <summary>Waits (bounded, in real time) until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> when it never does.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                Assert.Fail($"Timed out after {deadline.Elapsed.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    private static Process StartSubmit(SandboxServer sandbox, string input, string outbox, int concurrency)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "registry.dll"), "submit", input, "--endpoint", sandbox.BaseAddress.ToString(), "--outbox", outbox, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["REGISTRY_TOKEN"] = sandbox.Token;
        start.Environment["CI"] = "true";
        return Process.Start(start)!;
    }
}
