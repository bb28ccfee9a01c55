using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RegistryClient.Model;

namespace RegistryClient.Http;

/// <summary>
/// The registry's client: sends the current state of a case (create, replay or amend), withdraws cases, reads and lists
/// them. Thread-safe; register once with <c>services.AddRegistryClient(...)</c> or create one with <see cref="Create(RegistryClientOptions, IRegistryTokenProvider, ILoggerFactory, TimeProvider)"/>.
/// Expected outcomes of writes are typed <see cref="SubmissionResult"/>s; the unexpected (no answer after retries, a
/// status the API does not promise, a refused read) is <see cref="RegistryException"/>. Only the caller's cancellation
/// surfaces as <see cref="OperationCanceledException"/>. Every method is virtual, so tests can substitute the client;
/// build its results with <see cref="RegistryModelFactory"/>.
/// </summary>
public class VenousRegistryClient : IDisposable
{
    private readonly IRegistryApi _api = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly IDisposable? _owned;

    /// <summary>For mocking: a client made this way has no registry behind it, and only overridden members work.</summary>
    protected VenousRegistryClient()
    {
    }

    internal VenousRegistryClient(IRegistryApi api, ILogger<VenousRegistryClient> logger, TimeProvider? time = null, IDisposable? owned = null)
    {
        _api = api;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _owned = owned;
    }

    /// <summary>
    /// Creates a client without a host's service container (for console tools and older services). Dispose it when done.
    /// </summary>
    /// <param name="options">Where the registry is and how hard to try; validated now.</param>
    /// <param name="tokens">The bearer-token source; by default <see cref="RegistryClientOptions.Token"/>.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">The clock for timeouts, retry delays and <c>Retry-After</c>; the system clock by default.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    public static VenousRegistryClient Create(RegistryClientOptions options, IRegistryTokenProvider? tokens = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        RegistryClientServiceCollectionExtensions.CreateStandalone(options, tokens, loggerFactory, timeProvider);

    /// <summary>
    /// Creates a client without a host's service container that sends through <paramref name="primaryHandler"/> (a proxy,
    /// a client certificate, a custom <c>SocketsHttpHandler</c>): the resilience pipeline, back-pressure and the
    /// bearer token still wrap it. The handler stays yours: dispose it after the client. With a host, use
    /// <c>AddRegistryClient(...).HttpClient.ConfigurePrimaryHttpMessageHandler(...)</c> instead.
    /// </summary>
    /// <param name="options">Where the registry is and how hard to try; validated now.</param>
    /// <param name="primaryHandler">The innermost handler, which puts the requests on the wire.</param>
    /// <param name="tokens">The bearer-token source; by default <see cref="RegistryClientOptions.Token"/>.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">The clock for timeouts, retry delays and <c>Retry-After</c>; the system clock by default.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    public static VenousRegistryClient Create(RegistryClientOptions options, HttpMessageHandler primaryHandler, IRegistryTokenProvider? tokens = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        RegistryClientServiceCollectionExtensions.CreateStandalone(options, tokens, loggerFactory, timeProvider, primaryHandler ?? throw new ArgumentNullException(nameof(primaryHandler)));

    /// <summary>
    /// Sends the current state of a case: creates it, finds the registry already holds this content (a replay), or
    /// amends it, so a record that gained its outcome or a follow-up never becomes a second case. Safe to call again
    /// with the same submission at any time. Knowing no earlier receipt of the case, the registry's rules decide: content
    /// the case has moved past, or older by <c>submitter.recordUpdatedAt</c>, comes back <see cref="SubmissionStatus.Stale"/>.
    /// To amend only the version you last stored, use the overload with <see cref="SubmitOptions.BasedOnVersion"/>.
    /// </summary>
    /// <param name="submission">The case's whole document as it stands now.</param>
    /// <param name="cancellationToken">Stops the call (retries included).</param>
    /// <returns><see cref="SubmissionStatus.Created"/>, <see cref="SubmissionStatus.Amended"/>, <see cref="SubmissionStatus.Unchanged"/>, or why not.</returns>
    /// <exception cref="RegistryException">The registry answered a status its API does not promise for a write (e.g. a redirect).</exception>
    public virtual Task<SubmissionResult> SubmitAsync(Submission submission, CancellationToken cancellationToken = default) =>
        SubmitAsync(submission, new SubmitOptions(), cancellationToken);

