using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Testing;

/// <summary>Every input gets a clear answer: authentication, idempotency keys, media types, unknown routes, failures.</summary>
public sealed class SandboxHttpTests
{
    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task BearerScheme_IsCaseInsensitive(string scheme)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/schema");
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {sandbox.Token}");

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic c2FuZGJveC10b2tlbg==")]
    [InlineData("Bearer")]
    public async Task MissingOrWrongToken_Is401WithAProblem(string? authorization)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/schema");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await SandboxApi.ProblemAsync(response));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    public static TheoryData<string, string> BadKeys() => new()
    {
        { "", "empty" },
        { "\"\"", "empty" },
        { "\"   \"", "whitespace" },
        { "\"" + new string('k', 256) + "\"", "longer than 255" },
        { new string('k', 10_000), "longer than 255" },
        { "\"abc", "RFC 8941" },
        { "abc\"def", "RFC 8941" },
        { "\"ab\"cd\"", "RFC 8941" },
        { "\"a\\b\"", "RFC 8941" },
        { "\"clé\"", "ASCII" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task PresentButBadIdempotencyKey_Is400NamingTheProblem_AndStoresNothing(string key, string titleSays)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }; // lets a non-ASCII key through
        using var http = new HttpClient(handler) { BaseAddress = sandbox.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/submissions") { Content = new ByteArrayContent(SandboxApi.Bytes(TestSubmissions.Load())) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", sandbox.Token);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid-idempotency-key", await SandboxApi.ProblemAsync(response));
        var title = (string)(await SandboxApi.JsonAsync(response))["title"]!;
        Assert.Contains(titleSays, title);
        Assert.DoesNotContain("required", title);
        Assert.Equal((0, 0), await sandbox.CountAsync());
    }

    [Fact]
    public async Task MissingIdempotencyKey_Is400SayingItIsRequired()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);

        var response = await api.SendAsync(HttpMethod.Post, "v1/submissions", SandboxApi.Bytes(TestSubmissions.Load()), "application/json", null);

        Assert.Equal("invalid-idempotency-key", await SandboxApi.ProblemAsync(response));
        Assert.Contains("required", (string)(await SandboxApi.JsonAsync(response))["title"]!);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task BodyNotDeclaredJson_Is415_AndStoresNothing(string? contentType)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var body = SandboxApi.Bytes(TestSubmissions.Load());

        var created = await api.CreateAsync(body, contentType: contentType!);
        var validated = await api.SendAsync(HttpMethod.Post, "v1/submissions/validate", body, contentType, null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, created.StatusCode);
        Assert.Equal("unsupported-media-type", await SandboxApi.ProblemAsync(created));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, validated.StatusCode);
        Assert.Equal((0, 0), await sandbox.CountAsync());
    }

    [Fact]
    public async Task UnknownRoutesAndMethods_AnswerWithProblemDocuments()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);

        var unknown = await api.SendAsync(HttpMethod.Get, "v2/anything", null, null, null);
        var method = await api.SendAsync(HttpMethod.Delete, "v1/submissions/sub_1", null, null, null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("not-found", await SandboxApi.ProblemAsync(unknown));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Equal("method-not-allowed", await SandboxApi.ProblemAsync(method));
    }

    [Fact]
    public async Task AnUnexpectedFailure_IsA500ProblemDocument_NeverABare500()
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-500-").FullName;
        var database = Path.Combine(directory, "sandbox.db");
        try
        {
            await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, DatabasePath = database });
            using var api = new SandboxApi(sandbox);
            await using (var sabotage = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                await sabotage.OpenAsync();
                await using var drop = sabotage.CreateCommand();
                drop.CommandText = "DROP TABLE versions";
                await drop.ExecuteNonQueryAsync();
            }

            var response = await api.CreateAsync(TestSubmissions.Load());

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("internal-error", await SandboxApi.ProblemAsync(response));
            Assert.DoesNotContain("versions", await response.Content.ReadAsStringAsync()); // no internals leak either
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("v1/submissions")]
    [InlineData("v1/submissions/validate")]
    public async Task DatesAtTheEdgeOfTheCalendar_NeverGetABare500(string path)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 });
        using var api = new SandboxApi(sandbox);
        var submission = TestSubmissions.Load(); // it has follow-ups: their windows are counted from the procedure date
        var edge = submission with { Procedure = submission.Procedure with { ProcedureDate = new DateTime(9999, 12, 31) } };

        var response = await api.SendAsync(HttpMethod.Post, path, SandboxApi.Bytes(edge), "application/json",
            r => r.Headers.TryAddWithoutValidation("Idempotency-Key", "\"edge\""));

        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        if (response.StatusCode == HttpStatusCode.InternalServerError)
        {
            Assert.Equal("internal-error", await SandboxApi.ProblemAsync(response));
        }
        else
        {
            Assert.Contains((int)response.StatusCode, new[] { 200, 400 });
        }
    }

    [Fact]
    public async Task Log_IsOneLinePerRequest_MethodPathStatus_NoBodyNoIdentifier()
    {
        var lines = new List<string>();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(lines)));
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LoggerFactory = factory });
        using var api = new SandboxApi(sandbox);
        var submission = TestSubmissions.Load();

        var id = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(submission)))["id"]!;
        await api.GetAsync(id);
        await api.ListAsync("organisationCode=RJ1");
        await api.SendAsync(HttpMethod.Get, "v1/submissions/" + submission.Patient.NhsNumber, null, null, null);
        await api.WithdrawAsync(id);

        // The line is written as the response completes; the client may read it a moment earlier.
        Assert.True(SpinWait.SpinUntil(() => { lock (lines) { return lines.Count >= 5; } }, TimeSpan.FromSeconds(10)), "Timed out waiting for the sandbox to log 5 request lines");
        lock (lines)
        {
            Assert.Equal(
                [$"POST /v1/submissions 201", $"GET /v1/submissions/{id} 200", "GET /v1/submissions 200", "GET /v1/submissions/{id} 404", $"POST /v1/submissions/{id}/withdrawal 200"],
                lines);
        }
    }

    [Fact]
    public async Task Log_NeverRepeatsWhatAnUnauthenticatedCallerTyped_OnlyTheRouteAndAStandardMethod()
    {
        var lines = new List<string>();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(lines)));
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, LoggerFactory = factory });
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        const string nhsNumber = "9997770021"; // a test-range NHS number (modulus 11 holds), typed where a method or an id goes

        await http.SendAsync(new HttpRequestMessage(new HttpMethod(nhsNumber), "v1/submissions"));   // the request line "9997770021 /v1/submissions"
        await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "v1/submissions/" + nhsNumber));  // no token
        await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "v1/submissions/sub_0123456789abcdef0123456789abcdef/versions"));

        Assert.True(SpinWait.SpinUntil(() => { lock (lines) { return lines.Count >= 3; } }, TimeSpan.FromSeconds(10)), "Timed out waiting for the sandbox to log 3 request lines");
        lock (lines)
        {
            Assert.Equal(["(other method) (unknown path) 401", "GET /v1/submissions/{id} 401", "GET /v1/submissions/{id}/versions 401"], lines);
        }
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
