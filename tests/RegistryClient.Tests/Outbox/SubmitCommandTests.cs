using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RegistryClient.Tests.Cli;
using RegistryClient.Tests.Http;
using RegistryClient.Model;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Outbox;

public sealed class SubmitCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-submit-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Submit_QueuesValidOnes_ReportsInvalidOnes_AndARerunSendsNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        Environment.SetEnvironmentVariable("SUBMIT_TEST_TOKEN", sandbox.Token);
        var outbox = Path.Combine(_directory, "outbox.db");
        string[] args = ["submit", Samples.ValidDirectory, Path.Combine(Samples.InvalidDirectory, "vr006-consent-not-recorded.json"),
            "--endpoint", sandbox.BaseAddress.ToString(), "--token-env", "SUBMIT_TEST_TOKEN", "--outbox", outbox];

        var (exit, stdout, stderr) = await CliRunner.RunAsync(args);
        var requests = sandbox.Requests;
        var (again, againOut, _) = await CliRunner.RunAsync(args);

        Assert.Equal(1, exit); // one invalid file
        Assert.Contains("vr006-consent-not-recorded.json:", stderr, StringComparison.Ordinal);
        Assert.Contains("accepted 10", stdout, StringComparison.Ordinal);
        Assert.Equal(1, again);
        Assert.Contains("10 of them settled by an earlier run", againOut, StringComparison.Ordinal);
        Assert.Equal(requests, sandbox.Requests);
        Assert.Equal((10, 10), await sandbox.CountAsync());
    }

    [Fact]
    public async Task Submit_WithoutAToken_IsAUsageError()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("submit", Samples.ValidDirectory, "--endpoint", "http://127.0.0.1:9/", "--token-env", "NO_SUCH_VARIABLE_SET");

        Assert.Equal(2, exit);
        Assert.Contains("NO_SUCH_VARIABLE_SET", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The crash test: a real `registry submit` process sending 1,000 submissions through 20% faults is killed with
    /// SIGKILL partway, then run again; the registry must hold exactly 1,000, one per local record.
    /// </summary>
    [Fact]
    public async Task Submit_KilledPartway_ThenRerun_StoresEachSubmissionExactlyOnce()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, FailRate = 0.2, RetryAfterSeconds = 0, Seed = 1000 });
        var input = Path.Combine(_directory, "thousand.ndjson");
        await File.WriteAllLinesAsync(input, TestSubmissions.Many(1000).Select(s => JsonSerializer.Serialize(s, RegistryJsonContext.Default.Submission)));
        var outbox = Path.Combine(_directory, "outbox.db");

        using (var first = StartSubmit(sandbox, input, outbox))
        {
            var deadline = Stopwatch.StartNew();
            while ((await sandbox.CountAsync()).Submissions < 150 && !first.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(20);
            }

            Assert.False(first.HasExited, "the first run finished before it could be killed; nothing was tested");
            first.Kill(); // SIGKILL on Linux: no handler, no flush, no goodbye
            await first.WaitForExitAsync();
        }

        var storedAtKill = (await sandbox.CountAsync()).Submissions;
        using (var second = StartSubmit(sandbox, input, outbox))
        {
            var output = await second.StandardOutput.ReadToEndAsync();
            await second.WaitForExitAsync();
            Assert.True(second.ExitCode == 0, output + await second.StandardError.ReadToEndAsync());
        }

        Assert.InRange(storedAtKill, 150, 999);
        Assert.Equal((1000, 1000), await sandbox.CountAsync());
    }

    private static Process StartSubmit(SandboxServer sandbox, string input, string outbox)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "registry.dll"), "submit", input, "--endpoint", sandbox.BaseAddress.ToString(), "--outbox", outbox, "--concurrency", "8" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["REGISTRY_TOKEN"] = sandbox.Token;
        start.Environment["CI"] = "true";
        return Process.Start(start)!;
    }
}
