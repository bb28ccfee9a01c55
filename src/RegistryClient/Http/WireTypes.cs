using System.Text.Json.Serialization;

namespace RegistryClient.Http;

/// <summary>The registry's receipt for a stored submission.</summary>
public sealed record SubmissionReceipt
{
    /// <summary>The registry's id for the submission.</summary>
    public required string Id { get; init; }

    /// <summary>The hospital's own id for the episode, as submitted.</summary>
    public required string LocalRecordId { get; init; }

    /// <summary>Always <c>accepted</c> in API v1.</summary>
    public required string Status { get; init; }

    /// <summary>When the registry first received the submission.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The schema version the submission was validated against.</summary>
    public required string SchemaVersion { get; init; }
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
}

/// <summary>The body of <c>GET /v1/submissions</c>.</summary>
internal sealed record ReceiptList
{
    public IReadOnlyList<SubmissionReceipt> Items { get; init; } = [];
}

/// <summary>Source-generated serialisation of the API's bodies (web casing, nulls omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SubmissionReceipt))]
[JsonSerializable(typeof(RegistryValidationResult))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(ReceiptList))]
internal sealed partial class RegistryApiJsonContext : JsonSerializerContext;
