using System.Security.Cryptography;
using System.Text.Json;

namespace RegistryClient.Model;

/// <summary>
/// The one implementation of the submission's hashes, read from its serialised body in one pass, so a submission is
/// serialised once for sending, keying and hashing. Both hash a canonical form: the body with some <c>submitter</c>
/// members left out, which is byte for byte what the serialiser writes for the submission with those members null (it
/// omits nulls, and writes every other member the same way). The content hash (<see cref="SubmissionContentHash"/>)
/// leaves out <c>softwareName</c>, <c>softwareVersion</c> and <c>recordUpdatedAt</c>; the idempotency key's hash
/// (<c>Http.IdempotencyKey</c>) only the software fields, so its keys are the ones earlier versions computed.
/// </summary>
internal static class SubmissionDigest
{
    private const string Hex = "0123456789abcdef";

    /// <summary>The content hash and the idempotency key's hash (its first 128 bits, as 32 hex digits) of a serialised submission.</summary>
    public static (string ContentHash, string KeyHash) Of(byte[] body)
    {
        var members = SubmitterMembers(body);
        var canonical = new byte[body.Length]; // one buffer for both canonical forms: each is written whole before it is hashed
        var contentHash = Sha256(body, members, leaveOutRecordUpdatedAt: true, canonical);
        var keyHash = Sha256(body, members, leaveOutRecordUpdatedAt: false, canonical);
        return (HexOf(SubmissionContentHash.Prefix, contentHash, contentHash.Length), HexOf("", keyHash, 16));
    }

    /// <summary>The content hash alone.</summary>
    public static string ContentHashOf(byte[] body)
    {
        var digest = Sha256(body, SubmitterMembers(body), leaveOutRecordUpdatedAt: true, new byte[body.Length]);
        return HexOf(SubmissionContentHash.Prefix, digest, digest.Length);
    }

    private static byte[] Sha256(byte[] body, SubmitterLayout layout, bool leaveOutRecordUpdatedAt, byte[] canonical)
    {
        // The canonical form: everything up to the submitter's '{', its kept members joined by ',', everything from its '}'.
        Buffer.BlockCopy(body, 0, canonical, 0, layout.Open + 1);
        var length = layout.Open + 1;
        var first = true;
        foreach (var member in layout.Members)
        {
            if (member.Software || (leaveOutRecordUpdatedAt && member.RecordUpdatedAt))
            {
                continue;
            }

            if (!first)
            {
                canonical[length++] = (byte)',';
            }

            Buffer.BlockCopy(body, member.Start, canonical, length, member.End - member.Start);
            length += member.End - member.Start;
            first = false;
        }

        Buffer.BlockCopy(body, layout.Close, canonical, length, body.Length - layout.Close);
        length += body.Length - layout.Close;
#if NET5_0_OR_GREATER
        return SHA256.HashData(canonical.AsSpan(0, length));
#else
        using var sha = SHA256.Create();
        return sha.ComputeHash(canonical, 0, length);
#endif
    }

    /// <summary>Where the top-level <c>submitter</c> object and each of its members lie in the body.</summary>
    private static SubmitterLayout SubmitterMembers(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A submission is a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSubmitter = reader.ValueTextEquals("submitter"u8);
            reader.Read();
            if (!isSubmitter || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var open = (int)reader.TokenStartIndex;
            var members = new List<SubmitterMember>(5);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                var software = reader.ValueTextEquals("softwareName"u8) || reader.ValueTextEquals("softwareVersion"u8);
                var recordUpdatedAt = reader.ValueTextEquals("recordUpdatedAt"u8);
                reader.Read();
                reader.Skip();
                members.Add(new SubmitterMember(start, (int)reader.BytesConsumed, software, recordUpdatedAt));
            }

            return new SubmitterLayout(open, (int)reader.TokenStartIndex, members);
        }

        throw new JsonException("A submission has a submitter.");
    }

    private static string HexOf(string prefix, byte[] digest, int bytes)
    {
        var hex = new char[prefix.Length + (bytes * 2)];
        prefix.CopyTo(0, hex, 0, prefix.Length);
        for (var i = 0; i < bytes; i++)
        {
            hex[prefix.Length + (2 * i)] = Hex[digest[i] >> 4];
            hex[prefix.Length + (2 * i) + 1] = Hex[digest[i] & 0xF];
        }

        return new string(hex);
    }

    private readonly record struct SubmitterMember(int Start, int End, bool Software, bool RecordUpdatedAt);

    private readonly record struct SubmitterLayout(int Open, int Close, List<SubmitterMember> Members);
}
