using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RegistryClient.Testing;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Testing;

/// <summary>
/// The sandbox and schemas/registry-api.v1.openapi.yaml agree exactly: every documented outcome of every operation is
/// provoked, and every response (status, media type, body, documented headers) is checked against the document.
/// </summary>
public sealed class OpenApiContractTests : IDisposable
{
    /// <summary>Outcomes documented but not provoked here, and why.</summary>
    private static readonly string[] NotProvoked =
    [
        "POST /v1/submissions/validate 500", // validation touches no storage: no failure to inject
        "GET /v1/schema 500",                // an embedded resource: no failure to inject
        "POST /v1/submissions/validate 500 https://registry.example/problems/internal-error",
        "GET /v1/schema 500 https://registry.example/problems/internal-error",
        "POST /v1/submissions 400 https://registry.example/problems/invalid-request", // a body Kestrel cannot read (broken chunking): HttpClient never sends one
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("sandbox-contract-").FullName;
    private readonly OpenApiContract _contract = OpenApiContract.Load();

    [Fact]
    public async Task EveryDocumentedOutcome_IsProvoked_AndEveryResponseConformsToTheDocument()
    {
        var recorder = new RecordingHandler();
        await DriveTheLifecycleAsync(recorder);
        await DriveFaultsAsync(recorder);
        await DriveRateLimitAsync(recorder);
        await DriveStorageFailuresAsync(recorder);
        var exchanges = recorder.Exchanges.ToList();

        var violations = exchanges.SelectMany(_contract.Check).Distinct().ToList();
        var seen = exchanges.Select(e => _contract.Match(e.Method, e.Path) is { } op ? $"{op.Method} {op.Path} {e.Status}" : null).ToHashSet();
        var unprovoked = _contract.DocumentedOutcomes().Select(o => $"{o.Method} {o.Path} {o.Status}").Where(o => !seen.Contains(o)).Except(NotProvoked).ToList();
        var seenTypes = exchanges.Select(e => _contract.Match(e.Method, e.Path) is { } op && ProblemType(e) is { } type ? $"{op.Method} {op.Path} {e.Status} {type}" : null).ToHashSet();
        unprovoked.AddRange(_contract.DocumentedProblemTypes().Select(o => $"{o.Method} {o.Path} {o.Status} {o.Type}").Where(o => !seenTypes.Contains(o)).Except(NotProvoked));

        Assert.True(violations.Count == 0, "Responses the document does not allow:\n" + string.Join("\n", violations));
        Assert.True(unprovoked.Count == 0, "Documented outcomes never provoked:\n" + string.Join("\n", unprovoked));
        Assert.True(exchanges.Count > 60, $"only {exchanges.Count} exchanges");
    }

    [Fact]
    public void SubmissionComponent_AcceptsAndRejectsTheSamplesAsTheSubmissionSchemaDoes()
    {
        var submission = _contract.Document["components"]!["schemas"]!["Submission"]!;
        var schemaInvalid = Samples.InvalidFiles.Where(f => Path.GetFileName(f).StartsWith("schema-", StringComparison.Ordinal)).ToList();
        var schemaValid = Samples.ValidFiles.Concat(Samples.InvalidFiles.Where(f => Path.GetFileName(f).StartsWith("vr", StringComparison.Ordinal))).ToList();
        var asRef = new JsonObject { ["$ref"] = "#/components/schemas/Submission" };

        Assert.All(schemaValid, f => Assert.Empty(_contract.Validate(Path.GetFileName(f), asRef, File.ReadAllBytes(f))));
        Assert.All(schemaInvalid, f => Assert.NotEmpty(_contract.Validate(Path.GetFileName(f), asRef, File.ReadAllBytes(f))));
        Assert.NotNull(submission);
        Assert.NotEmpty(schemaInvalid);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Every outcome of every operation that a well-behaved sandbox gives.</summary>
    private static async Task DriveTheLifecycleAsync(RecordingHandler recorder)
    {
        var options = new SandboxOptions { Port = 0, TokenWithTenants = true, TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero)) };
        options.Tenants["RTH"] = "token-rth";
        await using var sandbox = await SandboxServer.StartAsync(options);
        using var api = new SandboxApi(sandbox, handler: recorder);
        using var stranger = new SandboxApi(sandbox, "token-rth", recorder);
        using var nobody = new SandboxApi(sandbox, "wrong", recorder);
        var versions = SandboxLifecycleTests.GrowingRecord();
        var huge = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', (2 * 1024 * 1024) + 10) + "\"}");

        // POST /v1/submissions
        var created = await api.CreateAsync(versions[0]);
        var id = (string)(await SandboxApi.JsonAsync(created))["id"]!;
        await api.CreateAsync(versions[0]);                                        // 200 replay
        await api.CreateAsync(SandboxApi.Bytes(versions[0]), "\"\"");             // 400 key
        await api.CreateAsync(versions[0] with { Patient = versions[0].Patient with { AgeAtProcedure = 3 } }); // 400 invalid
        await nobody.CreateAsync(versions[0]);                                     // 401
        await stranger.CreateAsync(versions[0]);                                   // 403
        await api.CreateAsync(versions[1]);                                        // 409 case-exists
        await api.CreateAsync(SandboxApi.Bytes(versions[0]), contentType: "text/plain"); // 415
        await api.CreateAsync(SandboxApi.Bytes(versions[1]), SandboxApi.KeyFor(SandboxApi.Bytes(versions[0]))); // 422 key-reused
        await TryAsync(() => api.SendAsync(HttpMethod.Post, "v1/submissions", huge, "application/json", r => { r.Headers.ExpectContinue = true; r.Headers.TryAddWithoutValidation("Idempotency-Key", "\"huge\""); })); // 413
        await SandboxLifecycleTests.WhileAKeyIsInFlightAsync(sandbox, api, "\"in-flight\"");

        // PUT /v1/submissions/{id}
        await api.AmendAsync(id, versions[1], "\"1\"");                            // 200
        await api.AmendAsync(id, versions[1] with { Patient = versions[1].Patient with { AgeAtProcedure = 3 } }, "\"2\""); // 400
        await nobody.AmendAsync(id, versions[2], "\"2\"");                         // 401
        await stranger.AmendAsync(id, versions[2], "\"2\"");                       // 403
        await api.AmendAsync("sub_00000000000000000000000000000000", versions[2], "\"2\""); // 404
        await api.AmendAsync(id, versions[2], "\"1\"");                            // 412
        await api.AmendAsync(id, versions[2] with { LocalRecordId = "RJ1-OTHER" }, "\"2\""); // 422 case-mismatch
        await api.AmendAsync(id, versions[2], null);                               // 428
        await api.AmendAsync(id, versions[2], "\"two\"");                          // 400 invalid-request (If-Match)
        await api.AmendAsync(id, versions[2], "\"2\"", key: "\"\"");                // 400 invalid-idempotency-key
        await api.AmendAsync(id, versions[2], "\"2\"", key: SandboxApi.KeyFor(SandboxApi.Bytes(versions[0]))); // 422 key-reused
        await api.SendAsync(HttpMethod.Put, "v1/submissions/" + id, SandboxApi.Bytes(versions[2]), "text/plain", r => r.Headers.TryAddWithoutValidation("Idempotency-Key", "\"k\"")); // 415
        var hugePut = await TryAsync(() => api.SendAsync(HttpMethod.Put, "v1/submissions/" + id, huge, "application/json", r =>
        {
            r.Headers.ExpectContinue = true; // the sandbox refuses before the client sends 2 MiB into a closing connection
            r.Headers.TryAddWithoutValidation("Idempotency-Key", "\"huge\"");
            r.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        }));                                                                        // 413
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugePut?.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PutWhileInFlightAsync(sandbox, api, id, versions[3])).StatusCode); // 409

        // GET /v1/submissions/{id}, GET /v1/submissions
        await api.GetAsync(id);
        await nobody.GetAsync(id);
        await stranger.GetAsync(id);
        await api.GetAsync("sub_00000000000000000000000000000000");
        var page = await SandboxApi.JsonAsync(await api.ListAsync("organisationCode=RJ1&limit=1")); // two RJ1 cases by now
        var last = await SandboxApi.JsonAsync(await api.ListAsync("organisationCode=RJ1&limit=1&cursor=" + (string)page["nextCursor"]!));
        Assert.Null(last["nextCursor"]);
        await api.ListAsync("organisationCode=RJ1&limit=0");
        await nobody.ListAsync("organisationCode=RJ1");
        await stranger.ListAsync("organisationCode=RJ1");

        // A case only moves forward: stale and conflicting writes, by POST and by PUT; GET /v1/submissions/{id}/versions
        await api.CreateAsync(versions[0], "\"last-months-export\"");              // 409 stale-content (a superseded version's content)
        await api.AmendAsync(id, versions[0], "\"3\"");                            // 409 stale-content
        var monday = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var dated = TestSubmissions.Load(8);                                       // sample 09, RJ1
        var datedId = (string)(await SandboxApi.JsonAsync(await api.CreateAsync(SandboxApi.Dated(dated, monday))))["id"]!;
        var otherContent = dated with { Patient = dated.Patient with { AgeAtProcedure = dated.Patient.AgeAtProcedure + 1 } };
        await api.CreateAsync(SandboxApi.Dated(otherContent, monday));            // 409 conflicting-edit
        await api.AmendAsync(datedId, SandboxApi.Dated(otherContent, monday), "\"1\""); // 409 conflicting-edit
        await api.AmendAsync(datedId, SandboxApi.Dated(otherContent, monday.AddDays(-1)), "\"1\""); // 409 stale-content, older
        await api.HistoryAsync(id);                                                // 200
        await nobody.HistoryAsync(id);                                             // 401
        await stranger.HistoryAsync(id);                                           // 403
        await api.HistoryAsync("sub_00000000000000000000000000000000");          // 404

        // POST /v1/submissions/validate, GET /v1/schema
        await api.SendAsync(HttpMethod.Post, "v1/submissions/validate", SandboxApi.Bytes(versions[0]), "application/json", null);
        await api.SendAsync(HttpMethod.Post, "v1/submissions/validate", Encoding.UTF8.GetBytes("{\"schemaVersion\":"), "application/json", null);
        await nobody.SendAsync(HttpMethod.Post, "v1/submissions/validate", SandboxApi.Bytes(versions[0]), "application/json", null);
        await api.SendAsync(HttpMethod.Post, "v1/submissions/validate", SandboxApi.Bytes(versions[0]), "text/plain", null);
        await TryAsync(() => api.SendAsync(HttpMethod.Post, "v1/submissions/validate", huge, "application/json", r => r.Headers.ExpectContinue = true));
        await api.SendAsync(HttpMethod.Get, "v1/schema", null, null, null);
        await nobody.SendAsync(HttpMethod.Get, "v1/schema", null, null, null);

        // POST /v1/submissions/{id}/withdrawal, then the writes it refuses
        await api.WithdrawAsync(id, "sideways");                                   // 400
        await nobody.WithdrawAsync(id);                                            // 401
        await stranger.WithdrawAsync(id);                                          // 403
        await api.WithdrawAsync("sub_00000000000000000000000000000000");          // 404
        await api.SendAsync(HttpMethod.Post, $"v1/submissions/{id}/withdrawal", Encoding.UTF8.GetBytes("{\"reason\":\"duplicate\"}"), "text/plain", null); // 415
        await TryAsync(() => api.SendAsync(HttpMethod.Post, $"v1/submissions/{id}/withdrawal", huge, "application/json", r => r.Headers.ExpectContinue = true)); // 413
        await api.WithdrawAsync(id);                                               // 200
        await api.WithdrawAsync(id);                                               // 200, same tombstone
        await api.CreateAsync(versions[4]);                                        // 410
        await api.AmendAsync(id, versions[4], "\"2\"");                            // 410
        await api.GetAsync(id);                                                    // the tombstone
        await api.HistoryAsync(id);                                                // no items
        await api.ListAsync("organisationCode=RJ1");
    }

    /// <summary>503 and 429 with Retry-After on every operation the fault dice reach.</summary>
    private static async Task DriveFaultsAsync(RecordingHandler recorder)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, FailRate = 1, Seed = 7, RetryAfterSeconds = 2 });
        using var api = new SandboxApi(sandbox, handler: recorder);
        var body = SandboxApi.Bytes(TestSubmissions.Load());
        var calls = new Func<Task<HttpResponseMessage>>[]
        {
            () => api.CreateAsync(body),
            () => api.AmendAsync("sub_00000000000000000000000000000000", TestSubmissions.Load(), "\"1\""),
            () => api.WithdrawAsync("sub_00000000000000000000000000000000"),
            () => api.GetAsync("sub_00000000000000000000000000000000"),
            () => api.HistoryAsync("sub_00000000000000000000000000000000"),
            () => api.ListAsync("organisationCode=RJ1"),
            () => api.SendAsync(HttpMethod.Post, "v1/submissions/validate", body, "application/json", null),
        };
        foreach (var call in calls)
        {
            var statuses = new HashSet<HttpStatusCode>();
            for (var attempt = 0; attempt < 200 && !(statuses.Contains(HttpStatusCode.ServiceUnavailable) && statuses.Contains(HttpStatusCode.TooManyRequests)); attempt++)
            {
                if (await TryAsync(call) is { } response)
                {
                    statuses.Add(response.StatusCode);
                }
            }
        }
    }

    /// <summary>Past the calls-per-second limit (the clock stands still), every operation is 429.</summary>
    private static async Task DriveRateLimitAsync(RecordingHandler recorder)
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, RateLimit = 1, TimeProvider = new FakeTimeProvider() });
        using var api = new SandboxApi(sandbox, handler: recorder);
        await api.SendAsync(HttpMethod.Get, "v1/schema", null, null, null);
        await api.SendAsync(HttpMethod.Get, "v1/schema", null, null, null);
    }

    /// <summary>Storage that fails under the sandbox: a 500 problem document from every operation that touches it.</summary>
    private async Task DriveStorageFailuresAsync(RecordingHandler recorder)
    {
        var database = Path.Combine(_directory, "sabotaged.db");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, DatabasePath = database });
        using var api = new SandboxApi(sandbox, handler: recorder);
        await using (var sabotage = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await sabotage.OpenAsync();
            await using var drop = sabotage.CreateCommand();
            drop.CommandText = "DROP TABLE cases";
            await drop.ExecuteNonQueryAsync();
        }

        const string id = "sub_00000000000000000000000000000000";
        await api.CreateAsync(TestSubmissions.Load());
        await api.AmendAsync(id, TestSubmissions.Load(), "\"1\"");
        await api.WithdrawAsync(id);
        await api.GetAsync(id);
        await api.HistoryAsync(id);
        await api.ListAsync("organisationCode=RJ1");
    }

    private static async Task<HttpResponseMessage> PutWhileInFlightAsync(SandboxServer sandbox, SandboxApi api, string id, RegistryClient.Model.Submission next)
    {
        var (_, second) = await KeyInFlight.HoldAsync(sandbox, HttpMethod.Put, "v1/submissions/" + id, SandboxApi.Bytes(next), "\"slow-put\"", "\"2\"",
            () => api.AmendAsync(id, next, "\"2\"", key: "\"slow-put\""));
        return second;
    }

    /// <summary>The problem type of a problem document, e.g. <c>https://registry.example/problems/stale-content</c>.</summary>
    private static string? ProblemType(Exchange exchange)
    {
        if (exchange.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(exchange.Body)?["type"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<HttpResponseMessage?> TryAsync(Func<Task<HttpResponseMessage>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException)
        {
            return null; // a dropped connection or a lost response: nothing to check
        }
    }
}
