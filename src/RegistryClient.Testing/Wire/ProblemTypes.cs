namespace RegistryClient.Testing.Wire;

/// <summary>
/// The problem <c>type</c>s the registry answers with (DESIGN.md "Registry HTTP API v1"): clients branch on the last
/// path segment, never on the title. Every one is listed in schemas/registry-api.v1.openapi.yaml.
/// </summary>
internal static class ProblemTypes
{
    public const string Base = "https://registry.example/problems/";

    public const string Unauthorized = Base + "unauthorized";
    public const string WrongOrganisation = Base + "wrong-organisation";
    public const string InvalidSubmission = Base + "invalid-submission";
    public const string InvalidIdempotencyKey = Base + "invalid-idempotency-key";
    public const string InvalidRequest = Base + "invalid-request";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string RequestInProgress = Base + "request-in-progress";
    public const string KeyReused = Base + "key-reused";
    public const string CaseExists = Base + "case-exists";
    public const string StaleContent = Base + "stale-content";
    public const string ConflictingEdit = Base + "conflicting-edit";
    public const string CaseWithdrawn = Base + "case-withdrawn";
    public const string CaseMismatch = Base + "case-mismatch";
    public const string VersionMismatch = Base + "version-mismatch";
    public const string PreconditionRequired = Base + "precondition-required";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string RateLimited = Base + "rate-limited";
    public const string Unavailable = Base + "unavailable";
    public const string InternalError = Base + "internal-error";
}