    /// <summary>
    /// Sends the current state of a case, amending only the version it was based on
    /// (<see cref="SubmitOptions.BasedOnVersion"/>, usually the version of the receipt you stored last). If another
    /// writer changed the case since, the case's history decides: this content goes ahead only when it is newer by
    /// <c>submitter.recordUpdatedAt</c>; otherwise the result is <see cref="SubmissionStatus.Stale"/> or
    /// <see cref="SubmissionStatus.Conflict"/> (naming both versions), and nothing is overwritten.
    /// </summary>
    /// <param name="submission">The case's whole document as it stands now.</param>
    /// <param name="options">How to send it.</param>
    /// <param name="cancellationToken">Stops the call (retries included).</param>
    /// <returns><see cref="SubmissionStatus.Created"/>, <see cref="SubmissionStatus.Amended"/>, <see cref="SubmissionStatus.Unchanged"/>, or why not.</returns>
    /// <exception cref="RegistryException">The registry answered a status its API does not promise for a write (e.g. a redirect).</exception>
    public virtual Task<SubmissionResult> SubmitAsync(Submission submission, SubmitOptions options, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return SubmitAsync(PreparedSubmission.From(submission), options, cancellationToken);
    }

    /// <summary>
    /// Sends a case serialised beforehand (the outbox's stored bytes, key and hash), exactly as
    /// <see cref="SubmitAsync(Submission, SubmitOptions, CancellationToken)"/> sends a submission: the bytes go on the
    /// wire as they are. <see cref="Outbox.BatchSubmitter"/> drains through this overload, so a test double of the client
    /// for a drain overrides this one.
    /// </summary>
    /// <param name="submission">The case's whole document as it stands now, serialised (<see cref="PreparedSubmission.From(Submission)"/>).</param>
    /// <param name="options">How to send it.</param>
    /// <param name="cancellationToken">Stops the call (retries included).</param>
    /// <returns><see cref="SubmissionStatus.Created"/>, <see cref="SubmissionStatus.Amended"/>, <see cref="SubmissionStatus.Unchanged"/>, or why not.</returns>
    /// <exception cref="RegistryException">The registry answered a status its API does not promise for a write (e.g. a redirect).</exception>
    public virtual async Task<SubmissionResult> SubmitAsync(PreparedSubmission submission, SubmitOptions options, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.BasedOnVersion is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BasedOnVersion, "BasedOnVersion is a registry version, from 1.");
        }

        using var telemetry = SubmitTelemetry.Start("RegistryClient.Submit", submission.OrganisationCode, _time);
        try
        {
            var result = await new CaseSubmission(_api, _time).SendAsync(submission, options, cancellationToken).ConfigureAwait(false);
            telemetry.Complete(result);
            ClientLog.Outcome(_logger, result);
            return result;
        }
        catch (RegistryException ex)
        {
            telemetry.Fail(ex);
            throw;
        }
    }

    /// <summary>
    /// Withdraws a case (consent withdrawn, entered in error, duplicate): the registry erases its document and every
    /// patient identifier, keeps a tombstone, and refuses later writes to it. Withdrawing again returns the same tombstone.
    /// </summary>
    /// <param name="organisationCode">The case's organisation; the token must be bound to it.</param>
    /// <param name="localRecordId">The hospital's id for the episode.</param>
    /// <param name="reason">Why the case is withdrawn.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns><see cref="SubmissionStatus.Withdrawn"/> with the tombstone receipt, <see cref="SubmissionStatus.NotFound"/>, or why not.</returns>
    /// <exception cref="RegistryException">The registry answered a status its API does not promise, or its list of cases
    /// (read to find the case) would never end.</exception>
    public virtual async Task<SubmissionResult> WithdrawAsync(string organisationCode, string localRecordId, WithdrawalReason reason, CancellationToken cancellationToken = default)
    {
        RequireText(organisationCode, nameof(organisationCode));
        RequireText(localRecordId, nameof(localRecordId));
        using var telemetry = SubmitTelemetry.Start("RegistryClient.Withdraw", organisationCode, _time);
        try
        {
            var result = await new CaseWithdrawalRequest(_api, _time).SendAsync(organisationCode, localRecordId, reason, cancellationToken).ConfigureAwait(false);
            telemetry.Complete(result);
            ClientLog.Outcome(_logger, result);
            return result;
        }
        catch (RegistryException ex)
        {
            telemetry.Fail(ex);
            throw;
        }
    }

    /// <summary>Asks the registry to validate a submission without storing it.</summary>
    /// <exception cref="RegistryException">The registry could not answer, or refused the credentials.</exception>
    public virtual async Task<RegistryValidationResult> ValidateAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission);
        var answer = await Read(a => _api.ValidateAsync(CaseSubmission.Json(body), a, cancellationToken), cancellationToken).ConfigureAwait(false);
        return answer.Status == 200 && answer.Content is { } verdict ? verdict : throw answer.Unexpected("Validating a submission");
    }

    /// <summary>A case's receipt (its status, version and content hash) by the registry's id, or null when there is no such case.</summary>
    /// <exception cref="RegistryException">The registry could not answer, or refused the credentials or the organisation.</exception>
    public virtual async Task<SubmissionReceipt?> GetSubmissionAsync(string id, CancellationToken cancellationToken = default)
    {
        RequireText(id, nameof(id));
        var answer = await Read(a => _api.GetSubmissionAsync(id, a, cancellationToken), cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            { Status: 404 } => null,
            { Status: 200, Content: { } receipt } => receipt,
            _ => throw answer.Unexpected("Reading a case"),
        };
    }

    /// <summary>
    /// A case's history, oldest first: each version's number, content hash, <c>recordUpdatedAt</c> and when it was
    /// stored (never the documents), or null when there is no such case. A withdrawn case keeps no history.
    /// </summary>
    /// <param name="id">The registry's id for the case (<see cref="SubmissionReceipt.Id"/>).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <exception cref="RegistryException">The registry could not answer, or refused the credentials or the organisation.</exception>
    public virtual async Task<IReadOnlyList<CaseVersion>?> GetVersionsAsync(string id, CancellationToken cancellationToken = default)
    {
        RequireText(id, nameof(id));
        var answer = await Read(a => _api.GetVersionsAsync(id, a, cancellationToken), cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            { Status: 404 or 410 } => null,
            { Status: 200, Content: { } list } => list.Items,
            _ => throw answer.Unexpected("Reading a case's history"),
        };
    }

    /// <summary>
    /// The case the registry holds for (<paramref name="organisationCode"/>, <paramref name="localRecordId"/>), withdrawn
    /// or not, or null when it has none. The API has no lookup by local id, so this pages through the organisation's cases.
    /// </summary>
    /// <exception cref="RegistryException">The registry could not answer, or refused the credentials or the organisation, or
    /// its list would never end (a <c>nextCursor</c> it gave before, or more than 10,000 pages).</exception>
    public virtual async Task<SubmissionReceipt?> FindCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default)
    {
        RequireText(organisationCode, nameof(organisationCode));
        RequireText(localRecordId, nameof(localRecordId));
        var found = await new CaseFinder(_api, _time).FindAsync(organisationCode, localRecordId, cancellationToken).ConfigureAwait(false);
        return found.Error is null ? found.Case : throw found.Error.Unexpected("Finding a case");
    }

    /// <summary>
    /// Every case the registry holds for one organisation (withdrawn ones included), in the registry's stable order,
    /// fetched a page at a time as the caller enumerates.
    /// </summary>
    /// <param name="organisationCode">The organisation whose cases to list; the token must be bound to it.</param>
    /// <param name="pageSize">Cases per request, 1-1000.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <exception cref="RegistryException">The registry could not answer, or refused the credentials or the organisation, or
    /// its list would never end (a <c>nextCursor</c> it gave before, or more than 10,000 pages).</exception>
    public virtual async IAsyncEnumerable<SubmissionReceipt> ListSubmissionsAsync(
        string organisationCode,
        int pageSize = 500,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RequireText(organisationCode, nameof(organisationCode));
        if (pageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The registry serves 1 to 1000 cases per page.");
        }

        var pages = new CaseFinder(_api, _time);
        var paging = new CursorGuard("Listing cases");
        string? cursor = null;
        do
        {
            var page = await pages.PageAsync(organisationCode, cursor, pageSize, cancellationToken).ConfigureAwait(false);
            if (page is not { Status: 200, Content: { } list })
            {
                throw page.Unexpected("Listing cases");
            }

            foreach (var receipt in list.Items)
            {
                yield return receipt;
            }

            cursor = paging.Next(list.NextCursor);
        }
        while (!string.IsNullOrEmpty(cursor));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HTTP machinery a client made by <see cref="Create(RegistryClientOptions, IRegistryTokenProvider, ILoggerFactory, TimeProvider)"/> owns.</summary>
    /// <param name="disposing">Whether this is <see cref="Dispose()"/> rather than a finaliser.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owned?.Dispose();
        }
    }

    private Task<RegistryAnswer<T>> Read<T>(Func<AttemptCounter, Task<Refit.IApiResponse<T>>> call, CancellationToken cancellationToken)
        where T : class => RegistryTransport.CallAsync(call, _time, cancellationToken);

    private static void RequireText(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException("A value is required.", name);
        }
    }
}
