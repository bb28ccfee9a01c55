using RegistryClient.Model;

namespace RegistryClient.Http;

/// <summary>
/// The <c>Idempotency-Key</c> of a submission: <c>{organisationCode}:{localRecordId}:{hash}</c>, where the hash is the
/// first 128 bits of SHA-256 over the submission's canonical JSON with <c>submitter.softwareName</c> and
/// <c>softwareVersion</c> left out. The same submission gets the same key in every attempt, process and day (and after a
/// library upgrade); a changed submission gets a different one. No patient identifier is in it. Internal: the client
/// computes it (<see cref="Outbox.BatchSubmitter.EnqueueAsync(Submission, CancellationToken)"/>, <see cref="VenousRegistryClient"/>), and callers read it
/// from <see cref="SubmissionResult.IdempotencyKey"/> or <see cref="Outbox.OutboxEntry.IdempotencyKey"/>.
/// </summary>
internal static class IdempotencyKey
{
    /// <summary>The key for <paramref name="submission"/> (<see cref="PreparedSubmission.IdempotencyKey"/>).</summary>
    public static string For(Submission submission) => PreparedSubmission.From(submission).IdempotencyKey;

    /// <summary>The key of a case's content, from the hash <see cref="SubmissionDigest"/> computed.</summary>
    internal static string Compose(string organisationCode, string localRecordId, string keyHash) => $"{organisationCode}:{localRecordId}:{keyHash}";

    /// <summary>
    /// The key of an amendment: the submission's key and the version it replaces, so a retried or re-run PUT of the same
    /// content onto the same version is one request, and an amendment never shares a key with a create.
    /// </summary>
    internal static string ForAmendment(string key, int fromVersion) =>
        key + ":v" + fromVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The header value: an RFC 8941 string, quoted as the IETF Idempotency-Key draft says.</summary>
    internal static string Quote(string key) => "\"" + key.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
