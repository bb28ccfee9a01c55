using System.Net;
using System.Net.Http.Headers;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Http;

/// <summary>The sandbox registry, in-process: the API contract of DESIGN.md, and the client surviving its faults.</summary>
public sealed class SandboxTests
{
    [Fact]
    public async Task Submit_ThenReplay_ThenDifferentBody_ThenNoToken()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        var body = File.ReadAllBytes(Samples.ValidFiles.First());

        var first = await Post(http, body, "\"key-1\"", sandbox.Token);
        var again = await Post(http, body, "key-1", sandbox.Token); // bare form accepted too
        var different = await Post(http, File.ReadAllBytes(Samples.ValidFiles.ElementAt(5)), "\"key-1\"", sandbox.Token); // same organisation: keys are per organisation
        var noKey = await Post(http, body, null, sandbox.Token);
        var noToken = await Post(http, body, "\"key-1\"", null);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode)422, different.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal("application/problem+json", noToken.Content.Headers.ContentType!.MediaType);
        Assert.Equal((1, 1), await sandbox.CountAsync());
    }

    [Fact]
    public async Task Submit_ConcurrentDuplicates_StoreOnce()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        var body = File.ReadAllBytes(Samples.ValidFiles.First());

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Post(http, body, "\"same\"", sandbox.Token)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Equal((1, 1), await sandbox.CountAsync());
    }

    [Fact]
    public async Task Client_AgainstSandbox_ValidatesGetsAndLists()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        var submission = TestSubmissions.Load();
        var invalid = submission with { Governance = submission.Governance with { ConsentRecorded = false } };

        var verdict = await client.ValidateAsync(invalid);
        var rejected = await client.SubmitAsync(invalid);
        var accepted = await client.SubmitAsync(submission);
        var receipt = await client.GetSubmissionAsync(accepted.Receipt!.Id);
        var missing = await client.GetSubmissionAsync("sub_missing");
        var listed = await client.ListSubmissionsAsync(submission.Submitter.OrganisationCode).ToListAsync();

        Assert.False(verdict.Valid);
        Assert.Equal("VR006", Assert.Single(verdict.Errors).Code);
        Assert.Equal(SubmissionStatus.Rejected, rejected.Status);
        Assert.Equal("/governance/consentRecorded", Assert.Single(rejected.Errors).Pointer);
        Assert.Equal(SubmissionStatus.Created, accepted.Status);
        Assert.Equal(accepted.Receipt, receipt);
        Assert.Null(missing);
        Assert.Equal(accepted.Receipt.Id, Assert.Single(listed).Id);
    }

    [Fact]
    public async Task Client_WrongToken_IsUnauthorized_AndGetThrowsATypedException()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = "wrong" });

        Assert.Equal(SubmissionStatus.Unauthorized, (await client.SubmitAsync(TestSubmissions.Load())).Status);
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetSubmissionAsync("sub_1"));
        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task FiveHundredSubmissions_ThroughThirtyPercentFaults_AllLandExactlyOnce()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, FailRate = 0.3, RetryAfterSeconds = 0, Seed = 516 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions
        {
            Endpoint = sandbox.BaseAddress,
            Token = sandbox.Token,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryAttempts = 10,
            CircuitFailureRatio = 0.95,
        });
        var submissions = TestSubmissions.Many(500).ToList();
        var results = new SubmissionResult[submissions.Count];

        await Parallel.ForEachAsync(Enumerable.Range(0, submissions.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            // What the outbox does: a submission that outlasted its retries is sent again later, with the same key.
            for (var round = 0; round < 5 && results[i] is not { IsStored: true }; round++)
            {
                results[i] = await client.SubmitAsync(submissions[i], ct);
            }
        });

        Assert.All(results, r => Assert.True(r.IsStored, $"{r.Status}: {r.Detail}"));
        Assert.Equal((500, 500), await sandbox.CountAsync());
        Assert.True(sandbox.Faults.Total > 100, $"only {sandbox.Faults.Total} faults were injected");
        Assert.Contains(results, r => r.Status == SubmissionStatus.Unchanged); // a lost response was recovered by its key
    }

    private static async Task<HttpResponseMessage> Post(HttpClient http, byte[] body, string? key, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/submissions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }
}
