using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryClient.Http;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RegistryClient.Tests.Reconciliation;

/// <summary>
/// A registry that serves <c>GET /v1/submissions</c> from given receipts, <see cref="PageSize"/> cases a page with a
/// <c>nextCursor</c> between pages, as DESIGN.md describes (a server may serve fewer cases than the limit asks). Used
/// while the sandbox learns versions, withdrawal and paging; the receipts are the registry's wire form.
/// </summary>
internal sealed class FakeRegistry : IDisposable
{
    public const string Token = "fake-registry-token";

    private readonly WireMockServer _server = WireMockServer.Start();

    public FakeRegistry(IReadOnlyList<SubmissionReceipt> receipts, int pageSize = 2, string organisation = "RJ1")
    {
        PageSize = pageSize;
        var pages = receipts.Chunk(pageSize).ToList();
        if (pages.Count == 0)
        {
            pages.Add([]);
        }

        for (var i = 0; i < pages.Count; i++)
        {
            var page = new JsonObject { ["items"] = JsonSerializer.SerializeToNode(pages[i], JsonSerializerOptions.Web) };
            if (i + 1 < pages.Count)
            {
                page["nextCursor"] = $"page-{i + 1}";
            }

            var request = Request.Create().WithPath("/v1/submissions").UsingGet().WithParam("organisationCode", organisation)
                .WithHeader("Authorization", "Bearer " + Token);
            request = i == 0 ? request.WithParam("cursor", MatchBehaviour.RejectOnMatch) : request.WithParam("cursor", $"page-{i}");
            _server.Given(request).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(page.ToJsonString()));
        }

        Pages = pages.Count;
    }

    public Uri Endpoint => new(_server.Url!);

    public int PageSize { get; }

    public int Pages { get; }

    /// <summary>The list requests the registry answered.</summary>
    public int ListRequests => _server.LogEntries.Count(e => e.RequestMessage?.Path == "/v1/submissions" && e.ResponseMessage?.StatusCode is 200);

    /// <summary>Every request the registry received.</summary>
    public int Requests => _server.LogEntries.Count();

    public VenousRegistryClient Client() => VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = Endpoint, Token = Token });

    public void Dispose() => _server.Stop();
}
