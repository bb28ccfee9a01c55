using System.Net;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Testing;

/// <summary>Tokens bound to organisations: a tenant submits, reads and lists its own cases only.</summary>
public sealed class SandboxTenancyTests
{
    [Fact]
    public async Task TenantToken_ActsForItsOwnOrganisationOnly()
    {
        var options = new SandboxOptions { Port = 0, TokenWithTenants = true };
        options.Tenants["RJ1"] = "token-rj1";
        options.Tenants["RTH"] = "token-rth";
        await using var sandbox = await SandboxServer.StartAsync(options);
        using var rj1 = new SandboxApi(sandbox, "token-rj1");
        using var rth = new SandboxApi(sandbox, "token-rth");
        using var admin = new SandboxApi(sandbox);
        var rj1Case = TestSubmissions.Load(); // organisation RJ1

        var submitForAnother = await rth.CreateAsync(rj1Case);
        var created = await rj1.CreateAsync(rj1Case);
        var id = (string)(await SandboxApi.JsonAsync(created))["id"]!;
        var readAnother = await rth.GetAsync(id);
        var listAnother = await rth.ListAsync("organisationCode=RJ1");
        var amendAnother = await rth.AmendAsync(id, rj1Case with { FollowUps = null }, "\"1\"");
        var withdrawAnother = await rth.WithdrawAsync(id);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        foreach (var refused in new[] { submitForAnother, readAnother, listAnother, amendAnother, withdrawAnother })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("wrong-organisation", await SandboxApi.ProblemAsync(refused));
        }

        Assert.Equal(HttpStatusCode.OK, (await rj1.GetAsync(id)).StatusCode);
        Assert.Single((await SandboxApi.JsonAsync(await rj1.ListAsync("organisationCode=RJ1")))["items"]!.AsArray());
        Assert.Empty((await SandboxApi.JsonAsync(await rth.ListAsync("organisationCode=RTH")))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(id)).StatusCode); // the token kept beside tenants is good for every organisation
        Assert.Equal("accepted", (string)(await SandboxApi.JsonAsync(await admin.GetAsync(id)))["status"]!);
        Assert.Equal((1, 1), await sandbox.CountAsync());
    }

    [Fact]
    public async Task WithTenants_TheTokenForEveryOrganisation_IsRefused_UnlessAskedFor()
    {
        var tenantsOnly = new SandboxOptions { Port = 0 };
        tenantsOnly.Tenants["RJ1"] = "token-rj1";
        var alsoEveryOrganisation = new SandboxOptions { Port = 0, TokenWithTenants = true };
        alsoEveryOrganisation.Tenants["RJ1"] = "token-rj1";
        await using var strict = await SandboxServer.StartAsync(tenantsOnly);
        await using var open = await SandboxServer.StartAsync(alsoEveryOrganisation);
        await using var plain = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });

        var refused = await new SandboxApi(strict, "sandbox-token").ListAsync("organisationCode=RJ1");
        var tenant = await new SandboxApi(strict, "token-rj1").ListAsync("organisationCode=RJ1");
        var asked = await new SandboxApi(open, "sandbox-token").ListAsync("organisationCode=RTH");
        var noTenants = await new SandboxApi(plain, "sandbox-token").ListAsync("organisationCode=RTH");

        Assert.Null(strict.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tenant.StatusCode);
        Assert.Equal("sandbox-token", open.Token);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("sandbox-token", plain.Token);
        Assert.Equal(HttpStatusCode.OK, noTenants.StatusCode);
    }
}
