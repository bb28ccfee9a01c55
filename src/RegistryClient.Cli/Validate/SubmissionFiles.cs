using System.Text.Json;

namespace RegistryClient.Cli.Validate;

/// <summary>What an input file holds: its documents, or why it could not be read.</summary>
internal sealed record SubmissionFile(string DisplayPath, IReadOnlyList<SubmissionDocument> Documents, string? InputError = null);

/// <summary>
/// Expands the paths given to <c>validate</c>, <c>submit</c> and <c>report</c> into input files: a directory means its
/// <c>*.json</c> and <c>*.ndjson</c> files, recursively, each real file once (a symbolic link to a file already found,
/// or a loop of linked directories, adds nothing). Only the samples manifest is skipped, and the skip is said.
/// </summary>
internal static class SubmissionFiles
{
    public static IEnumerable<(string Path, string Display)> Expand(IEnumerable<string> paths, TextWriter stderr)
    {
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!Directory.Exists(path))
            {
                yield return (path, path); // named as the user typed it, found or not
                continue;
            }

            foreach (var file in FilesUnder(path, stderr))
            {
                if (!seenFiles.Add(RealPath(file)))
                {
                    continue;
                }

                if (IsSamplesManifest(file))
                {
                    stderr.WriteLine($"{Shown(file)}: skipped: it is the samples manifest (its $schema is samples-manifest.schema.json), not a submission.");
                    continue;
                }

                yield return (file, Display(file));
            }
        }
    }

    /// <summary>Reads one input whole, for commands that need every document at once (<c>submit</c>, <c>report</c>).</summary>
    public static async Task<SubmissionFile> ReadAsync(string path, string display, int maxDocumentBytes, CancellationToken cancellationToken)
    {
        var stream = new DocumentStream(path, maxDocumentBytes);
        var documents = new List<SubmissionDocument>();
        await foreach (var document in stream.ReadAsync(cancellationToken))
        {
            documents.Add(document);
        }

        return new SubmissionFile(display, documents, stream.InputError);
    }

    /// <summary>Regular files only (a FIFO or device found in a directory would block or never end), sorted, each directory visited once.</summary>
    private static IEnumerable<string> FilesUnder(string root, TextWriter stderr)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        var files = new List<string>();
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            if (!visited.Add(RealPath(directory)))
            {
                continue; // a symbolic link back to a directory already searched
            }

            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 }).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{Shown(directory)}: skipped: cannot be listed: {ex.Message}");
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
                else if (IsSubmissionName(entry.Name))
                {
                    if (IsRegularFile(entry))
                    {
                        files.Add(entry.FullName);
                    }
                    else
                    {
                        stderr.WriteLine($"{Shown(entry.FullName)}: skipped: not a regular file (a FIFO, a device or a broken link).");
                    }
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static bool IsSubmissionName(string name) =>
        name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    private static bool IsRegularFile(FileSystemInfo entry)
    {
        try
        {
            var target = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(returnFinalTarget: true);
            return target is FileInfo { Exists: true } file && FileType.IsRegular(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string RealPath(string path)
    {
        try
        {
            var info = Directory.Exists(path) ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path);
            var full = info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
            return RealParent(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Path.GetFullPath(path);
        }
    }

    // Links in the parent directories matter too: a/link/x.json and a/real/x.json are one file.
    private static string RealParent(string full)
    {
        var parent = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(parent) || parent == full)
        {
            return full;
        }

        var directory = new DirectoryInfo(parent);
        var resolved = directory.LinkTarget is null ? RealParent(parent) : RealParent(directory.ResolveLinkTarget(true)?.FullName ?? parent);
        return Path.Combine(resolved, Path.GetFileName(full));
    }

    /// <summary>The samples manifest declares its own schema; any other file, with or without <c>$schema</c>, is validated.</summary>
    private static bool IsSamplesManifest(string file)
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
            var text = head.AsSpan(0, read);
            text = text.StartsWith("\uFEFF"u8) ? text[3..] : text;
            var reader = new Utf8JsonReader(text, isFinalBlock: false, state: default);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("$schema"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.String
                && reader.GetString()!.EndsWith("samples-manifest.schema.json", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A found file as the user would name it: under a relative directory relative to here, under an absolute one absolute (never a "../../" path they did not type).</summary>
    private static string Display(string path) =>
        (Path.IsPathRooted(path) ? path : Path.GetRelativePath(Environment.CurrentDirectory, path)).Replace('\\', '/');

    private static string Shown(string path) => OutputText.ForLine(Display(path));
}
