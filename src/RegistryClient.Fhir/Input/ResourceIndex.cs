using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;

namespace RegistryClient.Fhir.Input;

/// <summary>Where one resource's JSON is: its file, byte range and line, its type and id.</summary>
internal readonly record struct ResourceEntry(int File, long Offset, int Length, int Line, string Type, string? Id)
{
    public string Reference => Id is null ? Type : Type + "/" + Id;
}

/// <summary>A line or Bundle entry that is not a resource (not JSON, no resourceType, nested too deeply).</summary>
internal sealed record ScanProblem(string File, int Line, string Message);

/// <summary>
/// The input's resources, found in one pass over every file: for each resource only its location (file, byte range,
/// line), type and id (by estimate 200-300 bytes with its key strings), never its content, plus which resources point at an anchor-type resource.
/// Files are memory-mapped, so a resource's JSON is read from the operating system's page cache when it is needed
/// (an anchor when it is mapped, another resource when an expression resolves it) and parsed then.
/// </summary>
internal sealed class ResourceIndex : IDisposable
{
    /// <summary>The largest resource (one NDJSON line or Bundle entry) read: larger ones are an error, not a buffer.</summary>
    public const int MaxResourceBytes = 16 * 1024 * 1024;

    /// <summary>How deep a resource's JSON may nest (R4 resources need well under 20 levels; Bundles add 3).</summary>
    public const int MaxDepth = 64;

