using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RegistryClient.Http;
using RegistryClient.Model;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RegistryClient.Tests.Http;

/// <summary>The client against a scripted registry (WireMock.Net): what is retried, what is not, and what is sent each time.</summary>
public sealed class RegistryClientResilienceTests : IDisposable
{
    private const string Receipt = """{"id":"sub_1","localRecordId":"RJ1-PMT-2023-0001","status":"accepted","receivedAt":"2026-11-24T10:00:00+00:00","schemaVersion":"1.0"}""";

    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task Submit_FailsTwiceThenSucceeds_SendsTheSameBodyAndKeyEachTime()
    {
        Script(Response.Create().WithStatusCode(503), Response.Create().WithStatusCode(502), Created());
        using var client = NewClient();
        var submission = TestSubmissions.Load();

        var result = await client.SubmitAsync(submission);

        Assert.Equal(SubmissionStatus.Created, result.Status);
        Assert.Equal("sub_1", result.Receipt!.Id);
        var requests = _server.LogEntries.Select(e => e.RequestMessage!).ToList();
        Assert.Equal(3, requests.Count);
        var expectedBody = JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission);
        Assert.All(requests, r => Assert.Equal(expectedBody, r.BodyAsBytes));
        Assert.All(requests, r => Assert.Equal($"\"{IdempotencyKey.For(submission)}\"", r.Headers!["Idempotency-Key"]!.Single()));
        Assert.All(requests, r => Assert.Equal("Bearer test-token", r.Headers!["Authorization"]!.Single()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Submit_RetryAfter_IsWaitedFor_InBothForms(bool httpDate)
    {
        var time = new FakeTimeProvider(Start);
        var retryAfter = httpDate ? time.GetUtcNow().AddSeconds(3).ToString("R") : "3";
        Script(Response.Create().WithStatusCode(429).WithHeader("Retry-After", retryAfter), Created());
        using var client = NewClient(o => SlowAttempts(o), time);

        var submitting = client.SubmitAsync(TestSubmissions.Load());
        var waited = await AdvanceUntilAsync(time, () => _server.LogEntries.Count() == 2);

        Assert.Equal(SubmissionStatus.Created, (await submitting).Status);
        // The backoff alone would be 10 ms; only honouring Retry-After holds the second attempt back for 3 s.
        Assert.True(waited >= TimeSpan.FromSeconds(3), $"the second attempt left after {waited}");
    }

    [Fact]
    public async Task TooManyRequests_HoldsBackEveryCallOfTheClient_NotJustTheOneThatGotIt()
    {
        var time = new TimerWatchingClock(Start);
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        Script(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "2"), Created(), Created());
        using var client = VenousRegistryClient.Create(SlowAttempts(Options()), loggerFactory: loggers, timeProvider: time);

        Task<SubmissionResult>? first = null, second = null;
        try
        {
            first = client.SubmitAsync(TestSubmissions.Load());
            await Eventually(() => logs.All.Contains("retrying", StringComparison.Ordinal), "the client logging that it is retrying after the 429"); // the 429 is in, its hold is set
            // Its own retry waits out the Retry-After on the fake clock; only once that timer is made is every earlier timer known.
            await time.WaitForTimerAsync(t => t.DueAt == Start + TimeSpan.FromSeconds(2), "the first call's retry delay (the 429's Retry-After)");
            var timersBefore = time.Timers.Count;
            second = client.SubmitAsync(TestSubmissions.Load(1)); // sent while the 429's hold is on
            // The second call waits out the shared hold on the client's clock: a timer ending when the 429's 2 s end.
            // A client that held back only the call that got the 429 would make no such timer for the second call.
            var hold = await time.WaitForTimerAsync(
                t => time.Timers.Skip(timersBefore).Contains(t) && t.DueAt == Start + TimeSpan.FromSeconds(2),
                "the second call's wait for the 429's hold (a timer due 2 s after the 429)");
            time.Advance(TimeSpan.FromSeconds(1.9));
            Assert.False(hold.Fired, "the hold ended before the 2 s the registry asked for");
            Assert.False(second.IsCompleted, "the second call finished inside the hold");
            Assert.Single(_server.LogEntries); // nothing can have left: every wait is on the fake clock, which is short of 2 s
            await AdvanceUntilAsync(time, () => _server.LogEntries.Count() == 3);
            await Task.WhenAll(first, second);

            Assert.True(hold.Fired);
            Assert.Equal(SubmissionStatus.Created, (await second).Status);
        }
        finally
        {
            // On a failure, end the calls' fake-clock waits and let them finish: disposing the client waits for them.
            time.Advance(TimeSpan.FromMinutes(5));
            await Task.WhenAny(Task.WhenAll(new[] { first, second }.OfType<Task>()), Task.Delay(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task Submit_RetryAfterBeyondTheTimeBudget_EndsAtOnceAsTransientFailure()
    {
        Script(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "120"), Created());
        using var client = NewClient(o => { o.TotalTimeout = TimeSpan.FromSeconds(20); o.MaxRetryAfter = TimeSpan.FromMinutes(5); });

        var result = await client.SubmitAsync(TestSubmissions.Load());

        Assert.Equal(SubmissionStatus.TransientFailure, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
        Assert.Single(_server.LogEntries); // no pointless wait, no second attempt
    }

    [Fact]
    public async Task Submit_BadRequest_IsRejectedWithTheRegistrysErrors_AndNotRetried()
    {
        _server.Given(Request.Create().WithPath("/v1/submissions").UsingPost()).RespondWith(Response.Create().WithStatusCode(400)
            .WithHeader("Content-Type", "application/problem+json")
            .WithBody("""{"title":"The submission is invalid","status":400,"errors":[{"code":"VR004","pointer":"/governance/researchStudy","message":"research only"}]}"""));
        using var client = NewClient();

        var result = await client.SubmitAsync(TestSubmissions.Load());

        Assert.Equal(SubmissionStatus.Rejected, result.Status);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("VR004", "/governance/researchStudy"), (error.Code, error.Pointer));
        Assert.Single(_server.LogEntries);
    }

    [Theory]
    [InlineData(422, SubmissionStatus.Conflict)]
    [InlineData(401, SubmissionStatus.Unauthorized)]
    [InlineData(403, SubmissionStatus.Forbidden)]
    public async Task Submit_PermanentStatuses_AreTypedAndNotRetried(int status, SubmissionStatus expected)
    {
        _server.Given(Request.Create().WithPath("/v1/submissions").UsingPost()).RespondWith(Response.Create().WithStatusCode(status));
        using var client = NewClient();

        var result = await client.SubmitAsync(TestSubmissions.Load());

        Assert.Equal(expected, result.Status);
        Assert.Single(_server.LogEntries);
    }

    [Fact]
    public async Task Submit_InProgressConflict409_IsRetriedWithTheSameKey()
    {
        Script(Response.Create().WithStatusCode(409).WithHeader("Content-Type", "application/problem+json").WithBody("""{"type":"https://registry.example/problems/request-in-progress","title":"in progress","status":409}"""), Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Receipt));
        using var client = NewClient();

        var result = await client.SubmitAsync(TestSubmissions.Load());

        Assert.Equal(SubmissionStatus.Unchanged, result.Status);
        Assert.Single(_server.LogEntries.Select(e => e.RequestMessage!.Headers!["Idempotency-Key"]!.Single()).Distinct());
    }

    [Fact]
    public async Task Submit_HangingAttempt_IsCutOffByTheAttemptTimeout_AndRetried()
    {
        var time = new FakeTimeProvider(Start);
        using var registry = new SocketRegistry(SocketRegistry.Answer.Hang, SocketRegistry.Answer.Created);
        using var client = NewClient(o => { o.Endpoint = registry.Endpoint; o.AttemptTimeout = TimeSpan.FromSeconds(2); }, time);

        var submitting = client.SubmitAsync(TestSubmissions.Load());
        await Eventually(() => registry.Requests == 1, "the first request reaching the socket registry");
        var waited = await AdvanceUntilAsync(time, () => registry.Requests == 2, TimeSpan.FromMilliseconds(20));
        var result = await submitting;

        Assert.Equal(SubmissionStatus.Created, result.Status);
        Assert.True(result.Attempts >= 2, $"{result.Attempts} attempt(s)");
        Assert.True(waited >= TimeSpan.FromSeconds(2), $"the second attempt left after {waited}");
    }

    [Fact]
    public async Task Submit_HangingServer_GivesUpAtTheTotalTimeout_AsTransient()
    {
        var time = new FakeTimeProvider(Start);
        using var registry = new SocketRegistry(SocketRegistry.Answer.Hang);
        using var client = NewClient(o => { o.Endpoint = registry.Endpoint; o.AttemptTimeout = TimeSpan.FromMilliseconds(300); o.TotalTimeout = TimeSpan.FromSeconds(1); }, time);

        var submitting = client.SubmitAsync(TestSubmissions.Load());
        await Eventually(() => registry.Requests == 1, "the first request reaching the socket registry");
        var waited = await AdvanceUntilAsync(time, () => submitting.IsCompleted, TimeSpan.FromMilliseconds(50));
        var result = await submitting;

        Assert.Equal(SubmissionStatus.TransientFailure, result.Status);
        Assert.Equal("timed out", result.Detail);
        Assert.True(waited >= TimeSpan.FromSeconds(1), $"gave up after {waited}");
    }

    [Fact]
    public async Task Submit_DroppedConnection_IsRetried()
    {
        using var registry = new SocketRegistry(SocketRegistry.Answer.Drop, SocketRegistry.Answer.Created);
        using var client = NewClient(o => o.Endpoint = registry.Endpoint);

        var result = await client.SubmitAsync(TestSubmissions.Load());

        Assert.True(result.Status == SubmissionStatus.Created, result.Detail);
        Assert.Equal((2, 2), (registry.Requests, result.Attempts));
    }

    [Fact]
    public async Task Circuit_OpensUnderRepeatedFailure_FailsFast_ThenRecovers()
    {
        var time = new FakeTimeProvider(Start);
        _server.Given(Request.Create().WithPath("/v1/submissions").UsingPost()).RespondWith(Response.Create().WithStatusCode(500));
        using var client = NewClient(o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitMinimumThroughput = 4;
            o.CircuitFailureRatio = 0.5;
            o.CircuitSamplingDuration = TimeSpan.FromSeconds(30);
            o.CircuitBreakDuration = TimeSpan.FromSeconds(1);
        }, time);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(SubmissionStatus.TransientFailure, (await client.SubmitAsync(TestSubmissions.Load())).Status);
        }

        var open = await client.SubmitAsync(TestSubmissions.Load());

        Assert.Equal(SubmissionStatus.TransientFailure, open.Status);
        Assert.Contains("circuit", open.Detail, StringComparison.Ordinal);
        Assert.Equal(4, _server.LogEntries.Count()); // the fifth call never reached the server

        _server.Reset();
        _server.Given(Request.Create().WithPath("/v1/submissions").UsingPost()).RespondWith(Created());
        Assert.Equal(SubmissionStatus.TransientFailure, (await client.SubmitAsync(TestSubmissions.Load())).Status); // still open
        time.Advance(TimeSpan.FromSeconds(1.2));

        Assert.Equal(SubmissionStatus.Created, (await client.SubmitAsync(TestSubmissions.Load())).Status);
    }

    [Fact]
    public async Task TokenProvider_IsAskedOnEveryAttempt()
    {
        Script(Response.Create().WithStatusCode(503), Created());
        var issued = 0;
        using var client = VenousRegistryClient.Create(Options(), RegistryTokenProvider.FromDelegate(_ => new ValueTask<string>($"token-{Interlocked.Increment(ref issued)}")));

        await client.SubmitAsync(TestSubmissions.Load());

        Assert.Equal(["Bearer token-1", "Bearer token-2"], _server.LogEntries.Select(e => e.RequestMessage!.Headers!["Authorization"]!.Single()));
    }

    [Theory]
    [InlineData("http://registry.example.org/")]
    [InlineData("ftp://127.0.0.1/")]
    public void Create_RefusesPlainHttpExceptToLoopback(string endpoint)
    {
        var options = Options();
        options.Endpoint = new Uri(endpoint);

        var error = Assert.Throws<OptionsValidationException>(() => VenousRegistryClient.Create(options));

        Assert.Contains("Endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdempotencyKey_IsStable_ChangesWithContent_AndIgnoresTheSoftwareVersion()
    {
        var submission = TestSubmissions.Load();
        var key = IdempotencyKey.For(submission);

        Assert.Equal(key, IdempotencyKey.For(TestSubmissions.Load()));
        Assert.Equal(key, IdempotencyKey.For(submission with { Submitter = submission.Submitter with { SoftwareVersion = "9.9.9" } }));
        Assert.NotEqual(key, IdempotencyKey.For(submission with { Patient = submission.Patient with { AgeAtProcedure = 48 } }));
        Assert.StartsWith("RJ1:RJ1-PMT-2023-0001:", key, StringComparison.Ordinal);
        Assert.DoesNotContain(submission.Patient.NhsNumber!, key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_AtTraceLevel_NeverCarryPatientIdentifiersOrTheToken()
    {
        var invalid = Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/problem+json")
            .WithBody("""{"title":"invalid","status":400,"errors":[{"code":"VR001","pointer":"/patient/nhsNumber","message":"fails the check"}]}""");
        Script(Response.Create().WithStatusCode(503), invalid, invalid);
        var capture = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        using var client = VenousRegistryClient.Create(Options(), loggerFactory: loggerFactory);
        var submission = TestSubmissions.Load(4); // the pseudonymised sample
        var withNhs = TestSubmissions.Load(0);

        await client.SubmitAsync(submission);
        await client.SubmitAsync(withNhs);

        var logs = capture.All;
        Assert.Contains("rejected", logs, StringComparison.OrdinalIgnoreCase); // the capture saw the client's own messages
        Assert.Contains("HTTP 503", logs, StringComparison.Ordinal); // and the retry's
        Assert.DoesNotContain(withNhs.Patient.NhsNumber!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(submission.Patient.Pseudonym!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("test-token", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(withNhs.Presentation.SymptomOnsetDate.ToString("yyyy-MM-dd"), logs, StringComparison.Ordinal); // no body value at all
    }

    private void Script(params IResponseBuilder[] responses)
    {
        for (var i = 0; i < responses.Length; i++)
        {
            var step = _server.Given(Request.Create().WithPath("/v1/submissions").UsingPost()).InScenario("script");
            step = i == 0 ? step : step.WhenStateIs($"step-{i}");
            step.WillSetStateTo($"step-{i + 1}").RespondWith(responses[i]);
        }
    }

    private static IResponseBuilder Created() =>
        Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(Receipt);

    private RegistryClientOptions Options() => new()
    {
        Endpoint = new Uri(_server.Url!),
        Token = "test-token",
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryAttempts = 4,
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    private VenousRegistryClient NewClient(Action<RegistryClientOptions>? configure = null, TimeProvider? time = null)
    {
        var options = Options();
        configure?.Invoke(options);
        return VenousRegistryClient.Create(options, timeProvider: time);
    }

    /// <summary>Attempt and total timeouts far beyond the waits under test, so moving the fake clock never cuts an attempt short.</summary>
    private static RegistryClientOptions SlowAttempts(RegistryClientOptions options)
    {
        options.AttemptTimeout = TimeSpan.FromMinutes(1);
        options.TotalTimeout = TimeSpan.FromMinutes(2);
        return options;
    }

    /// <summary>
    /// Moves the fake clock in small steps until <paramref name="done"/> holds (yielding a moment of real time between
    /// steps so the client's continuations run), and says how much fake time that took.
    /// </summary>
    private static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, TimeSpan? step = null)
    {
        var advanced = TimeSpan.Zero;
        while (!done())
        {
            Assert.True(advanced < TimeSpan.FromMinutes(1), "nothing happened within a minute of fake time");
            time.Advance(step ?? TimeSpan.FromMilliseconds(100));
            advanced += step ?? TimeSpan.FromMilliseconds(100);
            await Task.Delay(2);
        }

        return advanced;
    }

    /// <summary>Waits (in real time, briefly) for something the client does without any clock: a request arriving.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "Timed out waiting for " + what);
    }
}
