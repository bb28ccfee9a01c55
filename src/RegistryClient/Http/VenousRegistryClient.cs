using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;
using RegistryClient.Model;

namespace RegistryClient.Http;

/// <summary>
/// Sends submissions to the registry. Thread-safe; register once with
/// <see cref="RegistryClientServiceCollectionExtensions.AddRegistryClient(IServiceCollection, Action{RegistryClientOptions})"/>
/// or create one with <see cref="Create"/>. Every outcome of <see cref="SubmitAsync(Submission, CancellationToken)"/> is a typed
/// <see cref="SubmissionResult"/>; the other calls throw <see cref="RegistryRequestException"/> when the registry cannot
/// answer. Only the caller's cancellation surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class VenousRegistryClient : IDisposable
{
    private readonly IRegistryApi _api;
    private readonly ILogger _logger;
    private readonly IDisposable? _owned;

    internal VenousRegistryClient(IRegistryApi api, ILogger<VenousRegistryClient> logger, IDisposable? owned = null)
    {
        _api = api;
        _logger = logger;
        _owned = owned;
    }

    /// <summary>
    /// Creates a client without a host's service container (for console tools and older services). Dispose it when done.
    /// </summary>
    /// <param name="options">Where the registry is and how hard to try; validated now.</param>
    /// <param name="tokens">The bearer-token source; by default <see cref="RegistryClientOptions.Token"/>.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    public static VenousRegistryClient Create(RegistryClientOptions options, IRegistryTokenProvider? tokens = null, ILoggerFactory? loggerFactory = null) =>
        RegistryClientServiceCollectionExtensions.CreateStandalone(options, tokens, loggerFactory);

    /// <summary>
    /// Submits one episode. Safe to call again with the same submission at any time: the idempotency key makes the
    /// registry store it once and answer later calls with the original receipt.
    /// </summary>
    public async Task<SubmissionResult> SubmitAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission);
        return await SubmitAsync(body, IdempotencyKey.For(submission, body), submission.Submitter.OrganisationCode, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits bytes already serialised (the outbox's path), with the key computed when they were queued.</summary>
    internal async Task<SubmissionResult> SubmitAsync(byte[] body, string idempotencyKey, string organisationCode, CancellationToken cancellationToken)
    {
        using var activity = RegistryDiagnostics.ActivitySource.StartActivity("RegistryClient.Submit", ActivityKind.Client);
        activity?.SetTag("registry.organisation_code", organisationCode);
        var started = Stopwatch.GetTimestamp();
        Log.Sending(_logger, body.Length);

        var result = await SendAsync(body, idempotencyKey, cancellationToken).ConfigureAwait(false);

        var outcome = result.Status.ToString();
        activity?.SetTag("registry.outcome", outcome);
        if (!result.IsStored)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
        }

        RegistryDiagnostics.Submissions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        RegistryDiagnostics.Duration.Record((Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency, new KeyValuePair<string, object?>("outcome", outcome));
        switch (result.Status)
        {
            case SubmissionStatus.Accepted: Log.Accepted(_logger, result.Receipt!.Id, organisationCode); break;
            case SubmissionStatus.Replayed: Log.Replayed(_logger, result.Receipt!.Id, organisationCode); break;
            case SubmissionStatus.Rejected: Log.Rejected(_logger, result.Errors.Count, string.Join(",", result.Errors.Select(e => e.Code).Distinct())); break;
            case SubmissionStatus.Conflict: Log.Conflict(_logger); break;
            case SubmissionStatus.Unauthorized: Log.Unauthorized(_logger, result.HttpStatus ?? 401); break;
            default: Log.TransientFailure(_logger, result.Detail ?? "unknown"); break;
        }

        return result;
    }

    /// <summary>Asks the registry to validate a submission without storing it.</summary>
    /// <exception cref="RegistryRequestException">The registry could not answer, or refused the credentials.</exception>
    public async Task<RegistryValidationResult> ValidateAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        using var content = JsonContent(JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission));
        var response = await Call(() => _api.ValidateAsync(content, cancellationToken), cancellationToken).ConfigureAwait(false);
        return Ok(response);
    }

    /// <summary>The receipt of a submission by the registry's id, or null when the registry has no such submission.</summary>
    /// <exception cref="RegistryRequestException">The registry could not answer, or refused the credentials.</exception>
    public async Task<SubmissionReceipt?> GetSubmissionAsync(string id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("An id is required.", nameof(id));
        }

        var response = await Call(() => _api.GetSubmissionAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : Ok(response);
    }

    /// <summary>
    /// Every case the registry holds for one organisation (withdrawn ones included), in the registry's stable order,
    /// fetched a page at a time as the caller enumerates.
    /// </summary>
    /// <param name="organisationCode">The organisation whose cases to list; the token must be bound to it.</param>
    /// <param name="pageSize">Cases per request, 1-1000.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <exception cref="RegistryRequestException">The registry could not answer, or refused the credentials.</exception>
    public async IAsyncEnumerable<SubmissionReceipt> ListSubmissionsAsync(
        string organisationCode,
        int pageSize = 500,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(organisationCode))
        {
            throw new ArgumentException("An organisation code is required.", nameof(organisationCode));
        }

        if (pageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The registry serves 1 to 1000 cases per page.");
        }

        string? cursor = null;
        do
        {
            var page = Ok(await Call(() => _api.ListSubmissionsAsync(organisationCode, cursor, pageSize, cancellationToken), cancellationToken).ConfigureAwait(false));
            foreach (var receipt in page.Items)
            {
                yield return receipt;
            }

            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
    }

    /// <inheritdoc />
    public void Dispose() => _owned?.Dispose();

    private async Task<SubmissionResult> SendAsync(byte[] body, string key, CancellationToken cancellationToken)
    {
        IApiResponse<SubmissionReceipt> response;
        try
        {
            using var content = JsonContent(body);
            response = await _api.SubmitAsync(content, IdempotencyKey.Quote(key), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Transient(ex, cancellationToken) is { } detail)
        {
            return new SubmissionResult { Status = SubmissionStatus.TransientFailure, IdempotencyKey = key, Detail = detail };
        }

        using (response)
        {
            if (response.StatusCode is not { } statusCode)
            {
                // Refit reports a request that got no response as an error value wrapping the real cause.
                var cause = response.Error?.InnerException ?? response.Error;
                cancellationToken.ThrowIfCancellationRequested();
                return new SubmissionResult
                {
                    Status = SubmissionStatus.TransientFailure,
                    IdempotencyKey = key,
                    Detail = (cause is null ? null : Transient(cause, cancellationToken)) ?? "no response",
                };
            }

            var status = (int)statusCode;
            return statusCode switch
            {
                HttpStatusCode.Created when response.Content is { } receipt => new SubmissionResult { Status = SubmissionStatus.Accepted, Receipt = receipt, IdempotencyKey = key, HttpStatus = status },
                HttpStatusCode.OK when response.Content is { } receipt => new SubmissionResult { Status = SubmissionStatus.Replayed, Receipt = receipt, IdempotencyKey = key, HttpStatus = status },
                HttpStatusCode.BadRequest when Problem(response) is var problem => new SubmissionResult { Status = SubmissionStatus.Rejected, Errors = problem?.Errors ?? [], IdempotencyKey = key, HttpStatus = status, Detail = problem?.Title },
                (HttpStatusCode)422 => new SubmissionResult { Status = SubmissionStatus.Conflict, IdempotencyKey = key, HttpStatus = status },
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SubmissionResult { Status = SubmissionStatus.Unauthorized, IdempotencyKey = key, HttpStatus = status },
                _ => new SubmissionResult
                {
                    Status = SubmissionStatus.TransientFailure,
                    IdempotencyKey = key,
                    HttpStatus = status,
                    RetryAfter = RegistryResilience.RetryAfter(response.Headers?.RetryAfter, TimeProvider.System),
                    Detail = RegistryResilience.IsTransient(statusCode)
                        ? $"HTTP {status} outlasted the retries or the time budget"
                        : $"unexpected HTTP {status}",
                },
            };
        }
    }

    private static async Task<IApiResponse<T>> Call<T>(Func<Task<IApiResponse<T>>> call, CancellationToken cancellationToken)
    {
        IApiResponse<T> response;
        try
        {
            response = await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Transient(ex, cancellationToken) is { } detail)
        {
            throw new RegistryRequestException(detail, null, ex);
        }

        if (response.StatusCode is null)
        {
            var cause = response.Error?.InnerException ?? response.Error;
            response.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new RegistryRequestException((cause is null ? null : Transient(cause, cancellationToken)) ?? "no response", null, cause);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            throw new RegistryRequestException("the registry refused the credentials", (int?)response.StatusCode, null);
        }

        return response;
    }

    private static T Ok<T>(IApiResponse<T> response)
    {
        using (response)
        {
            if (response.IsSuccessStatusCode && response.Content is { } content)
            {
                return content;
            }

            throw new RegistryRequestException($"the registry answered HTTP {(int?)response.StatusCode}", (int?)response.StatusCode, null);
        }
    }

    /// <summary>Why an exception means "try later", or null when it is the caller's own cancellation (or a bug).</summary>
    private static string? Transient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        _ when cancellationToken.IsCancellationRequested => null,
        BrokenCircuitException => "the circuit is open after repeated failures",
        TimeoutRejectedException => "timed out",
        HttpRequestException => "network error: " + ex.GetType().Name,
        OperationCanceledException => "timed out",
        ApiException api => $"unreadable response (HTTP {(int)api.StatusCode})",
        _ => null,
    };

    private static ProblemDetails? Problem(IApiResponse response)
    {
        if ((response.Error as ApiException)?.Content is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, RegistryApiJsonContext.Default.ProblemDetails);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ByteArrayContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}

/// <summary>The registry could not answer a validate, get or list call (after retries), or refused the credentials.</summary>
public sealed class RegistryRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryRequestException(string message, int? httpStatus, Exception? innerException)
        : base("Registry request failed: " + message, innerException) => HttpStatus = httpStatus;

    /// <summary>The HTTP status, when a response came back.</summary>
    public int? HttpStatus { get; }
}
