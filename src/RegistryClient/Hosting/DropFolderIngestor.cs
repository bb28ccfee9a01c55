using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using RegistryClient.Http;
using RegistryClient.Mapping;
using RegistryClient.Outbox;
using RegistryClient.Validation;

namespace RegistryClient.Hosting;

/// <summary>
/// Ingests the complete files of a drop folder (see <see cref="DropFolderOptions"/>). A file is complete once its size
/// and last-write time held for <see cref="DropFolderOptions.StableFor"/> on the injected clock and it opens for
/// reading; temporary names (<c>.*</c>, <c>~$*</c>, <c>*.tmp</c>, <c>*.part</c>, <c>*.partial</c>, <c>*.crdownload</c>)
/// are ignored until renamed. Each file is mapped, validated and its valid episodes queued in one pass; then a ledger
/// entry named by its SHA-256 is written (<c>DIR/.registry/ingested/</c>), its summary and errors beside its new place,
/// and last the file is moved. A kill at any point leaves the file in DIR or already moved, never lost: re-ingesting
/// it queues nothing twice, because the outbox is idempotent by content, and a ledger entry finishes the move without
/// mapping again. The same content dropped again (any name) is moved to <c>processed/</c> as a duplicate, queuing nothing.
/// </summary>
internal sealed class DropFolderIngestor : IDisposable
{
    private static readonly string[] TemporarySuffixes = [".tmp", ".part", ".partial", ".crdownload", ".summary.json", ".errors.txt", ".errors.csv"];

    private readonly DropFolderOptions _options;
    private readonly SubmissionValidator _validator;
    private readonly RegistryWorkerState _state;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Sighting> _seen = new(StringComparer.Ordinal);
    private readonly FileSystemWatcher? _watcher;
    private MappingProfile? _profile;

    public DropFolderIngestor(DropFolderOptions options, SubmissionValidator validator, RegistryWorkerState state, ILoggerFactory loggers)
    {
        _options = options;
        _validator = validator;
        _state = state;
        _logger = loggers.CreateLogger(WorkerLog.Category);
        Folder = System.IO.Path.GetFullPath(options.Path!);
        Directory.CreateDirectory(Folder);
        try
        {
            // A new or renamed file wakes the worker at once; the periodic look stays as the safety net.
            _watcher = new FileSystemWatcher(Folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite };
            _watcher.Created += (_, _) => _state.Wake();
            _watcher.Renamed += (_, _) => _state.Wake();
            _watcher.Changed += (_, _) => _state.Wake();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            _watcher?.Dispose();
            _watcher = null; // watching is an optimisation: the scan finds the files anyway
        }
    }

    public string Folder { get; }

    private string Processed => System.IO.Path.Combine(Folder, "processed");

    private string Rejected => System.IO.Path.Combine(Folder, "rejected");

    private string Ledger => System.IO.Path.Combine(Folder, ".registry", "ingested");

    private TimeProvider Time => _state.Time;

    public void Dispose() => _watcher?.Dispose();

    /// <summary>Ingests every complete file; returns how soon to look again (for files not yet stable).</summary>
    public async Task<TimeSpan> ScanAsync(SubmissionQueue queue, CancellationToken cancellationToken)
    {
        var next = TimeSpan.MaxValue;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Folder).OrderBy(p => p, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = System.IO.Path.GetFileName(path);
            if (IsTemporary(name))
            {
                continue;
            }

            present.Add(path);
            var wait = Stability(path);
            if (wait > TimeSpan.Zero)
            {
                next = wait < next ? wait : next;
                continue;
            }

            try
            {
                await IngestAsync(path, queue, cancellationToken).ConfigureAwait(false);
                _seen.Remove(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // This file cannot be moved or read just now (permissions, a lock): the others still go; it is tried again.
                DropFolderLog.NotMoved(_logger, name, ex.GetType().Name);
                next = _options.StableFor > TimeSpan.FromSeconds(1) ? _options.StableFor : TimeSpan.FromSeconds(1);
            }
        }

        foreach (var gone in _seen.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _seen.Remove(gone);
        }

        return next;
    }

