using System.Text.Json.Serialization;
using RegistryClient.Model;

namespace RegistryClient.Http;

/// <summary>Whether the registry holds a case's document or only its tombstone.</summary>
[JsonConverter(typeof(RegistryCodeConverter<CaseStatus>))]
public enum CaseStatus
{
    /// <summary>The registry holds the case's current version (<c>accepted</c>).</summary>
    Accepted,

    /// <summary>The case was withdrawn: only a tombstone remains, and it can never be re-created (<c>withdrawn</c>).</summary>
    Withdrawn,
}

/// <summary>Why a case was withdrawn.</summary>
[JsonConverter(typeof(RegistryCodeConverter<WithdrawalReason>))]
public enum WithdrawalReason
{
    /// <summary>The patient withdrew consent (<c>consentWithdrawn</c>).</summary>
    ConsentWithdrawn,

    /// <summary>The case should never have been entered (<c>enteredInError</c>).</summary>
    EnteredInError,

    /// <summary>The case duplicates another case (<c>duplicate</c>).</summary>
    Duplicate,
}

/// <summary>The tombstone details of a withdrawn case.</summary>
public sealed record CaseWithdrawal
{
    /// <summary>Why the case was withdrawn.</summary>
    public required WithdrawalReason Reason { get; init; }

    /// <summary>When the registry withdrew it.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>
/// The registry's receipt for a case: one per (<see cref="OrganisationCode"/>, <see cref="LocalRecordId"/>), with the
/// version and content hash of the document it currently holds (DESIGN.md, "A case and its versions").
/// </summary>
public sealed record SubmissionReceipt
{
    /// <summary>The registry's id for the case.</summary>
    public required string Id { get; init; }

    /// <summary>The submitting organisation.</summary>
    public string OrganisationCode { get; init; } = "";

    /// <summary>The hospital's own id for the episode, as submitted.</summary>
    public required string LocalRecordId { get; init; }

    /// <summary>Whether the case holds a document or was withdrawn.</summary>
    public required CaseStatus Status { get; init; }

    /// <summary>The current version: 1 when created, one more for each amendment that changed the content.</summary>
    public int Version { get; init; }

    /// <summary>The <see cref="SubmissionContentHash"/> of the current version (empty for a withdrawn case).</summary>
    public string ContentHash { get; init; } = "";

    /// <summary>When the registry first received the case.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When the registry last changed the case (a new version or the withdrawal).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The schema version the current version was validated against.</summary>
    public required string SchemaVersion { get; init; }

    /// <summary>The withdrawal, when <see cref="Status"/> is <see cref="CaseStatus.Withdrawn"/>.</summary>
    public CaseWithdrawal? Withdrawal { get; init; }
}

/// <summary>One error or warning reported by the registry, located by an RFC 6901 JSON Pointer into the submission.</summary>
public sealed record RegistryError
{
    /// <summary>The code: <c>SCHEMA</c>, <c>PARSE</c>, <c>LIMIT</c> or a clinical rule such as <c>VR004</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The JSON Pointer of the offending value; empty for the whole document.</summary>
    public string Pointer { get; init; } = "";

    /// <summary>What is wrong. Never repeats submitted values.</summary>
    public string Message { get; init; } = "";
}

/// <summary>The registry's verdict on <c>POST /v1/submissions/validate</c>.</summary>
public sealed record RegistryValidationResult
{
    /// <summary>Whether the submission would be accepted.</summary>
    public required bool Valid { get; init; }

    /// <summary>Errors: any of them stops the submission.</summary>
    public IReadOnlyList<RegistryError> Errors { get; init; } = [];

    /// <summary>Warnings: reported, not blocking.</summary>
    public IReadOnlyList<RegistryError> Warnings { get; init; } = [];
}

/// <summary>An RFC 9457 problem document with the registry's <c>errors</c> extension.</summary>
internal sealed record ProblemDetails
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    public IReadOnlyList<RegistryError>? Errors { get; init; }

    /// <summary><c>case-exists</c>: the existing case's id.</summary>
    public string? CaseId { get; init; }

    /// <summary><c>case-exists</c> and <c>version-mismatch</c>: the case's current version.</summary>
    public int? Version { get; init; }

    /// <summary><c>case-exists</c>, <c>stale-content</c> and <c>conflicting-edit</c>: the content hash of the case's current version.</summary>
    public string? ContentHash { get; init; }

    /// <summary><c>stale-content</c> and <c>conflicting-edit</c>: the current version's <c>recordUpdatedAt</c>, when it has one.</summary>
    public DateTimeOffset? RecordUpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /v1/submissions/{id}/withdrawal</c>.</summary>
internal sealed record WithdrawalRequest
{
    public required WithdrawalReason Reason { get; init; }
}

/// <summary>
/// One version in a case's history (<c>GET /v1/submissions/{id}/versions</c>): what the registry stored and when, never
/// the document. The registry orders writers by it (DESIGN "A case only moves forward").
/// </summary>
public sealed class CaseVersion
{
    /// <summary>The version number, from 1.</summary>
    public required int Version { get; init; }

    /// <summary>The version's content hash (<c>sha256:</c> and 64 hex digits).</summary>
    public required string ContentHash { get; init; }

    /// <summary>When the source record last changed, as the writer of this version said (<c>submitter.recordUpdatedAt</c>); null when it did not say.</summary>
    public DateTimeOffset? RecordUpdatedAt { get; init; }

    /// <summary>When the registry stored this version.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>The body of <c>GET /v1/submissions/{id}/versions</c>.</summary>
internal sealed record CaseVersionList
{
    public IReadOnlyList<CaseVersion> Items { get; init; } = [];
}

/// <summary>The body of <c>GET /v1/submissions</c>.</summary>
internal sealed record ReceiptList
{
    public IReadOnlyList<SubmissionReceipt> Items { get; init; } = [];

    public string? NextCursor { get; init; }
}

/// <summary>Source-generated serialisation of the API's bodies (web casing, nulls omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SubmissionReceipt))]
[JsonSerializable(typeof(RegistryValidationResult))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(ReceiptList))]
[JsonSerializable(typeof(CaseVersionList))]
[JsonSerializable(typeof(WithdrawalRequest))]
internal sealed partial class RegistryApiJsonContext : JsonSerializerContext;
