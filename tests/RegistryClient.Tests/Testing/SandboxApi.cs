using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryClient.Model;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Testing;

/// <summary>Raw HTTP against a sandbox, as any client would speak API v1: no library client in between.</summary>
internal sealed class SandboxApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _token;

    public SandboxApi(SandboxServer sandbox, string? token = null, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = sandbox.BaseAddress;
        _token = token ?? sandbox.Token ?? throw new InvalidOperationException("This sandbox has no token for every organisation; name a tenant's token");
    }

    /// <summary>The submission as the source system dated it (<c>submitter.recordUpdatedAt</c>).</summary>
    public static Submission Dated(Submission submission, DateTimeOffset recordUpdatedAt) =>
        submission with { Submitter = submission.Submitter with { RecordUpdatedAt = recordUpdatedAt } };

    public static byte[] Bytes(Submission submission) => JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission);

    public static string KeyFor(byte[] body) => "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)) + "\"";

    public Task<HttpResponseMessage> CreateAsync(Submission submission, string? key = null) =>
        CreateAsync(Bytes(submission), key);

    public Task<HttpResponseMessage> CreateAsync(byte[] body, string? key = null, string contentType = "application/json") =>
        SendAsync(HttpMethod.Post, "v1/submissions", body, contentType, r => r.Headers.TryAddWithoutValidation("Idempotency-Key", key ?? KeyFor(body)));

    public Task<HttpResponseMessage> AmendAsync(string id, Submission submission, string? ifMatch, string? key = null)
    {
        var body = Bytes(submission);
        return SendAsync(HttpMethod.Put, "v1/submissions/" + id, body, "application/json", r =>
        {
            r.Headers.TryAddWithoutValidation("Idempotency-Key", key ?? KeyFor(body));
            if (ifMatch is not null)
            {
                r.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
        });
    }

    public Task<HttpResponseMessage> WithdrawAsync(string id, string reason = "consentWithdrawn") =>
        SendAsync(HttpMethod.Post, $"v1/submissions/{id}/withdrawal", Encoding.UTF8.GetBytes($"{{\"reason\":\"{reason}\"}}"), "application/json", null);

    public Task<HttpResponseMessage> GetAsync(string id) => SendAsync(HttpMethod.Get, "v1/submissions/" + id, null, null, null);

    public Task<HttpResponseMessage> HistoryAsync(string id) => SendAsync(HttpMethod.Get, $"v1/submissions/{id}/versions", null, null, null);

    public Task<HttpResponseMessage> ListAsync(string query) => SendAsync(HttpMethod.Get, "v1/submissions?" + query, null, null, null);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, string? contentType, Action<HttpRequestMessage>? configure)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        configure?.Invoke(request);
        var response = await _http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>The problem type's last segment, e.g. <c>case-exists</c>.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var type = (string)(await JsonAsync(response))["type"]!;
        Assert.StartsWith("https://registry.example/problems/", type);
        return type[(type.LastIndexOf('/') + 1)..];
    }

    public void Dispose() => _http.Dispose();
}
