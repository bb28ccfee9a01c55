using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

/// <summary>
/// Issue 19: a submission is serialised once (the drain sends the outbox's bytes), the drain reads the outbox a page
/// at a time without losing a case's order, and <see cref="BatchSubmitter"/> can stand in a consumer's own tests.
/// </summary>
public sealed class BatchSubmitterPagingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-batch-paging-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Drain_AmendsFromTheLastStoredVersion_WithoutReadingTheCasesHistory_ThroughADecorator()
    {
        var (before, after) = TestCases.LastFollowUp("RJ1-PMT-LATEST");
        using var sqlite = await RegistryClient.Outbox.Sqlite.SqliteSubmissionOutbox.OpenAsync(Path.Combine(_directory, "outbox.db"));
        var outbox = new CountingHistoryOutbox(sqlite);
        var basedOn = new ConcurrentQueue<int?>();
        var client = new OptionsClient((submission, options) =>
        {
            basedOn.Enqueue(options.BasedOnVersion);
            return BatchSubmitterTests.Stored(submission, basedOn.Count == 1 ? SubmissionStatus.Created : SubmissionStatus.Amended, basedOn.Count + 4);
        });
        var submitter = new BatchSubmitter(client, outbox);
        await submitter.EnqueueAsync(before);
        await submitter.DrainAsync(concurrency: 1);
        await submitter.EnqueueAsync(after);

        await submitter.DrainAsync(concurrency: 1);

        Assert.Equal([null, 5], basedOn);
        Assert.Equal(0, outbox.HistoryReads); // the SQLite outbox's own LatestStoredVersionAsync, forwarded by the decorator
    }

    [Fact]
    public async Task Drain_AcrossPages_SendsEachCasesVersionsInOrder_EachAmendingThePreviousOne()
    {
        var a = TestCases.Growing(0, "RJ1-PMT-PAGED-A");
        var b = TestCases.Growing(0, "RJ1-PMT-PAGED-B").Take(2).ToList();
        var sent = new ConcurrentQueue<(string Case, int Followups, int? BasedOn)>();
        var versions = new ConcurrentDictionary<string, int>();
        var client = new OptionsClient((submission, options) =>
        {
            sent.Enqueue((submission.LocalRecordId, submission.FollowUps?.Count ?? 0, options.BasedOnVersion));
            var version = versions.AddOrUpdate(submission.LocalRecordId, 1, (_, v) => v + 1);
            return BatchSubmitterTests.Stored(submission, version == 1 ? SubmissionStatus.Created : SubmissionStatus.Amended, version);
        });
        var outbox = new MemoryOutbox();
        var submitter = new BatchSubmitter(client, outbox) { PageSize = 2 };
        foreach (var submission in a.Take(2).Concat(b).Concat(a.Skip(2))) // A's versions on the first, second and later pages
        {
            await submitter.EnqueueAsync(submission);
        }

        var summary = await submitter.DrainAsync(concurrency: 4);

        Assert.Equal((2, a.Count + b.Count - 2, 0), (summary.Created, summary.Amended, summary.Pending));
        var sentA = sent.Where(s => s.Case == "RJ1-PMT-PAGED-A").ToList();
        Assert.Equal(Enumerable.Range(0, a.Count), sentA.Select(s => s.Followups));
        Assert.Equal([null, .. Enumerable.Range(1, a.Count - 1).Select(v => (int?)v)], sentA.Select(s => s.BasedOn));
    }

    [Fact]
    public async Task Drain_AcrossPages_AVersionThatFailsHoldsBackItsCasesVersionsOnLaterPages()
    {
        var a = TestCases.Growing(0, "RJ1-PMT-PAGED-HELD");
        var others = Enumerable.Range(1, 3).Select(i => TestCases.Growing(1, $"RJ1-PMT-PAGED-OTHER-{i}")[0]).ToList();
        var sent = new ConcurrentQueue<string>();
        var client = new OptionsClient((submission, _) =>
        {
            sent.Enqueue(submission.LocalRecordId);
            return submission.LocalRecordId == "RJ1-PMT-PAGED-HELD"
                ? BatchSubmitterTests.Failed(submission, "HTTP 503", attempts: 3)
                : BatchSubmitterTests.Stored(submission, SubmissionStatus.Created);
        });
        var outbox = new MemoryOutbox();
        var submitter = new BatchSubmitter(client, outbox) { PageSize = 2 };
        await submitter.EnqueueAsync(a[0]);
        foreach (var (later, other) in a.Skip(1).Zip(others))
        {
            await submitter.EnqueueAsync(other);
            await submitter.EnqueueAsync(later);
        }

        var summary = await submitter.DrainAsync(concurrency: 2);

        Assert.Single(sent, id => id == "RJ1-PMT-PAGED-HELD"); // only its first version was tried
        Assert.Equal(3, summary.Created);
        Assert.Equal(4, summary.Pending);
        Assert.Equal(a.Take(4).Select(SubmissionContentHash.Compute), (await outbox.PendingAsync(0, 10)).Select(e => e.ContentHash));
    }

    [Fact]
    public async Task Drain_SendsTheBytesTheOutboxHolds_NotAReserialisation()
    {
        // A version queued by another writer of the outbox (indented, members in another order): sent byte for byte.
        var submission = TestCases.Growing(0, "RJ1-PMT-BYTES")[1];
        var stored = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(SubmissionJson.SerializeToUtf8Bytes(submission)).RootElement, new JsonSerializerOptions { WriteIndented = true }));
        var prepared = PreparedSubmission.From(submission);
        var outbox = new MemoryOutbox();
        await outbox.EnqueueAsync(new OutboxEntry
        {
            IdempotencyKey = prepared.IdempotencyKey, OrganisationCode = "RJ1", LocalRecordId = "RJ1-PMT-BYTES", ContentHash = prepared.ContentHash, Body = stored,
        });
        var handler = new RecordingHandler();
        using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = new Uri("https://registry.invalid/"), Token = "t" }, handler);

        var summary = await new BatchSubmitter(client, outbox).DrainAsync(concurrency: 1);

        Assert.Equal(1, summary.Created);
        var request = Assert.Single(handler.Bodies);
        Assert.Equal(stored, request.Body);
        Assert.Equal("\"" + prepared.IdempotencyKey + "\"", request.Key);
    }

    [Fact]
    public async Task Enqueue_StoresTheWireBytes_WithTheKeyAndContentHashOfThoseBytes()
    {
        var outbox = new MemoryOutbox();
        var submitter = new BatchSubmitter(new OptionsClient((s, _) => throw new InvalidOperationException("not sent")), outbox);
        var submission = TestSubmissions.Load() with { Submitter = TestSubmissions.Load().Submitter with { SoftwareName = "PAS export", SoftwareVersion = "7.2" } };

        var entry = (await submitter.EnqueueAsync(submission)).Entry;

        Assert.Equal(SubmissionJson.SerializeToUtf8Bytes(submission), entry.Body);
        Assert.Equal(Reference.Key(submission), entry.IdempotencyKey);
        Assert.Equal(Reference.ContentHash(submission), entry.ContentHash);
    }

    public static TheoryData<string> ValidSamples() => Samples.ValidFileNames();

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void PreparedSubmission_KeyAndContentHash_AreThoseOfTheCanonicalDocument(string file)
    {
        var sample = SubmissionJson.Deserialize(File.ReadAllBytes(Path.Combine(Samples.ValidDirectory, file)));
        foreach (var submission in new[]
        {
            sample,
            sample with { Submitter = sample.Submitter with { SoftwareName = "PAS \"export\" é", SoftwareVersion = "7.2", RecordUpdatedAt = new DateTimeOffset(2026, 1, 5, 8, 30, 0, TimeSpan.FromHours(1)) } },
            sample with { Submitter = new Submitter { OrganisationCode = sample.Submitter.OrganisationCode } },
        })
        {
            var prepared = PreparedSubmission.From(submission);

            Assert.Equal(Reference.Key(submission), prepared.IdempotencyKey);
            Assert.Equal(Reference.ContentHash(submission), prepared.ContentHash);
            Assert.Equal(prepared.ContentHash, SubmissionContentHash.Compute(submission));
        }
    }

    [Fact]
    public async Task BatchSubmitter_CanBeReplacedInAConsumersTest_ByASubclass()
    {
        var fake = new RecordingSubmitter();
        var job = new NightlyExport(fake);

        var pending = await job.RunAsync([TestSubmissions.Load(), TestSubmissions.Load(1)]);

        Assert.Equal(2, fake.Queued.Count);
        Assert.Equal(7, pending);
    }

    /// <summary>The hashes as defined (SHA-256 of the canonical document, serialised on its own), to check the one-pass implementation against.</summary>
    private static class Reference
    {
        public static string ContentHash(Submission submission) =>
            "sha256:" + Convert.ToHexStringLower(SHA256.HashData(SubmissionJson.SerializeToUtf8Bytes(submission with
            {
                Submitter = submission.Submitter with { SoftwareName = null, SoftwareVersion = null, RecordUpdatedAt = null },
            })));

        public static string Key(Submission submission) =>
            $"{submission.Submitter.OrganisationCode}:{submission.LocalRecordId}:" + Convert.ToHexStringLower(SHA256.HashData(SubmissionJson.SerializeToUtf8Bytes(submission with
            {
                Submitter = submission.Submitter with { SoftwareName = null, SoftwareVersion = null },
            })).AsSpan(0, 16));
    }

    /// <summary>A decorator that counts reads of a case's whole history (every body of the case).</summary>
    private sealed class CountingHistoryOutbox(SubmissionOutbox inner) : DelegatingSubmissionOutbox(inner)
    {
        private int _reads;

        public int HistoryReads => Volatile.Read(ref _reads);

        public override Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return base.HistoryAsync(organisationCode, localRecordId, cancellationToken);
        }
    }

    /// <summary>A consumer's code that takes a <see cref="BatchSubmitter"/>: queue the export, drain, report what is left.</summary>
    private sealed class NightlyExport(BatchSubmitter submitter)
    {
        public async Task<int> RunAsync(IEnumerable<Submission> export)
        {
            foreach (var submission in export)
            {
                await submitter.EnqueueAsync(submission);
            }

            return (await submitter.DrainAsync(concurrency: 4)).Pending;
        }
    }

    /// <summary>The consumer's test double: no client, no outbox, only the overridden methods.</summary>
    private sealed class RecordingSubmitter : BatchSubmitter
    {
        public List<Submission> Queued { get; } = [];

        public override Task<OutboxEnqueueResult> EnqueueAsync(Submission submission, CancellationToken cancellationToken = default)
        {
            Queued.Add(submission);
            return Task.FromResult(new OutboxEnqueueResult
            {
                Outcome = OutboxEnqueueOutcome.Queued,
                Entry = new OutboxEntry { IdempotencyKey = "k", OrganisationCode = "RJ1", LocalRecordId = submission.LocalRecordId, ContentHash = "h", Body = [] },
            });
        }

        public override Task<BatchSummary> DrainAsync(int concurrency, IProgress<SubmitProgress>? progress = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new BatchSummary { Created = Queued.Count, Pending = 7 });
    }

    /// <summary>A client double that sees the options the drain sends with (the version each amendment is based on).</summary>
    private sealed class OptionsClient(Func<Submission, SubmitOptions, SubmissionResult> answer) : VenousRegistryClient
    {
        public override Task<SubmissionResult> SubmitAsync(PreparedSubmission submission, SubmitOptions options, CancellationToken cancellationToken = default) =>
            Task.FromResult(answer(SubmissionJson.Deserialize(submission.Body.Span), options));
    }

    /// <summary>Answers every POST with 201 and keeps what was sent.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public ConcurrentQueue<(byte[] Body, string? Key)> Bodies { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Enqueue((await request.Content!.ReadAsByteArrayAsync(cancellationToken), request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null));
            var receipt = """{"id":"sub_0123456789abcdef0123456789abcdef","organisationCode":"RJ1","localRecordId":"RJ1-PMT-BYTES","status":"accepted","version":1,"contentHash":"sha256:00","receivedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","schemaVersion":"1.0"}""";
            return new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(receipt, Encoding.UTF8, "application/json"), RequestMessage = request };
        }
    }
}
