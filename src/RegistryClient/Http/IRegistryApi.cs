using Refit;

namespace RegistryClient.Http;

/// <summary>
/// Registry HTTP API v1 (<c>schemas/registry-api.v1.openapi.yaml</c>) as a Refit interface. Bodies go out as
/// <see cref="ByteArrayContent"/>: buffered, so every retry re-sends them intact, and exactly the bytes the
/// idempotency key was computed from. Responses come back as <see cref="IApiResponse{T}"/> so that an HTTP error is a
/// value to inspect, never an exception. Each call carries an <see cref="AttemptCounter"/> that the handler inside the
/// retry loop counts on.
/// </summary>
internal interface IRegistryApi
{
    [Post("/v1/submissions")]
    Task<IApiResponse<SubmissionReceipt>> SubmitAsync(
        [Body] HttpContent submission,
        [Header("Idempotency-Key")] string idempotencyKey,
        [Property(AttemptCounter.Key)] AttemptCounter attempts,
        CancellationToken cancellationToken);

    [Put("/v1/submissions/{id}")]
    Task<IApiResponse<SubmissionReceipt>> AmendAsync(
        string id,
        [Body] HttpContent submission,
        [Header("If-Match")] string ifMatch,
        [Header("Idempotency-Key")] string idempotencyKey,
        [Property(AttemptCounter.Key)] AttemptCounter attempts,
        CancellationToken cancellationToken);

    [Post("/v1/submissions/{id}/withdrawal")]
    Task<IApiResponse<SubmissionReceipt>> WithdrawAsync(
        string id,
        [Body] HttpContent withdrawal,
        [Property(AttemptCounter.Key)] AttemptCounter attempts,
        CancellationToken cancellationToken);

    [Post("/v1/submissions/validate")]
    Task<IApiResponse<RegistryValidationResult>> ValidateAsync(
        [Body] HttpContent submission,
        [Property(AttemptCounter.Key)] AttemptCounter attempts,
        CancellationToken cancellationToken);

    [Get("/v1/submissions/{id}")]
    Task<IApiResponse<SubmissionReceipt>> GetSubmissionAsync(
        string id,
        [Property(AttemptCounter.Key)] AttemptCounter attempts,
        CancellationToken cancellationToken);

    [Get("/v1/submissions/{id}/versions")]
    Task<IApiResponse<CaseVersionList>> GetVersionsAsync(
        string id,
        [Property(AttemptCounter.Key)] AttemptCounter attempts,
        CancellationToken cancellationToken);

    [Get("/v1/submissions")]
    Task<IApiResponse<ReceiptList>> ListSubmissionsAsync(
        [Query] string organisationCode,
        [Query] string? cursor,
        [Query] int? limit,
        [Property(AttemptCounter.Key)] AttemptCounter attempts,
        CancellationToken cancellationToken);
}

/// <summary>
/// Counts the HTTP attempts of one logical call (retries included). It rides on the request's options, which the retry
/// loop reuses for every attempt, so no state outlives the call.
/// </summary>
internal sealed class AttemptCounter
{
    public const string Key = "RegistryClient.Attempts";

    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Counts one attempt of <paramref name="request"/>, when it carries a counter.</summary>
    public static void CountAttempt(HttpRequestMessage request)
    {
#if NET5_0_OR_GREATER
        if (request.Options.TryGetValue(new HttpRequestOptionsKey<AttemptCounter>(Key), out var counter))
#else
        if (request.Properties.TryGetValue(Key, out var value) && value is AttemptCounter counter)
#endif
        {
            Interlocked.Increment(ref counter._count);
        }
    }
}
