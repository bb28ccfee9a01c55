using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Testing;
using RegistryClient.Tests.Testing;

namespace RegistryClient.Tests.Http;

/// <summary>The client end to end against the in-process lifecycle sandbox: one case per episode, whatever is sent.</summary>
public sealed class ClientSandboxTests
{
    [Fact]
    public async Task FiveVersionStory_EndsAsOneCaseAtVersion5_HoldingTheLastContent()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        var full = TestSubmissions.Load(); // sample 01: four follow-ups
        var followUps = full.FollowUps!;
        var discharge = full with { FollowUps = [] };
        var days30 = full with { FollowUps = followUps.Take(1).ToArray() };
        var months6 = full with { FollowUps = followUps.Take(2).ToArray() };
        var corrected = months6 with { Outcome = months6.Outcome! with { ThrombusRemovedPercent = 92 } };
        var months12 = corrected with { FollowUps = followUps.Take(3).ToArray() };

        var results = new List<SubmissionResult>();
        foreach (var version in new[] { discharge, days30, months6, corrected, months12 })
        {
            results.Add(await client.SubmitAsync(version));
        }

        var again = await client.SubmitAsync(months12);
        Assert.Equal(
            [SubmissionStatus.Created, SubmissionStatus.Amended, SubmissionStatus.Amended, SubmissionStatus.Amended, SubmissionStatus.Amended],
            results.Select(r => r.Status));
        Assert.Equal([1, 2, 3, 4, 5], results.Select(r => r.Receipt!.Version));
        Assert.Single(results.Select(r => r.Receipt!.Id).Distinct());
        Assert.Equal((SubmissionStatus.Unchanged, 5), (again.Status, again.Receipt!.Version));
        var found = await client.FindCaseAsync("RJ1", full.LocalRecordId);
        Assert.Equal((5, SubmissionContentHash.Compute(months12)), (found!.Version, found.ContentHash));
        var history = await sandbox.GetHistoryAsync(found.Id);
        Assert.Equal([1, 2, 3, 4, 5], history.Select(v => v.Version));
        Assert.Equal(SubmissionContentHash.Compute(months12), SubmissionContentHash.Compute(Parse(history[^1].Document!)));
        Assert.Equal((1, 1), await sandbox.CountAsync());
    }

    [Fact]
    public async Task TwoWritersAmendingOneCaseAtOnce_LoseNoUpdate_AndCreateNoSecondCase()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        RegistryClientOptions Options() => new() { Endpoint = sandbox.BaseAddress, Token = sandbox.Token, RetryBaseDelay = TimeSpan.FromMilliseconds(5) };
        using var first = VenousRegistryClient.Create(Options());
        using var second = VenousRegistryClient.Create(Options());
        var template = TestSubmissions.Load();
        await first.SubmitAsync(template);

        // Each writer sends its own distinct contents: every send starts from a stale version at least once in a while.
        async Task<List<(Submission Sent, SubmissionResult Result)>> Write(VenousRegistryClient client, int offset)
        {
            var results = new List<(Submission, SubmissionResult)>();
            for (var i = 0; i < 10; i++)
            {
                var version = template with { Outcome = template.Outcome! with { ThrombusRemovedPercent = 50 + offset + (2 * i) } };
                results.Add((version, await client.SubmitAsync(version)));
            }

            return results;
        }

        var both = (await Task.WhenAll(Write(first, 0), Write(second, 1))).SelectMany(r => r).ToList();

        Assert.All(both, r => Assert.Contains(r.Result.Status, new[] { SubmissionStatus.Amended, SubmissionStatus.Conflict }));
        var amended = both.Where(r => r.Result.Status == SubmissionStatus.Amended).ToList();
        var final = await first.FindCaseAsync("RJ1", template.LocalRecordId);
        Assert.Equal((1, 1), await sandbox.CountAsync());
        Assert.Equal(1 + amended.Count, final!.Version); // every amendment the client reported is a version: none lost
        Assert.Equal(amended.Select(r => r.Result.Receipt!.Version).Order(), Enumerable.Range(2, amended.Count));
        Assert.Equal(SubmissionContentHash.Compute(amended.MaxBy(r => r.Result.Receipt!.Version).Sent), final.ContentHash);
    }

    [Fact]
    public async Task LocalHash_EqualsTheSandboxes_ForEveryValidSample_PrettyOrMinified_WithOrWithoutSoftwareFields()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        var forms = new (string Name, bool Minified, bool Software)[] { ("pretty", false, true), ("minified", true, true), ("pretty-bare", false, false), ("minified-bare", true, false) };

        foreach (var file in Samples.ValidFiles)
        {
            foreach (var form in forms)
            {
                // Each form is its own case, created from exactly these bytes by another sender (another key).
                var document = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
                document["localRecordId"] = $"{document["localRecordId"]}-{form.Name}";
                if (!form.Software)
                {
                    document["submitter"]!.AsObject().Remove("softwareName");
                    document["submitter"]!.AsObject().Remove("softwareVersion");
                }

                var bytes = Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions { WriteIndented = !form.Minified }));
                var created = await api.CreateAsync(bytes);
                var registryHash = (string)(await SandboxApi.JsonAsync(created))["contentHash"]!;
                var submission = Parse(Encoding.UTF8.GetString(bytes));

                var result = await client.SubmitAsync(submission);

                Assert.Equal(registryHash, SubmissionContentHash.Compute(submission));
                Assert.True(result.Status == SubmissionStatus.Unchanged && result.Receipt!.Version == 1, $"{Path.GetFileName(file)} {form.Name}: {result.Status}");
            }
        }

        Assert.Equal(Samples.ValidFiles.Count() * forms.Length, (await sandbox.CountAsync()).Submissions);
    }

    [Fact]
    public async Task Withdraw_LeavesATombstone_AndTheCaseCanNeverBeSubmittedAgain()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        var submission = TestSubmissions.Load(1);
        var organisation = submission.Submitter.OrganisationCode;
        await client.SubmitAsync(submission);

        var withdrawn = await client.WithdrawAsync(organisation, submission.LocalRecordId, WithdrawalReason.ConsentWithdrawn);
        var again = await client.WithdrawAsync(organisation, submission.LocalRecordId, WithdrawalReason.ConsentWithdrawn);
        var resubmitted = await client.SubmitAsync(submission);
        var absent = await client.WithdrawAsync(organisation, "NEVER-SENT", WithdrawalReason.EnteredInError);

        Assert.Equal((SubmissionStatus.Withdrawn, CaseStatus.Withdrawn), (withdrawn.Status, withdrawn.Receipt!.Status));
        Assert.Equal(WithdrawalReason.ConsentWithdrawn, withdrawn.Receipt.Withdrawal!.Reason);
        Assert.Equal((SubmissionStatus.Withdrawn, withdrawn.Receipt.Id), (again.Status, again.Receipt!.Id));
        Assert.Equal((SubmissionStatus.Withdrawn, 410), (resubmitted.Status, resubmitted.HttpStatus));
        Assert.Equal(SubmissionStatus.NotFound, absent.Status);
        Assert.Equal(CaseStatus.Withdrawn, (await client.FindCaseAsync(organisation, submission.LocalRecordId))!.Status);
    }

    [Fact]
    public async Task Tenancy_ATokenBoundToAnotherOrganisation_IsForbiddenToSubmitReadListAndWithdraw()
    {
        var options = new SandboxOptions { Port = 0, TokenWithTenants = true }; // the owner uses the token for every organisation
        options.Tenants["RXX"] = "rxx-token";
        await using var sandbox = await SandboxServer.StartAsync(options);
        using var owner = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = sandbox.Token });
        using var stranger = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = sandbox.BaseAddress, Token = "rxx-token" });
        var submission = TestSubmissions.Load();
        var created = await owner.SubmitAsync(submission);

        var submitted = await stranger.SubmitAsync(submission);
        var read = await Assert.ThrowsAsync<RegistryException>(() => stranger.GetSubmissionAsync(created.Receipt!.Id));
        var listed = await Assert.ThrowsAsync<RegistryException>(async () => await stranger.ListSubmissionsAsync("RJ1").ToListAsync());
        var withdrawn = await stranger.WithdrawAsync("RJ1", submission.LocalRecordId, WithdrawalReason.Duplicate);

        Assert.Equal(SubmissionStatus.Forbidden, submitted.Status);
        Assert.EndsWith("/wrong-organisation", submitted.ProblemType, StringComparison.Ordinal);
        Assert.Equal((403, 403), (read.Status, listed.Status));
        Assert.EndsWith("/wrong-organisation", read.ProblemType, StringComparison.Ordinal);
        Assert.Equal(SubmissionStatus.Forbidden, withdrawn.Status);
        Assert.Equal(CaseStatus.Accepted, (await owner.GetSubmissionAsync(created.Receipt!.Id))!.Status);
    }

    private static Submission Parse(string json) => JsonSerializer.Deserialize(json, RegistryJsonContext.Default.Submission)!;
}
