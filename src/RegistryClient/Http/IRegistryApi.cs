using Refit;

namespace RegistryClient.Http;

/// <summary>
/// Registry HTTP API v1 (<c>schemas/registry-api.v1.openapi.yaml</c>) as a Refit interface. Bodies go out as
/// <see cref="ByteArrayContent"/>: buffered, so every retry re-sends them intact, and exactly the bytes the
/// idempotency key was computed from. Responses come back as <see cref="IApiResponse{T}"/> so that an HTTP error is a
/// value to inspect, never an exception; <see cref="VenousRegistryClient"/> turns them into typed results.
/// </summary>
internal interface IRegistryApi
{
    [Post("/v1/submissions")]
    [Headers("Content-Type: application/json")]
    Task<IApiResponse<SubmissionReceipt>> SubmitAsync([Body] HttpContent submission, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken);

    [Post("/v1/submissions/validate")]
    Task<IApiResponse<RegistryValidationResult>> ValidateAsync([Body] HttpContent submission, CancellationToken cancellationToken);

    [Get("/v1/submissions/{id}")]
    Task<IApiResponse<SubmissionReceipt>> GetSubmissionAsync(string id, CancellationToken cancellationToken);

    [Get("/v1/submissions")]
    Task<IApiResponse<ReceiptList>> ListSubmissionsAsync([Query] string organisationCode, [Query] string? cursor, [Query] int? limit, CancellationToken cancellationToken);
}
