using System.Buffers.Text;
using System.Net;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Testing;

/// <summary>The list of an organisation's cases, page by page with a cursor.</summary>
public sealed class SandboxPaginationTests
{
    [Fact]
    public async Task TwoThousandFiveHundredCases_PageByPage_EachExactlyOnce()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var cases = TestSubmissions.Many(2500).ToList();
        var ids = new string[cases.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var created = await api.CreateAsync(cases[i]);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids[i] = (string)(await SandboxApi.JsonAsync(created))["id"]!;
        });
        Assert.Equal(HttpStatusCode.Created, (await api.CreateAsync(TestSubmissions.Load(2))).StatusCode); // another organisation's

        foreach (var limit in new int?[] { 1000, 333, null })
        {
            var seen = new List<string>();
            var pages = 0;
            string? cursor = null;
            do
            {
                var query = "organisationCode=RJ1" + (limit is { } l ? $"&limit={l}" : "") + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                var page = await SandboxApi.JsonAsync(await api.ListAsync(query));
                var items = page["items"]!.AsArray();
                Assert.True(items.Count <= (limit ?? 100));
                seen.AddRange(items.Select(i => (string)i!["id"]!));
                cursor = (string?)page["nextCursor"];
                Assert.True(cursor is not null || items.Count > 0 || seen.Count == 0);
                pages++;
            }
            while (cursor is not null);

            Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal)); // each once, none of RTH's
            Assert.Equal((2500 + (limit ?? 100) - 1) / (limit ?? 100), pages); // the last page says it is the last
        }

        var firstPage = await SandboxApi.JsonAsync(await api.ListAsync("organisationCode=RJ1&limit=2"));
        var again = await SandboxApi.JsonAsync(await api.ListAsync("organisationCode=RJ1&limit=2"));
        Assert.Equal(firstPage.ToJsonString(), again.ToJsonString()); // stable order
    }

    [Theory]
    [InlineData("organisationCode=RJ1&limit=0")]
    [InlineData("organisationCode=RJ1&limit=1001")]
    [InlineData("organisationCode=RJ1&limit=ten")]
    [InlineData("organisationCode=RJ1&cursor=not-a-cursor")]
    [InlineData("organisationCode=RJ1&cursor=MTo1OlJUSA")] // a well-formed cursor for another organisation's list
    [InlineData("limit=10")]
    public async Task List_BadQuery_Is400(string query)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);

        var response = await api.ListAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid-request", await SandboxApi.ProblemAsync(response));
    }

    [Fact]
    public async Task Cursor_NamesOnlyTheLastCaseOfThePage_AndIsGoodOnlyForItsOrganisationsListOnThisServer()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        await using var another = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        using var elsewhere = new SandboxApi(another);
        foreach (var other in TestSubmissions.Many(3).Select(s => s with { LocalRecordId = s.LocalRecordId.Replace("RJ1", "RTH", StringComparison.Ordinal), Submitter = s.Submitter with { OrganisationCode = "RTH" } }))
        {
            Assert.Equal(HttpStatusCode.Created, (await api.CreateAsync(other)).StatusCode); // other organisations' cases come first
        }

        foreach (var own in TestSubmissions.Many(2))
        {
            Assert.Equal(HttpStatusCode.Created, (await api.CreateAsync(own)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await elsewhere.CreateAsync(own)).StatusCode);
        }

        var page = await SandboxApi.JsonAsync(await api.ListAsync("organisationCode=RJ1&limit=1"));
        var cursor = (string)page["nextCursor"]!;
        var firstId = (string)page["items"]![0]!["id"]!;
        var bytes = Base64Url.DecodeFromChars(cursor);
        var tampered = Base64Url.EncodeToString(bytes.Select((b, i) => i == bytes.Length - 1 ? (byte)(b ^ 1) : b).ToArray());

        // What it carries: the id already on the page and a seal; no count, no sequence, no organisation code.
        Assert.Equal(32, bytes.Length);
        Assert.Equal(firstId["sub_".Length..], Convert.ToHexStringLower(bytes.AsSpan(0, 16)));
        Assert.Equal(HttpStatusCode.OK, (await api.ListAsync("organisationCode=RJ1&limit=1&cursor=" + cursor)).StatusCode);
        foreach (var refused in new[]
        {
            await api.ListAsync("organisationCode=RTH&limit=1&cursor=" + cursor),       // another organisation's list
            await api.ListAsync("organisationCode=RJ1&limit=1&cursor=" + tampered),     // altered
            await elsewhere.ListAsync("organisationCode=RJ1&limit=1&cursor=" + cursor), // another server
        })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("invalid-request", await SandboxApi.ProblemAsync(refused));
        }
    }
}
