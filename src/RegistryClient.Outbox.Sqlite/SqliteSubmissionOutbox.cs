using Microsoft.Data.Sqlite;

namespace RegistryClient.Outbox.Sqlite;

/// <summary>
/// The outbox in a SQLite file (WAL journal, synchronous=FULL: an enqueue is on disk before the method returns).
/// Safe for concurrent use within a process; a second process on the same file waits for its turn (busy timeout).
/// </summary>
public sealed class SqliteSubmissionOutbox : ISubmissionOutbox, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteSubmissionOutbox(string connectionString) => _connectionString = connectionString;

    /// <summary>Opens (creating if needed) the outbox at <paramref name="path"/>.</summary>
    public static async Task<SqliteSubmissionOutbox> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("An outbox file path is required.", nameof(path));
        }

#if NETFRAMEWORK
        NativeSqlite.EnsureLoaded(); // an AnyCPU .NET Framework app finds the native library under runtimes/ only this way
#endif

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ConnectionString;
        var outbox = new SqliteSubmissionOutbox(connectionString);
        using var connection = await outbox.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS outbox (
                idempotency_key TEXT PRIMARY KEY,
                local_record_id TEXT NOT NULL,
                organisation_code TEXT NOT NULL,
                body BLOB NOT NULL,
                state INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                receipt_id TEXT,
                enqueued_at TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, enqueued_at);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return outbox;
    }

    /// <inheritdoc />
    public async Task<OutboxEntry> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        if (entry is null)
        {
            throw new ArgumentNullException(nameof(entry));
        }

        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using (var insert = connection.CreateCommand())
            {
                insert.CommandText = """
                    INSERT INTO outbox (idempotency_key, local_record_id, organisation_code, body, state, enqueued_at, updated_at)
                    VALUES ($key, $local, $org, $body, 0, $now, $now)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """;
                insert.Parameters.AddWithValue("$key", entry.IdempotencyKey);
                insert.Parameters.AddWithValue("$local", entry.LocalRecordId);
                insert.Parameters.AddWithValue("$org", entry.OrganisationCode);
                insert.Parameters.AddWithValue("$body", entry.Body);
                insert.Parameters.AddWithValue("$now", Now());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (await QueryAsync(connection, "WHERE idempotency_key = $key", 1, cancellationToken, ("$key", entry.IdempotencyKey)).ConfigureAwait(false))[0];
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, "WHERE state = 0 ORDER BY enqueued_at, idempotency_key", limit, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task MarkAcceptedAsync(string idempotencyKey, string receiptId, CancellationToken cancellationToken) =>
        UpdateAsync("state = 1, receipt_id = $value, last_error = NULL, attempts = attempts + 1", idempotencyKey, receiptId, cancellationToken);

    /// <inheritdoc />
    public Task MarkRejectedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken) =>
        UpdateAsync("state = 2, last_error = $value, attempts = attempts + 1", idempotencyKey, reason, cancellationToken);

    /// <inheritdoc />
    public Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken) =>
        UpdateAsync("last_error = $value, attempts = attempts + 1", idempotencyKey, reason, cancellationToken);

    /// <inheritdoc />
    public async Task<OutboxCounts> CountAsync(CancellationToken cancellationToken)
    {
        using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COUNT(*) FROM outbox GROUP BY state";
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        int pending = 0, accepted = 0, rejected = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch ((OutboxState)reader.GetInt32(0))
            {
                case OutboxState.Pending: pending = reader.GetInt32(1); break;
                case OutboxState.Accepted: accepted = reader.GetInt32(1); break;
                default: rejected = reader.GetInt32(1); break;
            }
        }

        return new OutboxCounts(pending, accepted, rejected);
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    private async Task UpdateAsync(string set, string key, string value, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE outbox SET {set}, updated_at = $now WHERE idempotency_key = $key";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value);
            command.Parameters.AddWithValue("$now", Now());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    private static async Task<List<OutboxEntry>> QueryAsync(SqliteConnection connection, string where, int limit, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT idempotency_key, local_record_id, organisation_code, body, state, attempts, last_error, receipt_id FROM outbox {where} LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<OutboxEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new OutboxEntry
            {
                IdempotencyKey = reader.GetString(0),
                LocalRecordId = reader.GetString(1),
                OrganisationCode = reader.GetString(2),
                Body = (byte[])reader.GetValue(3),
                State = (OutboxState)reader.GetInt32(4),
                Attempts = reader.GetInt32(5),
                LastError = reader.IsDBNull(6) ? null : reader.GetString(6),
                ReceiptId = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return entries;
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
