using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace RegistryClient.Testing.Endpoints;

/// <summary>
/// The <c>nextCursor</c> of <c>GET /v1/submissions</c>: opaque to clients, it names the last case of the page by the
/// registry's random id (already on the page), sealed with an HMAC over the organisation and that id under a key made
/// when the server starts. So it reveals nothing of an order shared by all organisations, is good only for the list of
/// the organisation it was given for, and cannot be forged or altered (400). A restarted sandbox refuses old cursors.
/// </summary>
internal sealed class ListCursor
{
    private const string IdPrefix = "sub_";
    private const int IdBytes = 16;
    private const int TagBytes = 16;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The cursor that continues after <paramref name="caseId"/> in <paramref name="organisationCode"/>'s list.</summary>
    public string Encode(string caseId, string organisationCode)
    {
        var bytes = new byte[IdBytes + TagBytes];
        Convert.FromHexString(caseId.AsSpan(IdPrefix.Length), bytes.AsSpan(0, IdBytes), out _, out _);
        Tag(caseId, organisationCode).AsSpan(0, TagBytes).CopyTo(bytes.AsSpan(IdBytes));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The case a cursor continues after; null when it is not one this server gave for this organisation's list.</summary>
    public string? Decode(string? cursor, string organisationCode)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 64 || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        var bytes = Base64Url.DecodeFromChars(cursor);
        if (bytes.Length != IdBytes + TagBytes)
        {
            return null;
        }

        var caseId = IdPrefix + Convert.ToHexStringLower(bytes.AsSpan(0, IdBytes));
        return CryptographicOperations.FixedTimeEquals(bytes.AsSpan(IdBytes), Tag(caseId, organisationCode).AsSpan(0, TagBytes)) ? caseId : null;
    }

    private byte[] Tag(string caseId, string organisationCode) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("list-cursor\n" + organisationCode + "\n" + caseId));
}
