namespace RegistryClient.Mapping;

/// <summary>
/// Finishes episodes (derived fields, the document, the typed submission) a batch at a time on a second thread while
/// the next batch is read and converted, so a large export uses two cores; results keep the input's order. At most
/// one batch is being finished at any time, so one <see cref="DocumentWriter"/> serves them all.
/// </summary>
internal sealed class Finisher
{
    private const int BatchSize = 512;
    private readonly DocumentWriter _writer = new();
    private List<object> _batch = new(BatchSize);
    private Task<MappingResult[]>? _running;

    /// <summary>Queues an episode, or a result already known (a row that failed on its own); true when a batch is full.</summary>
    public bool Add(object item)
    {
        _batch.Add(item);
        return _batch.Count >= BatchSize;
    }

    /// <summary>Starts finishing the full batch and returns the previous batch's results.</summary>
    public async Task<MappingResult[]> RotateAsync(CancellationToken cancellationToken)
    {
        var previous = _running is null ? [] : await _running.ConfigureAwait(false);
        var batch = _batch;
        _batch = new List<object>(BatchSize);
        _running = Task.Run(() => FinishAll(batch), cancellationToken);
        return previous;
    }

    /// <summary>The results of every batch still queued or running.</summary>
    public async Task<MappingResult[]> DrainAsync()
    {
        var previous = _running is null ? [] : await _running.ConfigureAwait(false);
        _running = null;
        var last = FinishAll(_batch);
        _batch = [];
        return previous.Length == 0 ? last : previous.Concat(last).ToArray();
    }

    private MappingResult[] FinishAll(List<object> batch)
    {
        var results = new MappingResult[batch.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = batch[i] as MappingResult ?? Finish((Episode)batch[i]);
        }

        return results;
    }

    private MappingResult Finish(Episode episode)
    {
        if (episode.Errors.Count == 0)
        {
            episode.Derive();
        }

        var submission = episode.Errors.Count == 0 ? _writer.Write(episode) : null;
        return new MappingResult
        {
            Source = episode.Source,
            Row = episode.FirstRow,
            Rows = episode.Rows,
            Submission = episode.Errors.Count == 0 ? submission : null,
            Errors = episode.Errors,
        };
    }
}
