using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Hosting;

/// <summary>The drop folder the options name, if any (a holder, so the container can give "none").</summary>
internal sealed record DropFolderHolder(DropFolderIngestor? Ingestor) : IDisposable
{
    public void Dispose() => Ingestor?.Dispose();
}

/// <summary>
/// Drains the outbox for as long as the host runs: wakes as soon as something is queued through
/// <see cref="SubmissionQueue"/> (and every <see cref="RegistryWorkerOptions.PollInterval"/> regardless), sends with
/// bounded concurrency through <see cref="BatchSubmitter"/>, and sends again what stayed pending after
/// <see cref="RegistryWorkerOptions.RetryInterval"/>, or later when the registry's <c>Retry-After</c> or an open circuit
/// asks for longer (an opened circuit also stops the drain starting further cases). On host shutdown no further
/// version starts; versions in flight finish and are recorded unless the host's shutdown timeout passes first, in
/// which case they stay pending and their idempotency keys make the next send a replay: nothing lost, nothing stored twice.
/// </summary>
internal sealed class OutboxDrainWorker : BackgroundService
{
    private readonly SubmissionQueue _queue;
    private readonly VenousRegistryClient _client;
    private readonly RegistryWorkerState _state;
    private readonly OutboxMetrics _metrics;
    private readonly RegistryCircuit _circuit;
    private readonly RegistryBackPressure _backPressure;
    private readonly DropFolderIngestor? _dropFolder;
    private readonly IOptions<RegistryWorkerOptions> _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private long _notBefore; // TimeProvider timestamp before which no drain starts (Retry-After); 0 when free

    public OutboxDrainWorker(SubmissionQueue queue, VenousRegistryClient client, RegistryWorkerState state, OutboxMetrics metrics, RegistryCircuit circuit,
        RegistryBackPressure backPressure, IOptions<RegistryWorkerOptions> options, ILoggerFactory loggers, DropFolderHolder dropFolder)
    {
        _queue = queue;
        _client = client;
        _state = state;
        _metrics = metrics;
        _circuit = circuit;
        _backPressure = backPressure;
        _options = options;
        _dropFolder = dropFolder.Ingestor;
        _logger = loggers.CreateLogger(WorkerLog.Category);
    }

    private TimeProvider Time => _state.Time;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        WorkerLog.Stopping(_logger);

        // The host's shutdown timeout: abandon what is still in flight (it stays pending, and is replayed next start).
        using (cancellationToken.Register(() => _abort.Cancel()))
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _options.Value;
        WorkerLog.Started(_logger, options.Concurrency, (long)options.RetryInterval.TotalMilliseconds, (long)options.PollInterval.TotalMilliseconds);
        await Task.Yield(); // never hold up the host's start
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _state.TakeWake();
            var wait = options.PollInterval;
            try
            {
                await WaitOutHoldAsync(stoppingToken).ConfigureAwait(false);
                var outbox = await _queue.GetOutboxAsync(stoppingToken).ConfigureAwait(false);
                if (_dropFolder is not null)
                {
                    var next = await _dropFolder.ScanAsync(_queue, stoppingToken).ConfigureAwait(false);
                    wait = next < wait ? next : wait;
                }

                var summary = await DrainOnceAsync(outbox, options, stoppingToken).ConfigureAwait(false);
                _state.OutboxRecovered(); // every answer of this drain was recorded
                await _state.ObserveAsync(outbox, CancellationToken.None).ConfigureAwait(false);
                if (summary.Created + summary.Amended + summary.Unchanged + summary.Stale + summary.Rejected + summary.Conflicts + summary.Withdrawn > 0)
                {
                    WorkerLog.Drained(_logger, summary.Created, summary.Amended, summary.Unchanged, summary.Stale, summary.Rejected, summary.Conflicts, summary.Withdrawn, summary.Pending);
                }

                if (summary.Unauthorized)
                {
                    WorkerLog.Unauthorized(_logger, (long)options.RetryInterval.TotalMilliseconds);
                }

                if (summary.Pending > 0)
                {
                    wait = options.RetryInterval < wait ? options.RetryInterval : wait;
                    Hold(Longest(summary.HoldBack, _circuit.Remaining, _backPressure.Remaining));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (OutboxUnavailableException ex)
            {
                _state.OutboxFailed(ex);
                wait = options.RetryInterval;
                WorkerLog.OutboxUnavailable(_logger, ex.Problem, ex.Message, (long)wait.TotalMilliseconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A worker service must not die on one bad run: the outbox still holds everything, so try again later.
                wait = options.RetryInterval;
                WorkerLog.Failed(_logger, (long)wait.TotalMilliseconds, ex);
            }

            await WaitAsync(wake, wait, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task<BatchSummary> DrainOnceAsync(SubmissionOutbox outbox, RegistryWorkerOptions options, CancellationToken stoppingToken)
    {
        using var stopStarting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var submitter = new BatchSubmitter(_client, outbox, Time);
        return await submitter.DrainAsync(options.Concurrency, progress: null, (entry, result) =>
        {
            _metrics.Answered(entry, result);
            _state.Answered(result);
            if (result.Status == SubmissionStatus.TransientFailure && _circuit.IsOpen)
            {
                // The circuit opened: every further send would fail fast. Start no more; the worker waits out the break.
                stopStarting.Cancel();
            }
        }, stopStarting.Token, _abort.Token).ConfigureAwait(false);
    }

    private void Hold(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
        {
            Interlocked.Exchange(ref _notBefore, Time.GetTimestamp() + (long)(wait.TotalSeconds * Time.TimestampFrequency));
        }
    }

    /// <summary>Waits out a registry's Retry-After and an open circuit's break before a drain, whatever woke the worker.</summary>
    private async Task WaitOutHoldAsync(CancellationToken stoppingToken)
    {
        var notBefore = Interlocked.Read(ref _notBefore);
        var held = notBefore == 0 ? TimeSpan.Zero : -Time.GetElapsedTime(notBefore);
        var wait = Longest(held, _circuit.Remaining, _backPressure.Remaining);
        if (wait > TimeSpan.Zero)
        {
            WorkerLog.Waiting(_logger, (long)wait.TotalMilliseconds, _circuit.IsOpen ? "the circuit is open" : "the registry asked to wait (Retry-After)");
            await TimeProviderDelay.Delay(Time, wait, stoppingToken).ConfigureAwait(false);
        }

        Interlocked.Exchange(ref _notBefore, 0);
    }

    private async Task WaitAsync(Task wake, TimeSpan wait, CancellationToken stoppingToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = TimeProviderDelay.Delay(Time, wait, timer.Token);
        await Task.WhenAny(wake, delay).ConfigureAwait(false);
        timer.Cancel();
        try
        {
            await delay.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // woken, or stopping
        }
    }

    private static TimeSpan Longest(params TimeSpan[] waits) => waits.Max();
}
