using RegistryClient.Http;
using RegistryClient.Model;

namespace RegistryClient.Outbox;

/// <summary>Progress of a drain, reported after every submission.</summary>
/// <param name="Done">Submissions finished in this run (any outcome).</param>
/// <param name="Total">Submissions pending when the run began.</param>
/// <param name="Last">The last outcome.</param>
public sealed record SubmitProgress(int Done, int Total, SubmissionStatus Last);

/// <summary>What a drain did.</summary>
public sealed record BatchSummary
{
    /// <summary>Stored by the registry now.</summary>
    public int Accepted { get; init; }

    /// <summary>Already stored by the registry (an earlier run's lost response, say).</summary>
    public int Replayed { get; init; }

    /// <summary>Refused for good; not sent again.</summary>
    public int Rejected { get; init; }

    /// <summary>Still pending after this run (transient failures); the next run sends them.</summary>
    public int Pending { get; init; }

    /// <summary>True when the registry refused the credentials and the run stopped early.</summary>
    public bool Unauthorized { get; init; }
}

/// <summary>
/// Drains an outbox into the registry with bounded concurrency. The registry's 429/503 Retry-After pauses the whole
/// batch, not just the caller that saw it; permanent rejections are recorded and dropped; transient failures stay
/// pending for the next run. Safe to stop at any point: nothing is lost, and the idempotency keys mean nothing is
/// stored twice.
/// </summary>
public sealed class BatchSubmitter
{
    private readonly VenousRegistryClient _client;
    private readonly ISubmissionOutbox _outbox;

    /// <summary>Creates a submitter over <paramref name="outbox"/>.</summary>
    public BatchSubmitter(VenousRegistryClient client, ISubmissionOutbox outbox)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
    }

    /// <summary>Queues a validated submission (a no-op when its key is already queued); returns the stored entry.</summary>
    public Task<OutboxEntry> EnqueueAsync(Submission submission, CancellationToken cancellationToken = default)
    {
        if (submission is null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission);
        return _outbox.EnqueueAsync(new OutboxEntry
        {
            IdempotencyKey = IdempotencyKey.For(submission, body),
            LocalRecordId = submission.LocalRecordId,
            OrganisationCode = submission.Submitter.OrganisationCode,
            Body = body,
        }, cancellationToken);
    }

    /// <summary>Sends every pending entry once (each with the client's own retries) and records the outcomes.</summary>
    public async Task<BatchSummary> DrainAsync(int concurrency, IProgress<SubmitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (concurrency is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(concurrency), "Concurrency is 1 to 256.");
        }

        var pending = await _outbox.PendingAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
        int accepted = 0, replayed = 0, rejected = 0, stillPending = 0, done = 0, unauthorized = 0;
        var resumeAt = 0L; // Stopwatch timestamp before which no worker sends (shared back-pressure); 0 when not held
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(concurrency, concurrency);
        var workers = new List<Task>(pending.Count);
        foreach (var entry in pending)
        {
            try
            {
                await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break; // stopped early (credentials refused): the rest stay pending
            }

            workers.Add(Task.Run(async () =>
            {
                try
                {
                    var wait = Interlocked.Read(ref resumeAt) - System.Diagnostics.Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / System.Diagnostics.Stopwatch.Frequency), stop.Token).ConfigureAwait(false);
                    }

                    SubmissionResult result;
                    try
                    {
                        var submission = JsonSerializer.Deserialize(entry.Body, RegistryJsonContext.Default.Submission)!;
                        result = await _client.SubmitAsync(submission, stop.Token).ConfigureAwait(false);
                    }
                    catch (RegistryException ex)
                    {
                        result = new SubmissionResult { Status = SubmissionStatus.TransientFailure, IdempotencyKey = entry.IdempotencyKey, HttpStatus = ex.Status, Detail = ex.Message };
                    }

                    switch (result.Status)
                    {
                        case SubmissionStatus.Created or SubmissionStatus.Amended or SubmissionStatus.Unchanged:
                            await _outbox.MarkAcceptedAsync(entry.IdempotencyKey, result.Receipt!.Id, CancellationToken.None).ConfigureAwait(false);
                            Interlocked.Increment(ref result.Status == SubmissionStatus.Unchanged ? ref replayed : ref accepted);
                            break;
                        case SubmissionStatus.Rejected or SubmissionStatus.Conflict or SubmissionStatus.Withdrawn:
                            var reason = result.Status == SubmissionStatus.Conflict
                                ? "conflict: " + (result.Detail ?? "the registry refused the write")
                                : result.Status == SubmissionStatus.Withdrawn
                                ? "withdrawn: the registry holds this case as withdrawn"
                                : "rejected: " + string.Join(", ", result.Errors.Select(e => $"{e.Code} {e.Pointer}"));
                            await _outbox.MarkRejectedAsync(entry.IdempotencyKey, reason, CancellationToken.None).ConfigureAwait(false);
                            Interlocked.Increment(ref rejected);
                            break;
                        case SubmissionStatus.Unauthorized or SubmissionStatus.Forbidden:
                            await _outbox.MarkAttemptFailedAsync(entry.IdempotencyKey, "unauthorized", CancellationToken.None).ConfigureAwait(false);
                            Interlocked.Increment(ref stillPending);
                            Interlocked.Exchange(ref unauthorized, 1);
                            stop.Cancel();
                            break;
                        default:
                            if (result.RetryAfter is { } retryAfter)
                            {
                                Interlocked.Exchange(ref resumeAt, System.Diagnostics.Stopwatch.GetTimestamp() + (long)(retryAfter.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
                            }

                            await _outbox.MarkAttemptFailedAsync(entry.IdempotencyKey, result.Detail ?? "transient failure", CancellationToken.None).ConfigureAwait(false);
                            Interlocked.Increment(ref stillPending);
                            break;
                    }

                    progress?.Report(new SubmitProgress(Interlocked.Increment(ref done), pending.Count, result.Status));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref stillPending);
                }
                finally
                {
                    gate.Release();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var counts = await _outbox.CountAsync(CancellationToken.None).ConfigureAwait(false);
        return new BatchSummary { Accepted = accepted, Replayed = replayed, Rejected = rejected, Pending = counts.Pending, Unauthorized = unauthorized == 1 };
    }
}
