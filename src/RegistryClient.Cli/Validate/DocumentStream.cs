using System.Runtime.CompilerServices;
using System.Text.Json;

namespace RegistryClient.Cli.Validate;

/// <summary>One submission document found in an input file, with where it starts in that file.</summary>
internal sealed record SubmissionDocument(int Index, ReadOnlyMemory<byte> Utf8, int StartLine, int StartColumn);

/// <summary>
/// Reads the documents of one input, never more than the limits allow, whatever the input is (a file, a FIFO,
/// <c>/dev/zero</c>): <c>.ndjson</c> is streamed line by line, each line at most one document's size; any other file
/// is one document (at most one document's size) or a JSON array of them (at most <see cref="MaxArrayBytes"/>).
/// Why an input could not be read is in <see cref="InputError"/> once the documents are enumerated.
/// </summary>
internal sealed class DocumentStream(string path, int maxDocumentBytes)
{
    /// <summary>The largest JSON array file read; it is held whole, and its elements are validated one by one.</summary>
    public const int MaxArrayBytes = 256 * 1024 * 1024;

    private const int Chunk = 64 * 1024;

    public string? InputError { get; private set; }

    public async IAsyncEnumerable<SubmissionDocument> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = Open();
        if (stream is null)
        {
            yield break;
        }

        await using (stream)
        {
            var documents = path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
                ? ReadLinesAsync(stream, cancellationToken)
                : ReadJsonAsync(stream, cancellationToken);
            await foreach (var document in documents.WithCancellation(cancellationToken))
            {
                yield return document;
            }
        }
    }

    private FileStream? Open()
    {
        try
        {
            if (Directory.Exists(path))
            {
                InputError = "is a directory";
                return null;
            }

            // No seeking and no length: a FIFO or a device has neither, and the limits below bound every read.
            // Reads are synchronous: this handle is not opened for asynchronous I/O, so ReadAsync would only block a
            // thread-pool thread instead of this one, and starting the pool and moving the whole run onto it costs a
            // short-lived CLI more than the read itself (measured with `registry validate` on one file).
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            InputError = "no such file or directory";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            InputError = "cannot be read: " + ex.Message;
        }

        return null;
    }

    /// <summary>One document per line; blank lines are skipped; line numbers are the file's.</summary>
    private async IAsyncEnumerable<SubmissionDocument> ReadLinesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[Chunk];
        int filled = 0, index = 0, line = 1;
        var first = true;
        while (true)
        {
            int read;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                read = stream.Read(buffer, filled, buffer.Length - filled);
            }
            catch (IOException ex)
            {
                InputError = $"cannot be read after line {line}: {ex.Message}";
                yield break;
            }

            filled += read;
            var start = 0;
            if (first && filled >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
            {
                start = 3;
            }

            first &= filled < 3;
            int newline;
            while ((newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n')) >= 0)
            {
                if (Line(buffer.AsMemory(start, newline), ref index, line) is { } document)
                {
                    yield return document;
                }

                start += newline + 1;
                line++;
            }

            if (read == 0)
            {
                if (start < filled && Line(buffer.AsMemory(start, filled - start), ref index, line) is { } last)
                {
                    yield return last;
                }

                yield break;
            }

            // Keep the unfinished line; grow the buffer only up to one document's size.
            var pending = filled - start;
            if (pending > maxDocumentBytes + 1)
            {
                InputError = $"line {line} is over the {maxDocumentBytes:N0}-byte limit for one document; the rest of the file was not read";
                yield break;
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, pending);
            filled = pending;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxDocumentBytes + 2 + Chunk));
            }
        }
    }

    private static SubmissionDocument? Line(ReadOnlyMemory<byte> text, ref int index, int line)
    {
        if (text.Length > 0 && text.Span[^1] == (byte)'\r')
        {
            text = text[..^1];
        }

        // The validator keeps a reference to the bytes only while it validates; the buffer is reused after.
        return IsBlank(text.Span) ? null : new SubmissionDocument(index++, text.ToArray(), line, 1);
    }

    /// <summary>One document, or an array of them: the first significant byte decides which limit applies.</summary>
    private async IAsyncEnumerable<SubmissionDocument> ReadJsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var content = new MemoryStream();
        var buffer = new byte[Chunk];
        long limit = (long)maxDocumentBytes + 3; // a byte-order mark is allowed
        var decided = false;
        int read;
        do
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, limit + 1 - content.Length));
            }
            catch (IOException ex)
            {
                InputError = "cannot be read: " + ex.Message;
                yield break;
            }

            content.Write(buffer, 0, read);
            if (!decided && FirstSignificantByte(WithoutBom(content.GetBuffer().AsMemory(0, (int)content.Length)).Span) is var b and not 0)
            {
                decided = true;
                limit = b == (byte)'[' ? MaxArrayBytes : limit;
            }
        }
        while (read > 0 && content.Length <= limit);

        if (content.Length > limit)
        {
            InputError = limit == MaxArrayBytes
                ? $"the file is over the {MaxArrayBytes:N0}-byte limit for an array of submissions; it was not read (use .ndjson for larger batches)"
                : $"the input is over the {maxDocumentBytes:N0}-byte limit for one submission; it was not read";
            yield break;
        }

        var bytes = WithoutBom(content.GetBuffer().AsMemory(0, (int)content.Length));
        foreach (var document in FirstSignificantByte(bytes.Span) == (byte)'[' ? ArrayElements.Split(bytes) : [new SubmissionDocument(0, bytes, 1, 1)])
        {
            yield return document;
        }
    }

    private static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> bytes) =>
        bytes.Span.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    internal static byte FirstSignificantByte(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return 0;
    }

    private static bool IsBlank(ReadOnlySpan<byte> text) => FirstSignificantByte(text) == 0;
}
