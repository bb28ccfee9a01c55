namespace RegistryClient.Outbox.Sqlite;

/// <summary>
/// The one-process-at-a-time guard of an outbox: an exclusive lock on <c>OUTBOX.lock</c> next to the file, held for as
/// long as the outbox is open. The operating system releases it when the process ends in any way (even SIGKILL), so a
/// crashed run never blocks the next one. The lock file is left in place: deleting it would let a waiting process lock
/// an unlinked file while a third creates a new one.
/// </summary>
internal sealed class OutboxFileLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _stream;

    private OutboxFileLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>; null when another process still holds it then.</summary>
    public static async Task<OutboxFileLock?> AcquireAsync(string outboxPath, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var lockPath = outboxPath + ".lock";
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                // FileShare.None: LockFileEx on Windows, flock(LOCK_EX) on Unix; both end with the process.
                return new OutboxFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException ex) when (ex is not (DirectoryNotFoundException or PathTooLongException or FileNotFoundException or DriveNotFoundException))
            {
                // held by another process (a sharing violation): wait for it, up to the timeout
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                return null;
            }

#if NET8_0_OR_GREATER
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
#else
            await TimeProviderTaskExtensions.Delay(time, PollInterval, cancellationToken).ConfigureAwait(false);
#endif
        }
    }

    public void Dispose() => _stream.Dispose();
}
