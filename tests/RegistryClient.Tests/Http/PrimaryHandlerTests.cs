using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RegistryClient.Http;

namespace RegistryClient.Tests.Http;

/// <summary>
/// A caller's own primary handler (a proxy, a client certificate): every attempt goes through it, with the client's
/// retries, token and idempotency key still on top, and the handler stays the caller's after the client is disposed.
/// </summary>
public sealed class PrimaryHandlerTests
{
    private const string Receipt = """{"id":"sub_1","localRecordId":"RJ1-PMT-2023-0001","status":"accepted","receivedAt":"2026-11-24T10:00:00+00:00","schemaVersion":"1.0"}""";

    private static RegistryClientOptions Options() => new()
    {
        Endpoint = new Uri("https://registry.example.org/"),
        Token = "test-token",
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryAttempts = 4,
    };

    [Fact]
    public async Task Create_WithAHandler_SendsEveryAttemptThroughIt_RetriedAndAuthenticated()
    {
        using var handler = new AnsweringHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created);
        var submission = TestSubmissions.Load();

        using (var client = VenousRegistryClient.Create(Options(), handler))
        {
            var result = await client.SubmitAsync(submission);

            Assert.Equal(SubmissionStatus.Created, result.Status);
            Assert.Equal(2, result.Attempts); // the 503 was retried through the caller's handler
        }

        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(("POST", "https://registry.example.org/v1/submissions", "Bearer test-token", $"\"{IdempotencyKey.For(submission)}\""), r));
        Assert.False(handler.Disposed, "disposing the client disposed the caller's handler");
    }

    [Fact]
    public async Task AddRegistryClient_ConfigurePrimaryHttpMessageHandler_DoesTheSameWithAHost()
    {
        using var handler = new AnsweringHandler(HttpStatusCode.BadGateway, HttpStatusCode.Created);
        var services = new ServiceCollection();
        services.AddRegistryClient(o => { o.Endpoint = new Uri("https://registry.example.org/"); o.Token = "test-token"; o.RetryBaseDelay = TimeSpan.FromMilliseconds(10); })
            .HttpClient.ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<VenousRegistryClient>().SubmitAsync(TestSubmissions.Load());

        Assert.Equal((SubmissionStatus.Created, 2), (result.Status, result.Attempts));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void Create_WithoutAHandler_IsRefusedNamingIt()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => VenousRegistryClient.Create(Options(), primaryHandler: null!));
        Assert.Equal("primaryHandler", ex.ParamName);
    }

    /// <summary>Answers each request itself with the next scripted status (the last one repeats), recording what it was sent.</summary>
    private sealed class AnsweringHandler(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        public ConcurrentQueue<(string Method, string Uri, string? Authorization, string? Key)> Requests { get; } = new();

        public bool Disposed { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue((
                request.Method.Method,
                request.RequestUri!.ToString(),
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null));
            var status = statuses[Math.Min(Requests.Count, statuses.Length) - 1];
            var response = new HttpResponseMessage(status) { RequestMessage = request };
            if (status == HttpStatusCode.Created)
            {
                response.Content = new StringContent(Receipt, Encoding.UTF8, "application/json");
            }

            return Task.FromResult(response);
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
