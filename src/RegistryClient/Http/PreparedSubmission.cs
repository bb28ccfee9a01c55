using System.Text.Json;
using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Http;

/// <summary>
/// A submission serialised once for sending: the UTF-8 bytes that go on the wire, with the idempotency key and content
/// hash computed from those same bytes. The outbox stores these three and the drain sends the stored bytes
/// (<see cref="VenousRegistryClient.SubmitAsync(PreparedSubmission, SubmitOptions, CancellationToken)"/>), so a queued
/// version is sent exactly as it was recorded, without being read back into objects.
/// </summary>
public sealed class PreparedSubmission
{
    private readonly byte[] _body;

    internal PreparedSubmission(byte[] body, string organisationCode, string localRecordId, string idempotencyKey, string contentHash, DateTimeOffset? recordUpdatedAt)
    {
        _body = body;
        OrganisationCode = organisationCode;
        LocalRecordId = localRecordId;
        IdempotencyKey = idempotencyKey;
        ContentHash = contentHash;
        RecordUpdatedAt = recordUpdatedAt;
    }

    /// <summary>The submission as UTF-8 JSON, exactly as it is sent (<see cref="SubmissionJson.SerializeToUtf8Bytes"/>).</summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <summary>The submitting organisation.</summary>
    public string OrganisationCode { get; }

    /// <summary>The hospital's episode id.</summary>
    public string LocalRecordId { get; }

    /// <summary>The <c>Idempotency-Key</c> sent with it (organisation, local record id and a hash of the content; no patient data).</summary>
    public string IdempotencyKey { get; }

    /// <summary>Its <see cref="SubmissionContentHash"/>.</summary>
    public string ContentHash { get; }

    /// <summary>Its <c>submitter.recordUpdatedAt</c>, when the source gave one.</summary>
    public DateTimeOffset? RecordUpdatedAt { get; }

    /// <summary>The bytes, shared, for a buffered request body: never written to.</summary>
    internal byte[] Bytes => _body;

    /// <summary>Serialises <paramref name="submission"/> once and computes its key and content hash from the bytes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="submission"/> is null.</exception>
    public static PreparedSubmission From(Submission submission)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return FromSerialised(JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission),
            submission.Submitter.OrganisationCode, submission.LocalRecordId, submission.Submitter.RecordUpdatedAt);
    }

    /// <summary>
    /// A mapped episode's document as it stands, without serialising it again: the mapper writes the bytes the
    /// serialiser would write for its <see cref="MappingResult.Submission"/> (the model's member order, the same
    /// escaping and number forms), so its key and content hash are those of <see cref="From(Submission)"/>, and the
    /// document that was validated is the one that is queued and sent. Validate the document before queueing it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    /// <exception cref="ArgumentException">The episode did not map (<see cref="MappingResult.IsMapped"/> is false).</exception>
    public static PreparedSubmission From(MappingResult result)
    {
        if (result is null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        if (result.Submission is not { } submission)
        {
            throw new ArgumentException($"The episode at {result.Source} row {result.Row} did not map, so there is no document to prepare.", nameof(result));
        }

        return FromSerialised(result.Json.ToArray(), submission.Submitter.OrganisationCode, submission.LocalRecordId, submission.Submitter.RecordUpdatedAt);
    }

    /// <summary>
    /// From bytes this library's serialiser wrote for the submission (<see cref="SubmissionJson.SerializeToUtf8Bytes"/>),
    /// or the mapper wrote in the same form, without serialising again. Internal: the hashes are those of the canonical
    /// form only for such bytes, so other bytes must go through <see cref="From(Submission)"/>.
    /// </summary>
    internal static PreparedSubmission FromSerialised(byte[] body, string organisationCode, string localRecordId, DateTimeOffset? recordUpdatedAt)
    {
        var (contentHash, keyHash) = SubmissionDigest.Of(body);
        return new PreparedSubmission(body, organisationCode, localRecordId, Http.IdempotencyKey.Compose(organisationCode, localRecordId, keyHash), contentHash, recordUpdatedAt);
    }
}
