using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Http;
using RegistryClient.Model;
using WireMock.ResponseBuilders;
using static RegistryClient.Tests.Http.ScriptedRegistry;

namespace RegistryClient.Tests.Http;

/// <summary>What operators see: log lines (one per transient failure, no stack trace, stable categories), the submit span and the duration histogram.</summary>
public sealed class ClientDiagnosticsTests : IDisposable
{
    private readonly ScriptedRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Logs_AtInformation_OneLinePerTransientFailure_WithoutStackTraces_UnderRegistryClientCategories()
    {
        _registry.Script(Post(), Response.Create().WithStatusCode(503), Response.Create().WithStatusCode(502), Receipt(201, ReceiptJson()));
        var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(logs));
        using var client = _registry.Client(loggers: loggers);

        await client.SubmitAsync(TestSubmissions.Load());

        var lines = logs.Records.ToList();
        Assert.Equal(3, lines.Count); // two retries and the outcome: nothing else at Information
        Assert.All(lines, l => Assert.StartsWith("RegistryClient.", l.Category, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Null(l.Exception));
        var retries = lines.Where(l => l.EventId == 20).ToList();
        Assert.Equal([LogLevel.Information, LogLevel.Information], retries.Select(l => l.Level));
        Assert.Contains("HTTP 503", retries[0].Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 502", retries[1].Message, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Message.Contains("created", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_ANetworkFailure_IsOneInformationLine_AndItsExceptionOnlyAtDebug()
    {
        using var sockets = new SocketRegistry(SocketRegistry.Answer.Drop, SocketRegistry.Answer.Created);
        var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var client = _registry.Client(o => o.Endpoint = sockets.Endpoint, loggers: loggers);

        var result = await client.SubmitAsync(TestSubmissions.Load());

        Assert.Equal(SubmissionStatus.Created, result.Status);
        var lines = logs.Records.ToList();
        Assert.All(lines, l => Assert.StartsWith("RegistryClient.", l.Category, StringComparison.Ordinal)); // no Refit or HttpClient categories
        var atInformation = lines.Where(l => l.Level >= LogLevel.Information).ToList();
        Assert.All(atInformation, l => Assert.Null(l.Exception));
        Assert.Single(atInformation, l => l.EventId == 20 && l.Message.Contains("network error", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.Exception is not null), l => Assert.True(l.Level <= LogLevel.Debug));
        Assert.Contains(lines, l => l.Exception is not null);
    }

    [Fact]
    public async Task SubmitSpan_CarriesStatusAttemptsReceiptOutcomeAndOrganisation_ButNoPatientData()
    {
        var submission = Tagged(TestSubmissions.Load(), "RXSPN");
        _registry.Script(Post(), Response.Create().WithStatusCode(503), Receipt(201, ReceiptJson("case_span", 1)));
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RegistryDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var client = _registry.Client();

        await client.SubmitAsync(submission);

        var span = Assert.Single(spans, s => (string?)s.GetTagItem("registry.organisation_code") == "RXSPN");
        Assert.Equal("RegistryClient.Submit", span.OperationName);
        Assert.Equal("Created", span.GetTagItem("registry.outcome"));
        Assert.Equal(201, span.GetTagItem("http.response.status_code"));
        Assert.Equal(2, span.GetTagItem("registry.attempts"));
        Assert.Equal("case_span", span.GetTagItem("registry.receipt_id"));
        var values = string.Join("|", span.TagObjects.Select(t => t.Value));
        Assert.DoesNotContain(submission.Patient.NhsNumber!, values, StringComparison.Ordinal);
        Assert.DoesNotContain(submission.LocalRecordId, values, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DurationHistogram_IsInSeconds_WithExplicitBuckets_TimedOnTheInjectedClock()
    {
        var submission = Tagged(TestSubmissions.Load(), "RXDUR");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        _registry.Script(Post(), Response.Create().WithStatusCode(503).WithHeader("Retry-After", "2"), Receipt(201, ReceiptJson()));
        Histogram<double>? histogram = null;
        var recorded = new ConcurrentQueue<double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RegistryDiagnostics.Name && instrument.Name == "registry.client.submit.duration")
                {
                    histogram = (Histogram<double>)instrument;
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "registry.organisation_code", Value: "RXDUR" })
                {
                    recorded.Enqueue(value);
                }
            }
        });
        meters.Start();
        using var client = _registry.Client(o => { o.AttemptTimeout = TimeSpan.FromMinutes(1); o.TotalTimeout = TimeSpan.FromMinutes(2); }, time);

        var submitting = client.SubmitAsync(submission);
        while (!submitting.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }

        await submitting;
        Assert.Equal("s", histogram!.Unit);
        Assert.Equal([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], histogram.Advice!.HistogramBucketBoundaries!);
        // In seconds (not ms), and on the fake clock: at least the 2 s Retry-After, though almost no real time passed.
        // (The fake clock may run on a little while the client finishes, hence no tight upper bound.)
        Assert.InRange(Assert.Single(recorded), 2.0, 30.0);
    }

    private static Submission Tagged(Submission submission, string organisationCode) =>
        submission with { Submitter = submission.Submitter with { OrganisationCode = organisationCode } };

    private sealed record LogRecord(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogRecord> Records { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Records.Enqueue(new LogRecord(category, logLevel, eventId.Id, formatter(state, exception), exception));
        }
    }
}