    private static bool IsTemporary(string name) =>
        name.StartsWith(".", StringComparison.Ordinal) || name.StartsWith("~$", StringComparison.Ordinal)
        || TemporarySuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Zero when the file is complete; otherwise how long until it may be.</summary>
    private TimeSpan Stability(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                return TimeSpan.MaxValue;
            }
        }
        catch (IOException)
        {
            return _options.StableFor;
        }

        var now = Time.GetTimestamp();
        if (!_seen.TryGetValue(path, out var seen) || seen.Length != info.Length || seen.LastWrite != info.LastWriteTimeUtc)
        {
            _seen[path] = new Sighting(info.Length, info.LastWriteTimeUtc, now);
            return _options.StableFor > TimeSpan.Zero ? _options.StableFor : (CanOpen(path) ? TimeSpan.Zero : TimeSpan.FromSeconds(1));
        }

        var left = _options.StableFor - Time.GetElapsedTime(seen.Since, now);
        if (left > TimeSpan.Zero)
        {
            return left;
        }

        // Stable: a writer that still holds it open for writing (Windows refuses this open) is not done yet.
        return CanOpen(path) ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task IngestAsync(string path, SubmissionQueue queue, CancellationToken cancellationToken)
    {
        var name = System.IO.Path.GetFileName(path);
        var hash = await HashAsync(path, cancellationToken).ConfigureAwait(false);
        var ledger = System.IO.Path.Combine(Ledger, hash.Substring("sha256:".Length) + ".json");
        Summary summary;
        if (File.Exists(ledger))
        {
            var recorded = Summary.Read(File.ReadAllText(ledger));
            summary = recorded is not null && string.Equals(recorded.File, name, StringComparison.Ordinal) && !File.Exists(System.IO.Path.Combine(recorded.Rejected ? Rejected : Processed, recorded.MovedAs ?? name))
                ? recorded // killed after the ledger entry, before the move: finish it
                : Summary.Duplicate(name, hash, recorded);
        }
        else
        {
            summary = await MapAndQueueAsync(path, name, hash, queue, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(Ledger);
            summary = summary with { MovedAs = Destination(summary.Rejected ? Rejected : Processed, name, hash) };
            WriteAtomically(ledger, summary.ToJson());
        }

        var folder = summary.Rejected ? Rejected : Processed;
        Directory.CreateDirectory(folder);
        var target = System.IO.Path.Combine(folder, summary.MovedAs ?? Destination(folder, name, hash));
        WriteAtomically(target + ".summary.json", summary.ToJson());
        if (summary.Errors.Count > 0)
        {
            WriteAtomically(target + ".errors.txt", string.Concat(summary.Errors.Select(e => e.Text + "\n")));
            WriteAtomically(target + ".errors.csv", "file,row,column,code,message\n" + string.Concat(summary.Errors.Select(e => e.Csv + "\n")));
        }

        File.Move(path, target);
        DropFolderLog.Ingested(_logger, name, summary.Rejected ? "rejected" : "processed", summary.Episodes, summary.Queued, summary.AlreadyQueued, summary.Invalid, summary.DuplicateOf is not null);
    }

    private async Task<Summary> MapAndQueueAsync(string path, string name, string hash, SubmissionQueue queue, CancellationToken cancellationToken)
    {
        var profile = _profile ??= DropFolderOptions.LoadProfile(_options.Profile!).Profile
            ?? throw new InvalidOperationException("The drop folder's profile no longer loads: " + _options.Profile);
        var errors = new List<FileError>();
        int episodes = 0, queued = 0, already = 0, stale = 0, invalid = 0;
        var inputError = false;
        try
        {
            await foreach (var result in ProfileMapper.MapFileAsync(profile, path, cancellationToken).ConfigureAwait(false))
            {
                if (result.IsInputError)
                {
                    inputError = true;
                    errors.AddRange(result.Errors.Select(e => new FileError(name, e.Row, e.Column, "MAPPING", e.Message)));
                    break;
                }

                episodes++;
                if (!result.IsMapped)
                {
                    invalid++;
                    errors.AddRange(result.Errors.Select(e => new FileError(name, e.Row, e.Column, "MAPPING", e.Message)));
                    continue;
                }

                var report = await _validator.ValidateAsync(result.Json, cancellationToken).ConfigureAwait(false);
                var submission = report.IsValid ? result.Submission : null;
                if (submission is not null && _options.Organisation is { Length: > 0 } organisation
                    && !string.Equals(submission.Submitter.OrganisationCode, organisation, StringComparison.Ordinal))
                {
                    invalid++;
                    errors.Add(new FileError(name, result.Row, "", "ORGANISATION", $"The episode is for organisation {submission.Submitter.OrganisationCode}; this folder takes only {organisation}."));
                    continue;
                }

                if (submission is null)
                {
                    invalid++;
                    errors.AddRange(report.Issues.Where(i => i.Severity == ValidationSeverity.Error)
                        .Select(i => new FileError(name, result.Row, i.Path, i.Code, i.Message)));
                    continue;
                }

                // The validated bytes themselves: the mapper writes what the serialiser would, so nothing is serialised again.
                var queuedResult = await queue.EnqueueAsync(PreparedSubmission.From(result), cancellationToken).ConfigureAwait(false);
                _ = queuedResult.Outcome switch
                {
                    OutboxEnqueueOutcome.Queued => queued++,
                    OutboxEnqueueOutcome.Duplicate => already++,
                    _ => stale++,
                };
            }
        }
        catch (IOException ex)
        {
            inputError = true;
            errors.Add(new FileError(name, 0, "", "READ", "The file could not be read: " + ex.GetType().Name + "."));
        }

        return new Summary
        {
            File = name,
            ContentHash = hash,
            IngestedAt = Time.GetUtcNow(),
            Episodes = episodes,
            Queued = queued,
            AlreadyQueued = already,
            Stale = stale,
            Invalid = invalid,
            Rejected = inputError || queued + already + stale == 0,
            Errors = errors,
        };
    }

    /// <summary>The name in processed/ or rejected/: the file's own, or with its hash's first characters when taken.</summary>
    private static string Destination(string folder, string name, string hash) =>
        File.Exists(System.IO.Path.Combine(folder, name))
            ? System.IO.Path.GetFileNameWithoutExtension(name) + "." + hash.Substring("sha256:".Length, 12) + System.IO.Path.GetExtension(name)
            : name;

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, useAsync: true);
        using var sha = SHA256.Create();
        var buffer = new byte[65536];
        int read;
        while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sha.TransformBlock(buffer, 0, read, null, 0);
        }

        sha.TransformFinalBlock(buffer, 0, 0);
        return "sha256:" + string.Concat(sha.Hash!.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes beside the target, flushes to disk, then renames over it: a reader (or a restart) sees all or nothing.</summary>
    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
        }

#if NET8_0_OR_GREATER
        File.Move(temporary, path, overwrite: true);
#else
        if (File.Exists(path))
        {
            File.Replace(temporary, path, null);
        }
        else
        {
            File.Move(temporary, path);
        }
#endif
    }

    private readonly record struct Sighting(long Length, DateTime LastWrite, long Since);
}
