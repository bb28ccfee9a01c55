using System.Security.Cryptography;
using System.Text.Json;

namespace RegistryClient.Model;

/// <summary>
/// The content hash the registry reports on a case (<c>contentHash</c> in a receipt): <c>sha256:</c> and the lower-case
/// hex SHA-256 of the submission's canonical form. The canonical form is the library's own serialisation of the typed
/// model (<see cref="RegistryJsonContext"/>) with <c>submitter.softwareName</c> and <c>submitter.softwareVersion</c>
/// left out, so whitespace, property order and the submitting software never change the hash.
/// </summary>
public static class SubmissionContentHash
{
    private const string Prefix = "sha256:";

    /// <summary>Computes the content hash of a submission, exactly as the registry computes it.</summary>
    /// <param name="submission">The typed submission.</param>
    /// <returns><c>sha256:</c> followed by 64 lower-case hex digits.</returns>
    public static string Compute(Submission submission)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        var canonical = submission with
        {
            Submitter = submission.Submitter with { SoftwareName = null, SoftwareVersion = null },
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(canonical, RegistryJsonContext.Default.Submission);
        byte[] digest;
        using (var sha = SHA256.Create())
        {
            digest = sha.ComputeHash(bytes);
        }

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
