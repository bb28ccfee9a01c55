namespace RegistryClient.Mapping;

/// <summary>
/// Finishes episodes (converts their cells, derives fields, writes the document) a batch at a time on the thread pool
/// while the reader goes on reading, so a large export uses every core; results keep the input's order. At most one
/// batch per processor is in flight, which bounds memory however long the export.
/// </summary>
internal sealed class Finisher
{
    private const int BatchSize = 256;
    private readonly int _inFlight = Math.Max(1, Environment.ProcessorCount);
    private readonly Queue<Task<MappingResult[]>> _running = new();
    private List<object> _batch = new(BatchSize);

    /// <summary>Queues an episode, or a result already known (a row that failed on its own); true when a batch is full.</summary>
    public bool Add(object item)
    {
        _batch.Add(item);
        return _batch.Count >= BatchSize;
    }

    /// <summary>Starts finishing the full batch and returns the results of the earlier batches that are done (waiting
    /// for the oldest only when every processor already has a batch).</summary>
    public async Task<List<MappingResult>> RotateAsync(CancellationToken cancellationToken)
    {
        var batch = _batch;
        _batch = new List<object>(BatchSize);
        _running.Enqueue(Task.Run(() => FinishAll(batch), cancellationToken));
        var done = new List<MappingResult>();
        while (_running.Count > _inFlight || (_running.Count > 0 && _running.Peek().IsCompleted))
        {
            done.AddRange(await _running.Dequeue().ConfigureAwait(false));
        }

        return done;
    }

    /// <summary>The results of every batch still queued or running, in order.</summary>
    public async Task<List<MappingResult>> DrainAsync()
    {
        var done = new List<MappingResult>();
        while (_running.Count > 0)
        {
            done.AddRange(await _running.Dequeue().ConfigureAwait(false));
        }

        done.AddRange(FinishAll(_batch));
        _batch = [];
        return done;
    }

    private static MappingResult[] FinishAll(List<object> batch)
    {
        var writer = new DocumentWriter();
        var results = new MappingResult[batch.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = batch[i] as MappingResult ?? Finish((Episode)batch[i], writer);
        }

        return results;
    }

    private static MappingResult Finish(Episode episode, DocumentWriter writer)
    {
        episode.Convert();
        if (episode.Errors.Count == 0)
        {
            episode.Derive();
        }

        return new MappingResult
        {
            Source = episode.Source,
            Row = episode.FirstRow,
            Rows = episode.Rows,
            Json = episode.Errors.Count == 0 ? writer.Write(episode) : null, // null (no document) when writing found an error
            Errors = episode.Errors,
        };
    }
}