    private static readonly byte[] ReferenceName = "reference"u8.ToArray();
    private readonly List<MappedFile> _files = [];
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _duplicates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string File, int Line)> _broken = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _fullUrls = [];
    private readonly List<(int Source, string Target)> _rawReferrals = [];
    private Dictionary<int, List<int>>? _referrers;
    private readonly string _anchorType;

    private ResourceIndex(string anchorType) => _anchorType = anchorType;

    public List<ResourceEntry> Entries { get; } = [];

    /// <summary>Anchor-type resources, by entry, in input order.</summary>
    public List<int> Anchors { get; } = [];

    public List<ScanProblem> Problems { get; } = [];

    public IReadOnlyList<string> FileNames => _files.Select(f => f.Path).ToList();

    public string FileName(int file) => _files[file].Path;

    /// <summary>Indexes a Bundle or resource (<c>.json</c>), a Bulk Data file (<c>.ndjson</c>), or every such file in a
    /// folder (recursively, in ordinal order of path).</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static ResourceIndex Build(string path, string anchorType, CancellationToken cancellationToken)
    {
        var index = new ResourceIndex(anchorType);
        try
        {
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(f => f, StringComparer.Ordinal).ToList()
                : [path];
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                index.Add(file);
            }

            index.LinkReferrers();
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>The JSON of a resource (valid while the index is open).</summary>
    public ReadOnlySpan<byte> Json(in ResourceEntry entry) => _files[entry.File].Span(entry.Offset, entry.Length);

    /// <summary>Finds the resource a reference names: <c>Type/id</c> (relative, or at the end of an absolute URL, with
    /// any <c>_history</c> dropped), or a Bundle entry's <c>fullUrl</c> (such as <c>urn:uuid:...</c>).</summary>
    public ResolveOutcome Find(string reference, out int entry)
    {
        entry = -1;
        var key = Key(reference);
        if (key is null)
        {
            return ResolveOutcome.NotFound;
        }

        if (_duplicates.Contains(key) || (_broken.ContainsKey(key) && _byKey.ContainsKey(key)))
        {
            return ResolveOutcome.Ambiguous;
        }

        if (_broken.ContainsKey(key))
        {
            return ResolveOutcome.Unreadable;
        }

        return _byKey.TryGetValue(key, out entry) ? ResolveOutcome.Found : ResolveOutcome.NotFound;
    }

    /// <summary>The resources that hold a reference to <paramref name="entry"/> (an anchor-type resource), in input order.</summary>
    public IReadOnlyList<int> Referrers(int entry) => _referrers!.TryGetValue(entry, out var list) ? list : [];

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private void Add(string path)
    {
        var file = new MappedFile(path);
        var fileIndex = _files.Count;
        _files.Add(file);
        if (file.Length == 0)
        {
            Problems.Add(new ScanProblem(path, 1, "The file is empty."));
            return;
        }

        if (file.Length > int.MaxValue)
        {
            Problems.Add(new ScanProblem(path, 1, "The file is larger than 2 GB; split it, or export it as Bulk Data NDJSON."));
            return;
        }

        if (path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            AddLines(fileIndex, file);
        }
        else
        {
            AddJson(fileIndex, file);
        }
    }

    private void AddLines(int fileIndex, MappedFile file)
    {
        var all = file.Span(0, (int)file.Length);
        var offset = 0;
        var line = 0;
        while (offset < all.Length)
        {
            line++;
            var rest = all.Slice(offset);
            var end = rest.IndexOf((byte)'\n');
            var length = end < 0 ? rest.Length : end;
            var text = rest.Slice(0, length);
            if (text.Length > 0 && text[^1] == '\r')
            {
                text = text.Slice(0, text.Length - 1);
            }

            if (text.Trim(" \t"u8).Length > 0)
            {
                if (text.Length > MaxResourceBytes)
                {
                    Problems.Add(new ScanProblem(file.Path, line, $"The line is longer than {MaxResourceBytes / (1024 * 1024)} MB; no resource is that large."));
                }
                else
                {
                    AddResource(fileIndex, file.Path, offset, text, line, null);
                }
            }

            offset += length + 1;
        }
    }

    /// <summary>A Bundle (its entries' resources are indexed) or a single resource.</summary>
    private void AddJson(int fileIndex, MappedFile file)
    {
        var all = file.Span(0, (int)file.Length);
        var start = all.StartsWith("\xEF\xBB\xBF"u8) ? 3 : 0;
        var json = all.Slice(start);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth + 3, CommentHandling = JsonCommentHandling.Disallow });
        var entries = new List<(long Offset, int Length, int Line, string? FullUrl)>();
        string? resourceType = null;
        var (lastLine, lastOffset) = (1, 0L); // entries come in order: lines are counted on from the previous one
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                Problems.Add(new ScanProblem(file.Path, 1, "The file is not a JSON object (a FHIR Bundle or resource)."));
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("resourceType"u8))
                {
                    reader.Read();
                    resourceType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("entry"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        string? fullUrl = null;
                        (long, int, int)? resource = null;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            if (reader.ValueTextEquals("fullUrl"u8))
                            {
                                reader.Read();
                                fullUrl = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                            }
                            else if (reader.ValueTextEquals("resource"u8))
                            {
                                reader.Read();
                                var from = reader.TokenStartIndex;
                                lastLine += json.Slice((int)lastOffset, (int)(from - lastOffset)).Count((byte)'\n');
                                lastOffset = from;
                                var line = lastLine;
                                reader.Skip();
                                resource = (from, (int)(reader.BytesConsumed - from), line);
                            }
                            else
                            {
                                reader.Read();
                                reader.Skip();
                            }
                        }

                        if (resource is var (o, l, n))
                        {
                            entries.Add((o + start, l, n, fullUrl));
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            Problems.Add(new ScanProblem(file.Path, (int)(ex.LineNumber ?? 0) + 1,
                $"The file is not valid JSON, or nests deeper than {MaxDepth} levels, near column {(ex.BytePositionInLine ?? 0) + 1}; nothing in it was read."));
            return;
        }

        if (resourceType != "Bundle")
        {
            AddResource(fileIndex, file.Path, start, json, 1, null);
            return;
        }

        foreach (var (offset, length, line, fullUrl) in entries)
        {
            if (length > MaxResourceBytes)
            {
                Problems.Add(new ScanProblem(file.Path, line, $"The entry's resource is larger than {MaxResourceBytes / (1024 * 1024)} MB; no resource is that large."));
                continue;
            }

            AddResource(fileIndex, file.Path, offset, all.Slice((int)offset, length), line, fullUrl);
        }
    }

    private void AddResource(int fileIndex, string path, long offset, ReadOnlySpan<byte> json, int line, string? fullUrl)
    {
        string? type = null, id = null;
        var references = new List<string>();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("resourceType"u8))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String ? Intern(reader.GetString()!) : null;
                }
                else if (reader.CurrentDepth == 1 && reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals(ReferenceName))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        references.Add(reader.GetString()!);
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            if (type is not null && id is not null)
            {
                // Its type and id were read before the damage: a reference to it is an error, not a silent miss.
                _broken[type + "/" + id] = (path, line);
            }

            Problems.Add(new ScanProblem(path, line + (int)(ex.LineNumber ?? 0),
                ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                    ? $"The resource nests deeper than {MaxDepth} levels; it was not read."
                    : "The resource is not valid JSON (a truncated or damaged line?); it was not read."));
            return;
        }

        if (type is null)
        {
            Problems.Add(new ScanProblem(path, line, "The JSON has no resourceType, so it is not a FHIR resource; it was not read."));
            return;
        }

        var entryIndex = Entries.Count;
        Entries.Add(new ResourceEntry(fileIndex, offset, json.Length, line, type, id));
        if (type == _anchorType)
        {
            Anchors.Add(entryIndex);
        }

        if (id is not null)
        {
            Register(type + "/" + id, entryIndex);
        }

        if (fullUrl is not null)
        {
            _fullUrls[entryIndex] = fullUrl;
            Register(fullUrl, entryIndex);
        }

        foreach (var reference in references)
        {
            if (reference.StartsWith(_anchorType + "/", StringComparison.Ordinal) || reference.Contains("/" + _anchorType + "/") || reference.StartsWith("urn:", StringComparison.Ordinal))
            {
                _rawReferrals.Add((entryIndex, reference));
            }
        }
    }

    /// <summary>One string per resource type, however many resources have it.</summary>
    private string Intern(string type)
    {
        if (!_types.TryGetValue(type, out var interned))
        {
            _types[type] = interned = type;
        }

        return interned;
    }

    private void Register(string key, int entry)
    {
        if (!_byKey.TryAdd(key, entry))
        {
            _duplicates.Add(key);
        }
    }

    private void LinkReferrers()
    {
        _referrers = [];
        foreach (var (source, target) in _rawReferrals)
        {
            if (Find(target, out var entry) == ResolveOutcome.Found && Entries[entry].Type == _anchorType && entry != source)
            {
                if (!_referrers.TryGetValue(entry, out var list))
                {
                    _referrers[entry] = list = [];
                }

                if (list.Count == 0 || list[^1] != source)
                {
                    list.Add(source);
                }
            }
        }

        _rawReferrals.Clear();
        _rawReferrals.TrimExcess();
    }

    /// <summary><c>Type/id</c> from a relative or absolute reference, or the URN itself.</summary>
    internal static string? Key(string reference)
    {
        if (reference.Length == 0 || reference[0] == '#')
        {
            return null; // contained: resolved inside the resource by the FHIRPath engine
        }

        if (reference.StartsWith("urn:", StringComparison.Ordinal))
        {
            return reference;
        }

        var parts = reference.Split('/');
        var n = parts.Length;
        var history = Array.LastIndexOf(parts, "_history");
        if (history >= 2)
        {
            n = history;
        }

        return n >= 2 && parts[n - 2].Length > 0 && parts[n - 1].Length > 0 ? parts[n - 2] + "/" + parts[n - 1] : null;
    }

    /// <summary>A file mapped read-only into the address space: read on demand through the page cache.</summary>
    private sealed unsafe class MappedFile : IDisposable
    {
        private readonly MemoryMappedFile? _map;
        private readonly MemoryMappedViewAccessor? _view;
        private readonly byte* _pointer;

        public MappedFile(string path)
        {
            Path = path;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Length = stream.Length;
            if (Length == 0)
            {
                return;
            }

            _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + _view.PointerOffset;
        }

        public string Path { get; }

        public long Length { get; }

        public ReadOnlySpan<byte> Span(long offset, int length) => new(_pointer + offset, length);

        public void Dispose()
        {
            if (_view is not null)
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
                _view.Dispose();
            }

            _map?.Dispose();
        }
    }
}

/// <summary>What a reference led to.</summary>
internal enum ResolveOutcome
{
    Found,
    NotFound,
    Ambiguous,

    /// <summary>The resource is in the input but could not be read (not JSON, too deep); reported where it is.</summary>
    Unreadable,
}
