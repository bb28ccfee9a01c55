using System.Text.Json;

namespace RegistryClient.Model;

/// <summary>
/// The content hash that identifies a version of a case, computed exactly as the registry computes it:
/// <c>sha256:</c> + the lower-case hex SHA-256 of the submission's canonical form (this library's serialisation of the
/// typed model, with <c>submitter.softwareName</c>, <c>softwareVersion</c> and <c>recordUpdatedAt</c> left out). Whitespace,
/// property order, the software fields and the source time never change it, so a re-sent record with the same content is recognised as unchanged.
/// </summary>
public static class SubmissionContentHash
{
    /// <summary>The prefix of every hash.</summary>
    public const string Prefix = "sha256:";

    /// <summary>Computes the content hash of <paramref name="submission"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="submission"/> is null.</exception>
    public static string Compute(Submission submission)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return SubmissionDigest.ContentHashOf(JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission));
    }
}
