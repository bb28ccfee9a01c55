using System.Text;
using System.Text.Json;

namespace RegistryClient.Cli.Validate;

/// <summary>One submission document found in an input file, with where it starts in that file.</summary>
internal sealed record SubmissionDocument(int Index, ReadOnlyMemory<byte> Utf8, int StartLine, int StartColumn);

/// <summary>What an input file holds: its documents, or why it could not be read.</summary>
internal sealed record SubmissionFile(string DisplayPath, IReadOnlyList<SubmissionDocument> Documents, string? InputError = null);

/// <summary>
/// Expands the paths given to <c>validate</c> into submission documents: a <c>.json</c> file holds one submission or an
/// array of them; <c>.ndjson</c> one per line; a directory means its <c>*.json</c> and <c>*.ndjson</c>, recursively.
/// </summary>
internal static class SubmissionFiles
{
    /// <summary>The largest array or NDJSON file read whole; single documents are limited by the validator.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    public static IEnumerable<(string Path, string Display)> Expand(IEnumerable<string> paths, TextWriter stderr)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(f => f, StringComparer.Ordinal);
                foreach (var file in files)
                {
                    if (DeclaresOtherSchema(file))
                    {
                        stderr.WriteLine($"{Display(file)}: skipped: it declares a $schema, so it is not a submission.");
                        continue;
                    }

                    yield return (file, Display(file));
                }
            }
            else
            {
                yield return (path, Display(path));
            }
        }
    }

    public static async Task<SubmissionFile> ReadAsync(string path, string display, int maxDocumentBytes, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return new SubmissionFile(display, [], "no such file or directory");
            }

            if (info.Length > MaxFileBytes)
            {
                return new SubmissionFile(display, [], $"the file is {info.Length:N0} bytes, over the {MaxFileBytes:N0}-byte limit");
            }

            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new SubmissionFile(display, [], "cannot be read: " + ex.Message);
        }

        var content = StripBom(bytes);
        if (path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            return new SubmissionFile(display, SplitLines(content));
        }

        return new SubmissionFile(display, FirstSignificantByte(content.Span) == (byte)'[' ? SplitArray(content) : [new SubmissionDocument(0, content, 1, 1)]);
    }

    private static IReadOnlyList<SubmissionDocument> SplitLines(ReadOnlyMemory<byte> content)
    {
        var documents = new List<SubmissionDocument>();
        var line = 1;
        var span = content.Span;
        for (var start = 0; start < content.Length; line++)
        {
            var end = span.Slice(start).IndexOf((byte)'\n');
            var length = end < 0 ? content.Length - start : end;
            var text = content.Slice(start, length);
            if (text.Length > 0 && text.Span[text.Length - 1] == (byte)'\r')
            {
                text = text.Slice(0, text.Length - 1);
            }

            if (!IsBlank(text.Span))
            {
                documents.Add(new SubmissionDocument(documents.Count, text, line, 1));
            }

            start += length + 1;
        }

        return documents;
    }

    // An array of submissions: each element is validated on its own and located in the file. If the array itself is
    // malformed, the whole file goes to the validator as one document, which reports the PARSE error in place.
    private static IReadOnlyList<SubmissionDocument> SplitArray(ReadOnlyMemory<byte> content)
    {
        var documents = new List<SubmissionDocument>();
        try
        {
            var reader = new Utf8JsonReader(content.Span, new JsonReaderOptions { MaxDepth = 1000 });
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                var (line, column) = Position(content.Span, start);
                documents.Add(new SubmissionDocument(documents.Count, content.Slice(start, end - start), line, column));
            }

            while (reader.Read())
            {
                // Reads to the end so that trailing garbage is a parse error, not silently ignored.
            }

            return documents;
        }
        catch (JsonException)
        {
            return [new SubmissionDocument(0, content, 1, 1)];
        }
    }

    private static (int Line, int Column) Position(ReadOnlySpan<byte> text, int offset)
    {
        var before = text.Slice(0, offset);
        var lastNewline = before.LastIndexOf((byte)'\n');
        var line = 1;
        foreach (var b in before)
        {
            if (b == (byte)'\n')
            {
                line++;
            }
        }

        var column = 1;
        foreach (var b in before.Slice(lastNewline + 1))
        {
            if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (line, column);
    }

    private static bool DeclaresOtherSchema(string file)
    {
        if (!file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            using var stream = File.OpenRead(file);
            var head = new byte[4096];
            var read = stream.Read(head, 0, head.Length);
            var text = StripBom(head.AsMemory(0, read)).Span;
            var reader = new Utf8JsonReader(text, isFinalBlock: false, state: default);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("$schema"u8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    private static ReadOnlyMemory<byte> StripBom(ReadOnlyMemory<byte> bytes) =>
        bytes.Span.StartsWith(Encoding.UTF8.Preamble) ? bytes.Slice(3) : bytes;

    private static byte FirstSignificantByte(ReadOnlySpan<byte> text)
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

    private static string Display(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path).Replace('\\', '/');
}
