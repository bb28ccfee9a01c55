using System.Text;

namespace RegistryClient.Mapping;

/// <summary>
/// The text encodings a profile may declare, their byte order marks, and decoders that never pass a replacement
/// character through: a byte sequence the encoding cannot decode becomes <see cref="Undecodable"/>, which the readers
/// report as a located error.
/// </summary>
internal static class InputEncodings
{
    /// <summary>What an undecodable byte sequence decodes to: a noncharacter, which no registry field may hold.</summary>
    public const char Undecodable = '\uFFFF';

    public static readonly string[] Names = ["utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1252", "iso-8859-1"];

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the byte order mark and settles the encoding: a mark that contradicts the declared encoding is
    /// an error rather than a guess. The stream returned starts after the mark.</summary>
    public static async Task<(Stream Body, string Name, string? Problem)> OpenAsync(Stream input, string? declared, CancellationToken cancellationToken)
    {
        var head = new byte[3];
        var count = 0;
        while (count < head.Length && await input.ReadAsync(head, count, head.Length - count, cancellationToken).ConfigureAwait(false) is var read and > 0)
        {
            count += read;
        }

        var (bom, length) = count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? ("utf-8", 3)
            : count >= 2 && head[0] == 0xFF && head[1] == 0xFE ? ("utf-16le", 2)
            : count >= 2 && head[0] == 0xFE && head[1] == 0xFF ? ("utf-16be", 2)
            : ((string?)null, 0);
        var name = declared?.ToLowerInvariant() ?? bom ?? "utf-8";
        string? problem = null;
        if (name == "utf-16")
        {
            name = bom is "utf-16le" or "utf-16be" ? bom : name;
            problem = name == "utf-16" ? "The profile declares utf-16 but the input has no UTF-16 byte order mark; declare utf-16le or utf-16be." : null;
        }
        else if (bom is not null && bom != name)
        {
            problem = $"The input starts with a {bom.ToUpperInvariant()} byte order mark but the profile declares {name}; correct input.encoding.";
        }

        return (new PrefixedStream(head, length, count, input), name, problem);
    }

    /// <summary>A decoding encoding for <paramref name="name"/> (one of <see cref="Names"/>, settled by <see cref="OpenAsync"/>).</summary>
    public static Encoding Create(string name)
    {
        Encoding encoding = name switch
        {
            "utf-8" => new UTF8Encoding(false),
            "utf-16le" => new UnicodeEncoding(false, false),
            "utf-16be" => new UnicodeEncoding(true, false),
            "iso-8859-1" => Encoding.GetEncoding(28591),
#if NETFRAMEWORK
            "windows-1252" => Encoding.GetEncoding(1252),
#else
            "windows-1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252)!,
#endif
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a supported encoding."),
        };
        encoding = (Encoding)encoding.Clone();
        encoding.DecoderFallback = new MarkingFallback();
        return encoding;
    }

    /// <summary>True when <paramref name="utf8"/> is well-formed UTF-8.</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> utf8)
    {
#if NET8_0_OR_GREATER
        return System.Text.Unicode.Utf8.IsValid(utf8);
#else
        try
        {
            _ = Strict.GetCharCount(utf8.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
#endif
    }

#if !NET8_0_OR_GREATER
    private static readonly UTF8Encoding Strict = new(false, true);
#endif

    /// <summary>Replaces each undecodable sequence with <see cref="Undecodable"/> (never U+FFFD, which could pass as text).</summary>
    private sealed class MarkingFallback : DecoderFallback
    {
        public override int MaxCharCount => 1;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

        public override bool Equals(object? obj) => obj is MarkingFallback;

        public override int GetHashCode() => 0x1A2B;

        private sealed class Buffer : DecoderFallbackBuffer
        {
            private bool _pending;

            public override int Remaining => _pending ? 1 : 0;

            public override bool Fallback(byte[] bytesUnknown, int index) => _pending = true;

            public override char GetNextChar()
            {
                if (!_pending)
                {
                    return '\0';
                }

                _pending = false;
                return Undecodable;
            }

            public override bool MovePrevious() => false;

            public override void Reset() => _pending = false;
        }
    }

    /// <summary>The bytes read while looking for a byte order mark, then the rest of the input.</summary>
    private sealed class PrefixedStream(byte[] head, int start, int end, Stream rest) : Stream
    {
        private int _position = start;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position < end)
            {
                var n = Math.Min(count, end - _position);
                Array.Copy(head, _position, buffer, offset, n);
                _position += n;
                return n;
            }

            return rest.Read(buffer, offset, count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _position < end ? Task.FromResult(Read(buffer, offset, count)) : rest.ReadAsync(buffer, offset, count, cancellationToken);

#if NET8_0_OR_GREATER
        public override int Read(Span<byte> buffer)
        {
            if (_position < end)
            {
                var n = Math.Min(buffer.Length, end - _position);
                head.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return rest.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < end)
            {
                var n = Math.Min(buffer.Length, end - _position);
                head.AsSpan(_position, n).CopyTo(buffer.Span);
                _position += n;
                return new ValueTask<int>(n);
            }

            return rest.ReadAsync(buffer, cancellationToken);
        }
#endif

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
