using System.Net.Http.Headers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Testing;

namespace RegistryClient.Benchmarks;

/// <summary>
/// VenousRegistryClient overhead: <see cref="VenousRegistryClient.SubmitAsync(Submission, CancellationToken)"/> against a raw
/// <see cref="HttpClient"/> posting the same bytes with the same headers to the in-process sandbox (both hit the replay
/// path, so the server's work is identical). Target: within 1.2x raw. A third benchmark measures an amendment as the
/// client makes it (POST, 409 <c>case-exists</c>, PUT with <c>If-Match</c>): each call sends content the case never held
/// (a numbered complication note), since a content sent before would be a replay of its key. A fourth amends with
/// <see cref="SubmitOptions.BasedOnVersion"/>, as the outbox does: the registry then checks the write against the case's
/// history (DESIGN "A case only moves forward"), which is the cost issue 18 added to every write.
/// </summary>
[MemoryDiagnoser]
public class ClientBenchmarks
{
    private SandboxServer _sandbox = null!;
    private VenousRegistryClient _client = null!;
    private HttpClient _raw = null!;
    private Submission[] _submissions = [];
    private byte[][] _bodies = [];
    private string[] _keys = [];
    private Submission[] _cases = [];
    private Submission[] _based = [];
    private int[] _basedOn = [];
    private int _edits;

    [Params(1, 16)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = _sandbox.BaseAddress, Token = _sandbox.Token });
        _raw = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        _raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Token);
        var file = Directory.EnumerateFiles(Path.Combine(ValidationBenchmarks.SamplesRoot(), "valid"), "*.json").Order().First();
        var template = JsonSerializer.Deserialize(File.ReadAllBytes(file), RegistryJsonContext.Default.Submission)!;

        // One distinct submission per concurrent caller (the same key twice at once would meet the registry's 409),
        // each stored once, so every measured call is a replay and the server does the same work for both clients.
        _submissions = Enumerable.Range(0, Concurrency).Select(i => template with { LocalRecordId = $"BENCH-{i:000}" }).ToArray();
        _bodies = _submissions.Select(s => JsonSerializer.SerializeToUtf8Bytes(s, RegistryJsonContext.Default.Submission)).ToArray();
        _keys = _submissions.Select(s => "\"" + IdempotencyKey.For(s) + "\"").ToArray();
        foreach (var submission in _submissions)
        {
            await _client.SubmitAsync(submission);
        }

        _cases = Enumerable.Range(0, Concurrency).Select(i => template with { LocalRecordId = $"BENCH-AMEND-{i:000}" }).ToArray();
        foreach (var submission in _cases)
        {
            await _client.SubmitAsync(submission);
        }

        _based = Enumerable.Range(0, Concurrency).Select(i => template with { LocalRecordId = $"BENCH-BASED-{i:000}" }).ToArray();
        _basedOn = new int[Concurrency];
        for (var i = 0; i < _based.Length; i++)
        {
            _basedOn[i] = (await _client.SubmitAsync(_based[i])).Receipt!.Version;
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        _raw.Dispose();
        await _sandbox.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient POST")]
    public Task Raw() => Fan(async i =>
    {
        using var content = new ByteArrayContent(_bodies[i]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/submissions") { Content = content };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", _keys[i]);
        using var response = await _raw.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
    });

    [Benchmark(Description = "RegistryClient.SubmitAsync")]
    public Task Facade() => Fan(async i => await _client.SubmitAsync(_submissions[i]));

    [Benchmark(Description = "RegistryClient.SubmitAsync amending (POST 409 + PUT)")]
    public Task Amend() => Fan(async i => await _client.SubmitAsync(Edited(_cases[i], Interlocked.Increment(ref _edits))));

    [Benchmark(Description = "RegistryClient.SubmitAsync amending with BasedOnVersion (the outbox's path)")]
    public Task AmendBasedOn() => Fan(async i =>
    {
        var result = await _client.SubmitAsync(Edited(_based[i], Interlocked.Increment(ref _edits)), new SubmitOptions { BasedOnVersion = _basedOn[i] });
        _basedOn[i] = result.Receipt?.Version ?? _basedOn[i];
    });

    private static Submission Edited(Submission submission, int edit)
    {
        var outcome = submission.Outcome!;
        var note = outcome.Complications[0] with { Description = $"Access-site ooze, settled with compression (note {edit})." };
        return submission with { Outcome = outcome with { Complications = [note] } };
    }

    private Task Fan(Func<int, Task> call) => Concurrency == 1 ? call(0) : Task.WhenAll(Enumerable.Range(0, Concurrency).Select(call));
}
