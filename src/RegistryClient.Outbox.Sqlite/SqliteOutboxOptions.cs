namespace RegistryClient.Outbox.Sqlite;

/// <summary>How <see cref="SqliteSubmissionOutbox"/> opens its file.</summary>
public sealed class SqliteOutboxOptions
{
    /// <summary>
    /// How long to wait for another process that holds the outbox before refusing with
    /// <see cref="OutboxProblem.InUse"/>. Default 5 seconds; <see cref="TimeSpan.Zero"/> refuses at once.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for timestamps and for the lock wait. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
