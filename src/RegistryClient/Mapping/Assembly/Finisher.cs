using System.Collections.Concurrent;

namespace RegistryClient.Mapping;

/// <summary>
/// Finishes episodes (converts their cells, derives fields, writes the document) a batch at a time on the thread pool
/// while the reader goes on reading, so a large export uses every core; results keep the input's order. At most one
/// batch per processor is in flight, which bounds memory however long the export.
/// </summary>
/// <param name="reuseDocuments">Whether the caller takes each document before asking for the next, so a batch's
/// documents can share pooled chunks that are reused once the batch is handed on (<see cref="FinishedBatch.Release"/>).</param>
internal sealed class Finisher(bool reuseDocuments = false)
{
    private const int BatchSize = 256;
    private readonly int _inFlight = Math.Max(1, Environment.ProcessorCount);
    private readonly ConcurrentBag<byte[]>? _chunks = reuseDocuments ? new() : null;
    private readonly ConcurrentBag<(DocumentWriter Writer, InstancePool Pool)> _workspaces = new(); // kept from batch to batch, with their memos
    private readonly Queue<Task<FinishedBatch>> _running = new();
    private List<object> _batch = new(BatchSize);

    /// <summary>Queues an episode, or a result already known (a row that failed on its own); true when a batch is full.</summary>
    public bool Add(object item)
    {
        _batch.Add(item);
        return _batch.Count >= BatchSize;
    }

    /// <summary>Starts finishing the full batch and returns the results of the earlier batches that are done (waiting
    /// for the oldest only when every processor already has a batch).</summary>
    public async Task<List<FinishedBatch>> RotateAsync(CancellationToken cancellationToken)
    {
        var batch = _batch;
        _batch = new List<object>(BatchSize);
        _running.Enqueue(Task.Run(() => FinishAll(batch), cancellationToken));
        var done = new List<FinishedBatch>();
        while (_running.Count > _inFlight || (_running.Count > 0 && _running.Peek().IsCompleted))
        {
            done.Add(await _running.Dequeue().ConfigureAwait(false));
        }

        return done;
    }

    /// <summary>The results of every batch still queued or running, in order.</summary>
    public async Task<List<FinishedBatch>> DrainAsync()
    {
        var done = new List<FinishedBatch>();
        while (_running.Count > 0)
        {
            done.Add(await _running.Dequeue().ConfigureAwait(false));
        }

        done.Add(FinishAll(_batch));
        _batch = [];
        return done;
    }

    private FinishedBatch FinishAll(List<object> batch)
    {
        var (writer, pool) = _workspaces.TryTake(out var workspace) ? workspace : (new DocumentWriter(), new InstancePool());
        var chunks = _chunks is null ? null : new DocumentChunks(_chunks);
        var results = new MappingResult[batch.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = batch[i] as MappingResult ?? Finish((Episode)batch[i], writer, pool, chunks);
        }

        _workspaces.Add((writer, pool));
        return new FinishedBatch(results, chunks);
    }

    private static MappingResult Finish(Episode episode, DocumentWriter writer, InstancePool pool, DocumentChunks? chunks)
    {
        episode.Convert(pool);
        if (episode.Errors.Count == 0)
        {
            episode.Derive();
        }

        // no document (empty) when writing found an error
        var json = episode.Errors.Count > 0 || !writer.WriteDocument(episode) ? default
            : chunks is null ? writer.Written.ToArray() : chunks.Add(writer.Written);
        pool.ReturnAll(); // the episode's values are in its document (or its errors) now
        return new MappingResult
        {
            Source = episode.Source,
            Row = episode.FirstRow,
            Rows = episode.Rows,
            Json = json,
            Errors = episode.Errors,
        };
    }
}

/// <summary>A batch's results, in input order, and the chunks their documents are in (when they are pooled).</summary>
internal sealed class FinishedBatch(MappingResult[] results, DocumentChunks? chunks)
{
    public MappingResult[] Results { get; } = results;

    /// <summary>Every result has been handed on and its document taken: the chunks may be reused.</summary>
    public void Release() => chunks?.Release();
}
