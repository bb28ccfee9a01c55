using System.Collections.Concurrent;

namespace RegistryClient.Mapping;

/// <summary>
/// Where a batch's documents are kept when the caller takes each one before asking for the next (<c>registry map</c>
/// writes each straight to its output): packed into 64 KiB chunks that go back to the mapping's shared pool once the
/// batch has been handed on, instead of a new array per document (the largest allocation left in a mapping, and the
/// bytes that had to survive a collection while the batch waited its turn). Not thread-safe, except for the pool.
/// </summary>
internal sealed class DocumentChunks(ConcurrentBag<byte[]> pool)
{
    /// <summary>Below the large-object threshold, so a chunk is an ordinary young object until it is pooled.</summary>
    public const int ChunkSize = 64 * 1024;

    private readonly List<byte[]> _chunks = [];
    private int _used = ChunkSize;

    /// <summary>A copy of <paramref name="document"/> in the batch's current chunk (a new one when it does not fit).</summary>
    public ReadOnlyMemory<byte> Add(ReadOnlySpan<byte> document)
    {
        if (document.Length > ChunkSize)
        {
            return document.ToArray(); // a document this large is rare: it gets its own array, never pooled
        }

        if (ChunkSize - _used < document.Length)
        {
            _chunks.Add(pool.TryTake(out var chunk) ? chunk : new byte[ChunkSize]);
            _used = 0;
        }

        var target = _chunks[_chunks.Count - 1].AsMemory(_used, document.Length);
        document.CopyTo(target.Span);
        _used += document.Length;
        return target;
    }

    /// <summary>Gives the chunks back to the pool: every document of the batch has been taken.</summary>
    public void Release()
    {
        foreach (var chunk in _chunks)
        {
            pool.Add(chunk);
        }

        _chunks.Clear();
        _used = ChunkSize;
    }
}
