using Microsoft.Data.Sqlite;

namespace RegistryClient.Testing.Storage;

/// <summary>
/// After a withdrawal, empties the write-ahead log so that no page image of an erased document survives in it. A
/// TRUNCATE checkpoint folds the log into the database and cuts it to zero bytes, but cannot while a reader still reads
/// from the log; then it is retried in the background on the sandbox's clock (100 ms, doubling to at most 5 s) until it
/// succeeds, and no longer once the store is disposed.
/// </summary>
internal sealed class WalErasure : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(5);

    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly SemaphoreSlim _writer;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private TimeSpan _nextDelay = FirstRetry;
    private Task _retry = Task.CompletedTask;
    private bool _disposed;

    public WalErasure(Func<CancellationToken, Task<SqliteConnection>> open, SemaphoreSlim writer, TimeProvider time)
    {
        _open = open;
        _writer = writer;
        _time = time;
    }

    /// <summary>Whether a checkpoint is still owed (a reader held the log at the last attempt).</summary>
    public bool Pending
    {
        get
        {
            lock (_lock)
            {
                return _timer is not null || !_retry.IsCompleted;
            }
        }
    }

    /// <summary>Checkpoints now; when readers block it, keeps retrying in the background until the log is empty.</summary>
    public async Task EraseAsync(CancellationToken cancellationToken)
    {
        if (!await TryCheckpointAsync(cancellationToken))
        {
            Schedule();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task retry;
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            retry = _retry;
        }

        await _stopping.CancelAsync();
        try
        {
            await retry;
        }
        catch (OperationCanceledException)
        {
            // stopped mid-attempt: the last connection to close checkpoints the log anyway
        }

        _stopping.Dispose();
    }

    private void Schedule()
    {
        lock (_lock)
        {
            if (_disposed || _timer is not null)
            {
                return;
            }

            _timer = _time.CreateTimer(_ => Retry(), null, _nextDelay, Timeout.InfiniteTimeSpan);
            _nextDelay = TimeSpan.FromTicks(Math.Min(_nextDelay.Ticks * 2, LongestRetry.Ticks));
        }
    }

    private void Retry()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            if (_disposed)
            {
                return;
            }

            _retry = RetryAsync();
        }
    }

    private async Task RetryAsync()
    {
        await Task.Yield(); // off the timer's thread (a fake clock's Advance), and out of the lock
        bool done;
        try
        {
            done = await TryCheckpointAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (SqliteException)
        {
            done = false; // the database is in trouble: try again at the next tick
        }

        if (done)
        {
            lock (_lock)
            {
                _nextDelay = FirstRetry;
            }
        }
        else
        {
            Schedule();
        }
    }

    /// <summary>One TRUNCATE checkpoint, under the writer lock so the sandbox's own writes never make it busy. True when
    /// the log was folded in whole and emptied (not busy, every frame checkpointed).</summary>
    private async Task<bool> TryCheckpointAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await _open(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            // busy: 1 when a reader (or writer) kept it from finishing; log and checkpointed: frames in the log and
            // frames folded in (both 0 once TRUNCATE has emptied it).
            var busy = reader.GetInt64(0);
            var log = reader.GetInt64(1);
            var checkpointed = reader.GetInt64(2);
            return busy == 0 && log == checkpointed;
        }
        finally
        {
            _writer.Release();
        }
    }
}
