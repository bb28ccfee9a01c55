using System.Globalization;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Testing;
using RegistryClient.Tests.Cli;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

/// <summary>
/// Issue 18, "a case only moves forward", end to end through <c>registry submit</c> and the sandbox: an old export, a
/// rebuilt host's new outbox, a correction back to earlier content, and two systems writing one case. Each scenario
/// failed before: the registry's content went backwards while every run reported success.
/// </summary>
public sealed partial class SubmitCommandTests
{
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-11-02T09:00:00Z", CultureInfo.InvariantCulture);

    private static Submission Dated(Submission submission, DateTimeOffset at) =>
        submission with { Submitter = submission.Submitter with { RecordUpdatedAt = at } };

    [Fact]
    public async Task AnOldVersion_FromANewOutbox_IsStale_AndTheRegistryKeepsItsNewerContent()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var versions = TestCases.Growing(); // 0, 1, 2, 3 and 4 follow-ups
        foreach (var (version, name) in new[] { (versions[0], "v0.json"), (versions[1], "v1.json"), (versions[4], "v4.json") })
        {
            Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync(name, version), .. Connection(sandbox, Path.Combine(_directory, "a.db"))])).ExitCode);
        }

        var rebuilt = await CliRunner.RunAsync(["submit", Path.Combine(_directory, "v1.json"), .. Connection(sandbox, Path.Combine(_directory, "b.db"))]);

        Assert.Equal(0, rebuilt.ExitCode);
        Assert.Contains($"stale {versions[1].LocalRecordId}: the registry holds newer content of the case (version 3)", rebuilt.Stdout, StringComparison.Ordinal);
        Assert.Contains("created 0, amended 0, unchanged 0, stale 1, conflict 0", rebuilt.Stdout, StringComparison.Ordinal);
        var registryCase = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal((3, SubmissionContentHash.Compute(versions[4])), (registryCase.Version, registryCase.ContentHash)); // four follow-ups, none lost
    }

    [Fact]
    public async Task AToBToA_WithoutRecordUpdatedAt_IsRefusedAsStale_OnTheSameAndOnANewOutbox_SayingHowToSendACorrection()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (a, b) = TestCases.LastFollowUp();
        var fileA = await WriteAsync("a.json", a);
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", fileA, .. Connection(sandbox)])).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("b.json", b), .. Connection(sandbox)])).ExitCode);

        var sameOutbox = await CliRunner.RunAsync(["submit", fileA, .. Connection(sandbox)]);
        var newOutbox = await CliRunner.RunAsync(["submit", fileA, .. Connection(sandbox, Path.Combine(_directory, "new.db"))]);

        Assert.Contains($"stale {a.LocalRecordId}:", sameOutbox.Stdout, StringComparison.Ordinal);
        Assert.Contains($"stale {a.LocalRecordId}:", newOutbox.Stdout, StringComparison.Ordinal);
        Assert.All(new[] { sameOutbox.Stdout, newOutbox.Stdout }, output => Assert.Contains("needs a newer submitter.recordUpdatedAt", output, StringComparison.Ordinal));
        var registryCase = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal((2, SubmissionContentHash.Compute(b)), (registryCase.Version, registryCase.ContentHash));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AToBToA_WithANewerRecordUpdatedAt_IsDeliveredAsTheNextVersion(bool sameOutbox)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (before, after) = TestCases.LastFollowUp();
        var (a, b, correction) = (Dated(before, Monday), Dated(after, Monday.AddDays(1)), Dated(before, Monday.AddDays(2)));
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("a.json", a), .. Connection(sandbox)])).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("b.json", b), .. Connection(sandbox)])).ExitCode);

        var run = await CliRunner.RunAsync(["submit", await WriteAsync("a-corrected.json", correction), .. Connection(sandbox, sameOutbox ? null : Path.Combine(_directory, "new.db"))]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("created 0, amended 1, unchanged 0, stale 0, conflict 0", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("unverified", run.Stdout, StringComparison.Ordinal); // ordered by time: nothing to doubt
        var registryCase = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal((3, SubmissionContentHash.Compute(a)), (registryCase.Version, registryCase.ContentHash));
    }

    [Fact]
    public async Task TwoDocumentsOfOneCase_InOneFile_AreSentInOrderAsTwoVersions_AndRecordedAsTheRegistryHoldsThem()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (before, after) = TestCases.LastFollowUp();

        var run = await CliRunner.RunAsync(["submit", await WriteAsync("both.ndjson", before, after), .. Connection(sandbox)]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("created 1, amended 1", run.Stdout, StringComparison.Ordinal);
        var registryCase = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal((2, SubmissionContentHash.Compute(after)), (registryCase.Version, registryCase.ContentHash));
        using var outbox = await RegistryClient.Outbox.Sqlite.SqliteSubmissionOutbox.OpenAsync(OutboxPath);
        var recorded = await outbox.HistoryAsync("RJ1", before.LocalRecordId);
        Assert.Equal([(SubmissionStatus.Created, 1, SubmissionContentHash.Compute(before)), (SubmissionStatus.Amended, 2, SubmissionContentHash.Compute(after))],
            recorded.Select(v => (v.Outcome!.Value, v.RegistryVersion!.Value, v.ContentHash)));
    }

    /// <summary>
    /// Two systems (two hosts, two outboxes) send one case, dated by the source: whichever order they arrive in, the
    /// newer content is what the registry holds and the older is reported stale, never stored over it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TwoOutboxes_WithRecordUpdatedAt_TheNewerContentWins_AndTheOlderIsStale(bool newerFirst)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (before, after) = TestCases.LastFollowUp();
        var older = Dated(before with { Outcome = before.Outcome! with { EarlyAmbulation = !(before.Outcome.EarlyAmbulation ?? false) } }, Monday);
        var newer = Dated(after, Monday.AddHours(3));
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("first.json", Dated(before, Monday.AddHours(-1))), .. Connection(sandbox, Path.Combine(_directory, "setup.db"))])).ExitCode);

        var (firstDoc, secondDoc) = newerFirst ? (newer, older) : (older, newer);
        var first = await CliRunner.RunAsync(["submit", await WriteAsync("x.json", firstDoc), .. Connection(sandbox, Path.Combine(_directory, "x.db"))]);
        var second = await CliRunner.RunAsync(["submit", await WriteAsync("y.json", secondDoc), .. Connection(sandbox, Path.Combine(_directory, "y.db"))]);

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        var olderRun = newerFirst ? second : first;
        if (newerFirst)
        {
            Assert.Contains($"stale {older.LocalRecordId}:", olderRun.Stdout, StringComparison.Ordinal);
        }

        var registryCase = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal(SubmissionContentHash.Compute(newer), registryCase.ContentHash);
        Assert.Equal(newerFirst ? 2 : 3, registryCase.Version);
    }

    /// <summary>
    /// Without recordUpdatedAt nothing orders two systems' writes. The first to replace content it never saw is
    /// reported "unverified"; the other outbox, whose own base the case has moved past, gets a conflict naming both
    /// versions and exit 1: never a silent overwrite of content the writer never saw.
    /// </summary>
    [Fact]
    public async Task TwoOutboxes_WithoutRecordUpdatedAt_ReportTheUnorderedOverwrite_AndTheConflict_NeverASilentWin()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (before, after) = TestCases.LastFollowUp();
        var theirs = after with { Outcome = after.Outcome! with { EarlyAmbulation = !(after.Outcome.EarlyAmbulation ?? false) } };
        var systemA = Path.Combine(_directory, "a.db");
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("v1.json", before), .. Connection(sandbox, systemA)])).ExitCode);

        var systemB = await CliRunner.RunAsync(["submit", await WriteAsync("theirs.json", theirs), .. Connection(sandbox, Path.Combine(_directory, "b.db"))]);
        var systemAAgain = await CliRunner.RunAsync(["submit", await WriteAsync("ours.json", after), .. Connection(sandbox, systemA)]);

        Assert.Equal(0, systemB.ExitCode);
        Assert.Contains($"unverified {theirs.LocalRecordId}: amended to version 2 over registry content this outbox never stored", systemB.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, systemAAgain.ExitCode);
        Assert.Contains($"conflict {after.LocalRecordId}: another writer changed the case since version 1 (the registry is at version 2)", systemAAgain.Stdout, StringComparison.Ordinal);
        Assert.Contains("a person must decide", systemAAgain.Stderr, StringComparison.Ordinal);
        var registryCase = Assert.Single(await CasesAsync(sandbox));
        Assert.Equal((2, SubmissionContentHash.Compute(theirs)), (registryCase.Version, registryCase.ContentHash));
    }

    /// <summary>Two real processes racing on 20 cases, each dated by its source: every case ends on the newer content.</summary>
    [Fact]
    public async Task TwoProcesses_AmendingTheSameCasesAtOnce_WithRecordUpdatedAt_LeaveEveryCaseOnItsNewerContent()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, Latency = TimeSpan.FromMilliseconds(20) });
        var ids = Enumerable.Range(1, 20).Select(i => $"RJ1-PMT-RACE-{i:00}").ToList();
        var original = ids.Select(id => Dated(TestCases.LastFollowUp(id).Before, Monday)).ToList();
        var newer = ids.Select(id => Dated(TestCases.LastFollowUp(id).After, Monday.AddHours(2))).ToList();
        var older = original.Select(s => Dated(s with { Outcome = s.Outcome! with { EarlyAmbulation = !(s.Outcome.EarlyAmbulation ?? false) } }, Monday.AddHours(1))).ToList();
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("v1.ndjson", [.. original]), .. Connection(sandbox, Path.Combine(_directory, "setup.db"))])).ExitCode);

        using var a = StartSubmit(sandbox, await WriteAsync("newer.ndjson", [.. newer]), Path.Combine(_directory, "a.db"), concurrency: 4);
        using var b = StartSubmit(sandbox, await WriteAsync("older.ndjson", [.. older]), Path.Combine(_directory, "b.db"), concurrency: 4);
        var outputs = await Task.WhenAll(a.StandardOutput.ReadToEndAsync(), b.StandardOutput.ReadToEndAsync());
        await Task.WhenAll(a.WaitForExitAsync(), b.WaitForExitAsync());

        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, string.Join("\n", outputs));
        var cases = await CasesAsync(sandbox);
        Assert.Equal(ids.Order(StringComparer.Ordinal), cases.Select(c => c.LocalRecordId).Order(StringComparer.Ordinal));
        foreach (var registryCase in cases)
        {
            var i = ids.IndexOf(registryCase.LocalRecordId);
            Assert.Equal(SubmissionContentHash.Compute(newer[i]), registryCase.ContentHash);
            var history = await sandbox.GetHistoryAsync(registryCase.Id);
            Assert.Equal(SubmissionContentHash.Compute(original[i]), history[0].ContentHash);
            Assert.InRange(history.Count, 2, 3); // the older write is a version only if it arrived first
        }
    }

    [Fact]
    public async Task Withdraw_ErasesTheCasesDocumentsFromTheOutbox_AndSaysSo()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        var (before, after) = TestCases.LastFollowUp();
        var kept = TestSubmissions.Load(1);
        Assert.Equal(0, (await CliRunner.RunAsync(["submit", await WriteAsync("both.ndjson", before, after, kept), .. Connection(sandbox)])).ExitCode);

        var withdraw = await CliRunner.RunAsync("withdraw", "RJ1", before.LocalRecordId, "--reason", "consentWithdrawn",
            "--endpoint", sandbox.BaseAddress.ToString(), "--token-env", TokenVariable(sandbox), "--outbox", OutboxPath);

        Assert.Equal(0, withdraw.ExitCode);
        Assert.Contains($"erased the documents of 2 version(s) of {before.LocalRecordId} from the outbox", withdraw.Stdout, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(_directory, "outbox.db*").SelectMany(File.ReadAllBytes).ToArray();
        Assert.Equal(-1, IndexOf(bytes, before.Patient.NhsNumber!));
        Assert.NotEqual(-1, IndexOf(bytes, kept.Patient.NhsNumber!)); // the scan can find a number that is there
        var again = await CliRunner.RunAsync(["submit", Path.Combine(_directory, "both.ndjson"), .. Connection(sandbox)]);
        Assert.Contains("settled by an earlier run and not sent again", again.Stdout, StringComparison.Ordinal);
    }

    private static int IndexOf(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(needle));
}
