using System.Security.Cryptography;
using System.Text;
using RegistryClient.Model;

namespace RegistryClient.Http;

/// <summary>
/// The <c>Idempotency-Key</c> of a submission: <c>{organisationCode}:{localRecordId}:{hash}</c>, where the hash is the
/// first 128 bits of SHA-256 over the submission's canonical JSON with <c>submitter.softwareName</c> and
/// <c>softwareVersion</c> left out. The same submission gets the same key in every attempt, process and day (and after a
/// library upgrade); a changed submission gets a different one. No patient identifier is in it. Internal: the client
/// computes it (<see cref="Outbox.BatchSubmitter.EnqueueAsync"/>, <see cref="VenousRegistryClient"/>), and callers read it
/// from <see cref="SubmissionResult.IdempotencyKey"/> or <see cref="Outbox.OutboxEntry.IdempotencyKey"/>.
/// </summary>
internal static class IdempotencyKey
{
    /// <summary>The key for <paramref name="submission"/>.</summary>
    public static string For(Submission submission)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return For(submission, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Canonical(submission), RegistryJsonContext.Default.Submission));
    }

    /// <summary>The key, reusing <paramref name="body"/> (the submission's serialised form) when it is already canonical.</summary>
    internal static string For(Submission submission, byte[] body)
    {
        var canonical = Canonical(submission);
        var bytes = ReferenceEquals(canonical, submission) ? body : System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(canonical, RegistryJsonContext.Default.Submission);
#if NET5_0_OR_GREATER
        var hash = SHA256.HashData(bytes);
#else
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(bytes);
#endif
        var hex = new StringBuilder(32);
        for (var i = 0; i < 16; i++)
        {
            hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return $"{submission.Submitter.OrganisationCode}:{submission.LocalRecordId}:{hex}";
    }

    private static Submission Canonical(Submission submission) =>
        submission.Submitter is { SoftwareName: null, SoftwareVersion: null }
            ? submission
            : submission with { Submitter = submission.Submitter with { SoftwareName = null, SoftwareVersion = null } };

    /// <summary>
    /// The key of an amendment: the submission's key and the version it replaces, so a retried or re-run PUT of the same
    /// content onto the same version is one request, and an amendment never shares a key with a create.
    /// </summary>
    internal static string ForAmendment(string key, int fromVersion) =>
        key + ":v" + fromVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The header value: an RFC 8941 string, quoted as the IETF Idempotency-Key draft says.</summary>
    internal static string Quote(string key) => "\"" + key.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
