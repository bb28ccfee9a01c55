using System.Security.Cryptography;
using System.Text;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>
/// The registry pseudonym of an NHS number: HMAC-SHA256 of the normalised number under a key the trust holds,
/// as 64 lower-case hex digits. The same key always gives the same pseudonym, so a trust's submissions link up;
/// without the key the number cannot be recovered or guessed by hashing every possible number.
/// </summary>
public static class Pseudonym
{
    /// <summary>The pseudonym of <paramref name="nhsNumber"/> under <paramref name="key"/> (at least 32 bytes).</summary>
    public static string Of(string nhsNumber, byte[] key)
    {
        if (nhsNumber is null)
        {
            throw new ArgumentNullException(nameof(nhsNumber));
        }

        if (key is null || key.Length < 32)
        {
            throw new ArgumentException("The pseudonymisation key must be at least 32 bytes (256 bits).", nameof(key));
        }

        using var hmac = new HMACSHA256(key);
        var hash = hmac.ComputeHash(Encoding.ASCII.GetBytes(NhsNumber.Normalise(nhsNumber)));
        var hex = new StringBuilder(64);
        foreach (var b in hash)
        {
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }
}
