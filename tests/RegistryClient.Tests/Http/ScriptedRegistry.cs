using System.Text.Json;
using RegistryClient.Http;
using RegistryClient.Model;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RegistryClient.Tests.Http;

/// <summary>A registry played by WireMock.Net: canned receipts and problem documents, and what the client sent.</summary>
internal sealed class ScriptedRegistry : IDisposable
{
    public const string ProblemBase = "https://registry.example/problems/";

    private int _scenario;

    public WireMockServer Server { get; } = WireMockServer.Start();

    public Uri Endpoint => new(Server.Url!);

    /// <summary>The requests the registry saw, in order.</summary>
    public IReadOnlyList<ILogEntry> Requests => Server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).ToList();

    public static string ReceiptJson(string id = "case_1", int version = 1, string? contentHash = null, string status = "accepted", string? withdrawal = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id,
            ["organisationCode"] = "RJ1",
            ["localRecordId"] = "RJ1-PMT-2023-0001",
            ["status"] = status,
            ["version"] = version,
            ["contentHash"] = contentHash ?? "sha256:" + new string('0', 64),
            ["receivedAt"] = "2026-11-24T10:00:00+00:00",
            ["updatedAt"] = "2026-11-25T10:00:00+00:00",
            ["schemaVersion"] = "1.0",
            ["withdrawal"] = withdrawal is null ? null : new Dictionary<string, string> { ["reason"] = withdrawal, ["at"] = "2026-11-25T10:00:00+00:00" },
        });

    public static IResponseBuilder Receipt(int status, string json, int? version = null) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
            .WithHeader("ETag", $"\"{version ?? JsonDocument.Parse(json).RootElement.GetProperty("version").GetInt32()}\"").WithBody(json);

    public static IResponseBuilder Problem(int status, string kind, string title, object? extensions = null)
    {
        var body = new Dictionary<string, object?> { ["type"] = ProblemBase + kind, ["title"] = title, ["status"] = status };
        if (extensions is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extensions).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        return Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/problem+json").WithBody(JsonSerializer.Serialize(body));
    }

    /// <summary>Answers the matching requests with <paramref name="responses"/> in turn; the last one repeats.</summary>
    public void Script(IRequestBuilder request, params IResponseBuilder[] responses)
    {
        var scenario = $"script-{Interlocked.Increment(ref _scenario)}";
        for (var i = 0; i < responses.Length; i++)
        {
            var step = Server.Given(request).InScenario(scenario);
            step = i == 0 ? step : step.WhenStateIs($"step-{i}");
            step = i == responses.Length - 1 ? step : step.WillSetStateTo($"step-{i + 1}");
            step.RespondWith(responses[i]);
        }
    }

    public static IRequestBuilder Post() => Request.Create().WithPath("/v1/submissions").UsingPost();

    public static IRequestBuilder Put(string id = "case_1") => Request.Create().WithPath("/v1/submissions/" + id).UsingPut();

    public static IRequestBuilder Get(string id = "case_1") => Request.Create().WithPath("/v1/submissions/" + id).UsingGet();

    public static IRequestBuilder Versions(string id = "case_1") => Request.Create().WithPath($"/v1/submissions/{id}/versions").UsingGet();

    /// <summary>A history body: one item per (version, content hash, recordUpdatedAt or null), oldest first.</summary>
    public static string VersionsJson(params (int Version, string Hash, string? RecordUpdatedAt)[] versions) =>
        "{\"items\":[" + string.Join(",", versions.Select(v =>
            $"{{\"version\":{v.Version},\"contentHash\":\"{v.Hash}\",{(v.RecordUpdatedAt is null ? "" : $"\"recordUpdatedAt\":\"{v.RecordUpdatedAt}\",")}\"receivedAt\":\"2026-11-01T10:00:00Z\"}}")) + "]}";

    public static IRequestBuilder List() => Request.Create().WithPath("/v1/submissions").UsingGet();

    public static IRequestBuilder Withdrawal(string id = "case_1") => Request.Create().WithPath($"/v1/submissions/{id}/withdrawal").UsingPost();

    public VenousRegistryClient Client(Action<RegistryClientOptions>? configure = null, TimeProvider? time = null, Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
    {
        var options = new RegistryClientOptions
        {
            Endpoint = Endpoint,
            Token = "test-token",
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryAttempts = 4,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            TotalTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return VenousRegistryClient.Create(options, loggerFactory: loggers, timeProvider: time);
    }

    public static byte[] Body(Submission submission) => JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission);

    public static string Header(ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers!.First(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Single();

    public static bool HasHeader(ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers!.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public void Dispose() => Server.Stop();
}
