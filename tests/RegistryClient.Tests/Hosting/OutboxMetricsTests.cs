using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Tests.Http;
using RegistryClient.Tests.Outbox;

namespace RegistryClient.Tests.Hosting;

/// <summary>The queue's instruments on the RegistryClient meter, as a metrics exporter reads them.</summary>
public sealed class OutboxMetricsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-metrics-").FullName;

    public void Dispose()
    {
        WorkerHost.ClearPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EachAnswerIsCounted_UnderItsDocumentedNameAndUnit_AndTheQueueIsMeasured()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var answers = new BatchSubmitterTests.ScriptedClient(submission => Task.FromResult(submission.LocalRecordId switch
        {
            var id when id.EndsWith("STALE", StringComparison.Ordinal) => RegistryModelFactory.SubmissionResult(SubmissionStatus.Stale, httpStatus: 409),
            var id when id.EndsWith("BAD", StringComparison.Ordinal) => RegistryModelFactory.SubmissionResult(SubmissionStatus.Rejected, httpStatus: 400),
            _ when submission.FollowUps is { Count: > 0 } => BatchSubmitterTests.Stored(submission, SubmissionStatus.Amended, 2),
            _ => BatchSubmitterTests.Stored(submission, SubmissionStatus.Created),
        }));
        using var host = WorkerHost.Build(new Uri("http://127.0.0.1:9/"), "t", Path.Combine(_directory, "outbox.db"), services: s =>
        {
            s.AddMetrics();
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<VenousRegistryClient>(answers);
        });
        using var meter = new RecordedMeter(host.Services.GetRequiredService<IMeterFactory>().Create(RegistryDiagnostics.Name));
        var growing = TestCases.LastFollowUp("RJ1-PMT-METRICS-GROW");
        var queued = new List<Submission>
        {
            growing.Before with { FollowUps = null },
            growing.After,
            TestSubmissions.Load() with { LocalRecordId = "RJ1-PMT-METRICS-STALE", FollowUps = null },
            TestSubmissions.Load() with { LocalRecordId = "RJ1-PMT-METRICS-BAD", FollowUps = null },
        };
        foreach (var submission in queued)
        {
            await host.Queue().EnqueueAsync(submission);
        }

        await host.HealthAsync(); // reads the queue's size and oldest entry, as a monitoring probe would before the worker runs
        clock.Advance(TimeSpan.FromSeconds(90));
        meter.Observe();
        Assert.Equal(4.0, meter.Last("registry.outbox.pending"));
        Assert.Equal(90.0, meter.Last("registry.outbox.oldest_pending.age"));

        await host.StartAsync();
        await host.DrainedAsync(4);
        await host.StopAsync();
        meter.Observe();

        Assert.Equal(4L, meter.Sum("registry.outbox.sent"));
        Assert.Equal(1L, meter.Sum("registry.outbox.created"));
        Assert.Equal(1L, meter.Sum("registry.outbox.amended"));
        Assert.Equal(1L, meter.Sum("registry.outbox.stale"));
        Assert.Equal(1L, meter.Sum("registry.outbox.rejected"));
        Assert.Equal(0.0, meter.Last("registry.outbox.pending"));
        Assert.Equal(0.0, meter.Last("registry.outbox.oldest_pending.age"));
        Assert.Equal([90.0, 90.0, 90.0, 90.0], meter.All("registry.outbox.drain.lag"));
        Assert.Equal(
            [("registry.outbox.amended", "{submission}"), ("registry.outbox.created", "{submission}"), ("registry.outbox.drain.lag", "s"),
             ("registry.outbox.oldest_pending.age", "s"), ("registry.outbox.pending", "{submission}"), ("registry.outbox.rejected", "{submission}"),
             ("registry.outbox.sent", "{submission}"), ("registry.outbox.stale", "{submission}")],
            meter.Units.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => (u.Key, u.Value)));
        Assert.All(meter.Tags, tag => Assert.DoesNotContain("RJ1-PMT-METRICS", tag, StringComparison.Ordinal));
        Assert.Contains("registry.organisation_code=RJ1", meter.Tags);
    }

    /// <summary>Listens to one meter instance (this test's container), recording every measurement and its tags.</summary>
    private sealed class RecordedMeter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _values = new(StringComparer.Ordinal);

        public RecordedMeter(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name.StartsWith("registry.outbox.", StringComparison.Ordinal))
                {
                    Units[instrument.Name] = instrument.Unit ?? "";
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public ConcurrentDictionary<string, string> Units { get; } = new(StringComparer.Ordinal);

        public ConcurrentBag<string> Tags { get; } = [];

        public void Observe() => _listener.RecordObservableInstruments();

        public double Last(string name) => _values[name].Last();

        public long Sum(string name) => _values.TryGetValue(name, out var values) ? (long)values.Sum() : 0;

        public double[] All(string name) => [.. _values[name]];

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _values.GetOrAdd(instrument.Name, _ => new ConcurrentQueue<double>()).Enqueue(value);
            foreach (var tag in tags)
            {
                Tags.Add($"{tag.Key}={tag.Value}");
            }
        }
    }
}
