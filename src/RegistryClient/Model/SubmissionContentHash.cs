using System.Security.Cryptography;
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

        var canonical = submission with { Submitter = submission.Submitter with { SoftwareName = null, SoftwareVersion = null, RecordUpdatedAt = null } };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(canonical, RegistryJsonContext.Default.Submission);
        using var sha = SHA256.Create();
        var digest = sha.ComputeHash(bytes);
        var hex = new char[Prefix.Length + (digest.Length * 2)];
        Prefix.CopyTo(0, hex, 0, Prefix.Length);
        for (var i = 0; i < digest.Length; i++)
        {
            hex[Prefix.Length + (2 * i)] = "0123456789abcdef"[digest[i] >> 4];
            hex[Prefix.Length + (2 * i) + 1] = "0123456789abcdef"[digest[i] & 0xF];
        }

        return new string(hex);
    }
}
