using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Model;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Testing;

/// <summary>Withdrawal: the document and every patient identifier leave the registry; a tombstone stays and refuses writes.</summary>
public sealed class SandboxWithdrawalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sandbox-withdrawal-").FullName;

    [Fact]
    public async Task Withdrawal_ErasesEveryIdentifierFromTheDatabaseFile_AndRefusesToRecreateTheCase()
    {
        var database = Path.Combine(_directory, "sandbox.db");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var byNhsNumber = SandboxLifecycleTests.GrowingRecord();
        var pseudonymised = TestSubmissions.Load(4); // sample 05: identified by pseudonym
        var kept = TestSubmissions.Load(5);          // sample 06: stays, so the scan below can find what it looks for
        string nhsNumberCase, pseudonymCase;
        await using (var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, DatabasePath = database, TimeProvider = clock }))
        {
            using var api = new SandboxApi(sandbox);
            nhsNumberCase = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(byNhsNumber[0])))["id"]!;
            Assert.Equal(HttpStatusCode.OK, (await api.AmendAsync(nhsNumberCase, byNhsNumber[1], "\"1\"")).StatusCode);
            pseudonymCase = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(pseudonymised)))["id"]!;
            Assert.Equal(HttpStatusCode.Created, (await api.CreateAsync(kept)).StatusCode);
            Assert.True(DatabaseContains(database, kept.Patient.NhsNumber!), "the scan must be able to find an identifier that is there");

            clock.Advance(TimeSpan.FromDays(3));
            var withdrawn = await api.WithdrawAsync(nhsNumberCase, "consentWithdrawn");
            var again = await api.WithdrawAsync(nhsNumberCase, "duplicate");
            Assert.Equal(HttpStatusCode.OK, (await api.WithdrawAsync(pseudonymCase, "enteredInError")).StatusCode);

            Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
            var tombstone = await SandboxApi.JsonAsync(withdrawn);
            Assert.Equal("withdrawn", (string)tombstone["status"]!);
            Assert.Equal(2, (int)tombstone["version"]!);
            Assert.Equal("consentWithdrawn", (string)tombstone["withdrawal"]!["reason"]!);
            Assert.Equal(clock.GetUtcNow(), (DateTimeOffset)tombstone["withdrawal"]!["at"]!);
            Assert.Equal(await withdrawn.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());

            // Nothing writes the case again: not a new POST (any key), not a replayed one, not a PUT.
            var recreate = await api.CreateAsync(byNhsNumber[3]);
            var replayOfTheFirst = await api.CreateAsync(byNhsNumber[0]);
            var amend = await api.AmendAsync(nhsNumberCase, byNhsNumber[2], "\"2\"");
            Assert.Equal(HttpStatusCode.Gone, recreate.StatusCode);
            Assert.Equal("case-withdrawn", await SandboxApi.ProblemAsync(recreate));
            Assert.Equal(HttpStatusCode.Gone, replayOfTheFirst.StatusCode);
            Assert.Equal(HttpStatusCode.Gone, amend.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await api.WithdrawAsync("sub_00000000000000000000000000000000")).StatusCode);

            Assert.Equal("withdrawn", (string)(await SandboxApi.JsonAsync(await api.GetAsync(nhsNumberCase)))["status"]!);
            var history = await sandbox.GetHistoryAsync(nhsNumberCase);
            Assert.Equal([1, 2], history.Select(v => v.Version));
            Assert.All(history, v => Assert.Null(v.Document));
            Assert.Equal((3, 3), await sandbox.CountAsync());

            // While the sandbox still runs: the database file and its write-ahead log.
            AssertNoIdentifiers(database, byNhsNumber[0].Patient.NhsNumber!, pseudonymised.Patient.Pseudonym!);
        }

        AssertNoIdentifiers(database, byNhsNumber[0].Patient.NhsNumber!, pseudonymised.Patient.Pseudonym!);
        Assert.True(DatabaseContains(database, kept.Patient.NhsNumber!));
    }

    [Fact]
    public async Task Withdrawal_WhileAReaderHoldsTheLog_ErasesTheIdentifiersFromTheLogOnceTheReaderLetsGo()
    {
        var database = Path.Combine(_directory, "held.db");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var withdrawn = TestSubmissions.Load();  // sample 01, RJ1
        var kept = TestSubmissions.Load(5);      // sample 06 stays, so the scan can find what it looks for
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, DatabasePath = database, TimeProvider = clock });
        using var api = new SandboxApi(sandbox);
        var id = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(withdrawn)))["id"]!;
        Assert.Equal(HttpStatusCode.Created, (await api.CreateAsync(kept)).StatusCode);

        // Another process reads the file: its open read transaction keeps the log from being emptied.
        await using (var reader = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await reader.OpenAsync();
            await using var read = reader.CreateCommand();
            read.CommandText = "BEGIN; SELECT COUNT(*) FROM cases";
            await read.ExecuteScalarAsync();

            Assert.Equal(HttpStatusCode.OK, (await api.WithdrawAsync(id)).StatusCode);
            Assert.True(DatabaseContains(database, withdrawn.Patient.NhsNumber!), "while the reader holds the log the erased pages are still there, or this test proves nothing");

            read.CommandText = "COMMIT";
            await read.ExecuteNonQueryAsync();
        }

        // The sandbox retries on its own clock: move it on until the retry has run.
        for (var tick = 0; tick < 20 && DatabaseContains(database, withdrawn.Patient.NhsNumber!); tick++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            SpinWait.SpinUntil(() => !DatabaseContains(database, withdrawn.Patient.NhsNumber!), TimeSpan.FromMilliseconds(500));
        }

        AssertNoIdentifiers(database, withdrawn.Patient.NhsNumber!);
        Assert.True(DatabaseContains(database, kept.Patient.NhsNumber!));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(id)).StatusCode); // the sandbox serves on, unharmed
    }

    [Fact]
    public async Task Withdrawal_NeedsAKnownReason()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var id = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(TestSubmissions.Load())))["id"]!;

        var unknown = await api.WithdrawAsync(id, "changedMind");
        var notJson = await api.SendAsync(HttpMethod.Post, $"v1/submissions/{id}/withdrawal", Encoding.UTF8.GetBytes("reason=duplicate"), "application/json", null);
        var plain = await api.SendAsync(HttpMethod.Post, $"v1/submissions/{id}/withdrawal", Encoding.UTF8.GetBytes("{\"reason\":\"duplicate\"}"), "text/plain", null);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("/reason", (string)(await SandboxApi.JsonAsync(unknown))["errors"]![0]!["pointer"]!);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal("accepted", (string)(await SandboxApi.JsonAsync(await api.GetAsync(id)))["status"]!);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static void AssertNoIdentifiers(string database, params string[] identifiers)
    {
        foreach (var file in new[] { database, database + "-wal", database + "-journal" }.Where(File.Exists))
        {
            foreach (var identifier in identifiers)
            {
                Assert.False(FileContains(file, identifier), $"{Path.GetFileName(file)} still holds an identifier of a withdrawn case");
            }
        }
    }

    private static bool DatabaseContains(string database, string text) =>
        new[] { database, database + "-wal" }.Where(File.Exists).Any(file => FileContains(file, text));

    private static bool FileContains(string file, string text)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }
}
