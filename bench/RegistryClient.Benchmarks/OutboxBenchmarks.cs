using System.Net;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Tests.Outbox;

namespace RegistryClient.Benchmarks;

/// <summary>
/// The outbox's own cost per submission (issue 19, "serialised once"): enqueue <see cref="Documents"/> distinct cases
/// into an in-memory outbox, then drain them to a stub handler that answers 201 at once, so what is measured is the
/// library's work (serialising, hashing, the drain's bookkeeping and the HTTP pipeline), not a registry or a disk.
/// </summary>
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private Submission[] _submissions = [];
    private VenousRegistryClient _client = null!;

    [Params(200)]
    public int Documents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var file = Directory.EnumerateFiles(Path.Combine(ValidationBenchmarks.SamplesRoot(), "valid"), "*.json").Order().First();
        var template = SubmissionJson.Deserialize(File.ReadAllBytes(file));
        _submissions = Enumerable.Range(0, Documents)
            .Select(i => template with { LocalRecordId = $"BENCH-OUTBOX-{i:0000}", Submitter = template.Submitter with { SoftwareName = "bench", SoftwareVersion = "1.0" } })
            .ToArray();
        _client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = new Uri("https://registry.invalid/"), Token = "bench" }, new CreatedHandler());
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Description = "enqueue N")]
    public async Task<int> Enqueue()
    {
        var submitter = new BatchSubmitter(_client, new MemoryOutbox());
        var queued = 0;
        foreach (var submission in _submissions)
        {
            queued += (await submitter.EnqueueAsync(submission)).Outcome == OutboxEnqueueOutcome.Queued ? 1 : 0;
        }

        return queued;
    }

    [Benchmark(Description = "enqueue N + drain")]
    public async Task<int> EnqueueAndDrain()
    {
        var submitter = new BatchSubmitter(_client, new MemoryOutbox());
        foreach (var submission in _submissions)
        {
            await submitter.EnqueueAsync(submission);
        }

        return (await submitter.DrainAsync(concurrency: 4)).Created;
    }

    /// <summary>Answers every POST with 201 and a receipt, as a registry would for a new case.</summary>
    private sealed class CreatedHandler : HttpMessageHandler
    {
        private static readonly byte[] Receipt = Encoding.UTF8.GetBytes(
            """{"id":"sub_0123456789abcdef0123456789abcdef","organisationCode":"RJ1","localRecordId":"BENCH","status":"accepted","version":1,"contentHash":"sha256:00","receivedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","schemaVersion":"1.0"}""");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Receipt);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = content, RequestMessage = request });
        }
    }
}
