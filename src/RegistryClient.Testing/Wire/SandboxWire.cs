using System.Text.Json.Serialization;
using RegistryClient.Testing.Storage;

namespace RegistryClient.Testing.Wire;

/// <summary>A receipt: what the registry holds for a case (schemas/registry-api.v1.openapi.yaml, <c>Receipt</c>).</summary>
internal sealed record Receipt
{
    public required string Id { get; init; }

    public required string OrganisationCode { get; init; }

    public required string LocalRecordId { get; init; }

    public required string Status { get; init; }

    public required int Version { get; init; }

    public required string ContentHash { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string SchemaVersion { get; init; }

    public Withdrawal? Withdrawal { get; init; }

    public static Receipt From(CaseRecord record) => new()
    {
        Id = record.Id,
        OrganisationCode = record.OrganisationCode,
        LocalRecordId = record.LocalRecordId,
        Status = record.Status,
        Version = record.Version,
        ContentHash = record.ContentHash,
        ReceivedAt = record.ReceivedAt,
        UpdatedAt = record.UpdatedAt,
        SchemaVersion = record.SchemaVersion,
        Withdrawal = record.WithdrawnAt is { } at ? new Withdrawal { Reason = record.WithdrawalReason!, At = at } : null,
    };
}

/// <summary>The tombstone part of a withdrawn case's receipt.</summary>
internal sealed record Withdrawal
{
    public required string Reason { get; init; }

    public required DateTimeOffset At { get; init; }
}

/// <summary>The body of <c>POST /v1/submissions/{id}/withdrawal</c>.</summary>
internal sealed record WithdrawalRequest
{
    public string? Reason { get; init; }
}

/// <summary>One page of <c>GET /v1/submissions</c>.</summary>
internal sealed record ReceiptPage
{
    public required IReadOnlyList<Receipt> Items { get; init; }

    public string? NextCursor { get; init; }
}

/// <summary>One error or warning, located by an RFC 6901 JSON Pointer into the submission.</summary>
internal sealed record ApiError(string Code, string Pointer, string Message);

/// <summary>The verdict of <c>POST /v1/submissions/validate</c>.</summary>
internal sealed record ValidationVerdict(bool Valid, IReadOnlyList<ApiError> Errors, IReadOnlyList<ApiError> Warnings);

/// <summary>An RFC 9457 problem document with the registry's extension members.</summary>
internal sealed record Problem
{
    public required string Type { get; init; }

    public required string Title { get; init; }

    public required int Status { get; init; }

    public string? Detail { get; init; }

    public IReadOnlyList<ApiError>? Errors { get; init; }

    /// <summary>For <c>case-exists</c>, <c>stale-content</c> and <c>conflicting-edit</c>: the case concerned.</summary>
    public string? CaseId { get; init; }

    /// <summary>For <c>case-exists</c>, <c>stale-content</c>, <c>conflicting-edit</c> and <c>version-mismatch</c>: the case's current version.</summary>
    public int? Version { get; init; }

    /// <summary>For <c>case-exists</c>, <c>stale-content</c> and <c>conflicting-edit</c>: the hash of what the registry holds.</summary>
    public string? ContentHash { get; init; }

    /// <summary>For <c>stale-content</c> and <c>conflicting-edit</c>: the current version's <c>recordUpdatedAt</c>; absent when it carried none.</summary>
    public DateTimeOffset? RecordUpdatedAt { get; init; }
}

/// <summary>The body of <c>GET /v1/submissions/{id}/versions</c>: a case's history, oldest first, without documents.</summary>
internal sealed record VersionHistory
{
    public required IReadOnlyList<VersionEntry> Items { get; init; }
}

/// <summary>One version in a case's history.</summary>
internal sealed record VersionEntry
{
    public required int Version { get; init; }

    public required string ContentHash { get; init; }

    public DateTimeOffset? RecordUpdatedAt { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Source-generated serialisation of the sandbox's bodies (web casing, nulls omitted).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(ReceiptPage))]
[JsonSerializable(typeof(ValidationVerdict))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(WithdrawalRequest))]
[JsonSerializable(typeof(VersionHistory))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
