using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RegistryClient.Http;
using RegistryClient.Model;

namespace RegistryClient.Outbox.Sqlite;

/// <summary>
/// The outbox in a SQLite file (WAL journal, synchronous=FULL: an enqueue is on disk before the method returns), one
/// row per version of a case. One process at a time: opening takes an exclusive lock (<c>OUTBOX.lock</c>) that a second
/// process waits for (<see cref="SqliteOutboxOptions.LockTimeout"/>) and is then refused with
/// <see cref="OutboxProblem.InUse"/>. A corrupt, full or unreadable file is reported as
/// <see cref="OutboxUnavailableException"/>, never as a raw SQLite error. Files written by the first wave (schema
/// version 0) are migrated when opened. Safe for concurrent use within the process.
/// </summary>
public sealed class SqliteSubmissionOutbox : SubmissionOutbox, IDisposable
{
    /// <summary>
    /// The schema version this library writes (<c>PRAGMA user_version</c>): 0 was the first wave's single-table queue;
    /// 3 records each version's <c>recordUpdatedAt</c> and lets a case hold earlier content again when it is newer.
    /// </summary>
    public const int SchemaVersion = 3;

    private const string Columns = "sequence, idempotency_key, organisation_code, local_record_id, content_hash, body, state, attempts, last_error, outcome, receipt_id, registry_version, enqueued_at, updated_at, record_updated_at";

    private const string VersionsTable = """
        CREATE TABLE IF NOT EXISTS versions (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            organisation_code TEXT NOT NULL,
            local_record_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            body BLOB NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            outcome TEXT,
            receipt_id TEXT,
            registry_version INTEGER,
            enqueued_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            record_updated_at TEXT);
        CREATE INDEX IF NOT EXISTS versions_case ON versions (organisation_code, local_record_id, sequence);
        CREATE INDEX IF NOT EXISTS versions_pending ON versions (state, sequence);
        CREATE TABLE IF NOT EXISTS lease (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, acquired_at TEXT NOT NULL);
        """;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly OutboxFileLock _lock;
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteSubmissionOutbox(string path, string connectionString, TimeProvider time, OutboxFileLock fileLock)
    {
        _path = path;
        _connectionString = connectionString;
        _time = time;
        _lock = fileLock;
    }

    /// <summary>The outbox file.</summary>
    public string Path => _path;

    /// <summary>Opens (creating or migrating if needed) the outbox at <paramref name="path"/> with the default options.</summary>
    /// <exception cref="OutboxUnavailableException">The file is corrupt, in use by another process, on a full disk, or cannot be opened.</exception>
    public static Task<SqliteSubmissionOutbox> OpenAsync(string path, CancellationToken cancellationToken = default) =>
        OpenAsync(path, new SqliteOutboxOptions(), cancellationToken);

    /// <summary>Opens (creating or migrating if needed) the outbox at <paramref name="path"/>.</summary>
    /// <exception cref="OutboxUnavailableException">The file is corrupt, in use by another process, on a full disk, or cannot be opened.</exception>
    public static async Task<SqliteSubmissionOutbox> OpenAsync(string path, SqliteOutboxOptions options, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("An outbox file path is required.", nameof(path));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var time = options.TimeProvider ?? TimeProvider.System;
        OutboxFileLock? fileLock;
        try
        {
            fileLock = await OutboxFileLock.AcquireAsync(path, options.LockTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutboxUnavailableException(OutboxProblem.Inaccessible, path,
                $"The outbox {path} cannot be opened ({ex.GetType().Name}): check that its folder exists and is writable.", ex);
        }

        if (fileLock is null)
        {
            var holder = await ReadLeaseHolderAsync(path).ConfigureAwait(false);
            throw new OutboxUnavailableException(OutboxProblem.InUse, path,
                $"Another process ({(holder is { } pid ? "pid " + pid.ToString(CultureInfo.InvariantCulture) : "pid unknown")}) is using the outbox {path}; wait for it to finish.");
        }
#if NETFRAMEWORK
        NativeSqlite.EnsureLoaded(); // an AnyCPU .NET Framework app finds the native library under runtimes/ only this way
#endif

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ConnectionString;
        var outbox = new SqliteSubmissionOutbox(path, connectionString, time, fileLock);
        try
        {
            await outbox.Guard(() => outbox.InitialiseAsync(cancellationToken)).ConfigureAwait(false);
            return outbox;
        }
        catch
        {
            outbox.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        if (entry is null)
        {
            throw new ArgumentNullException(nameof(entry));
        }

        return Guard(() => WriteAsync(async (connection, transaction) =>
        {
            // The case's versions that count (queued or held by the registry), oldest first: the same rules as the registry's.
            var versions = await QueryAsync(connection, transaction,
                "WHERE organisation_code = $org AND local_record_id = $local AND state IN (0, 1) ORDER BY sequence", int.MaxValue, cancellationToken,
                ("$org", entry.OrganisationCode), ("$local", entry.LocalRecordId)).ConfigureAwait(false);
            var settled = OutboxEnqueueRules.Decide(entry, versions);
            var same = await QueryAsync(connection, transaction, "WHERE idempotency_key = $key", 1, cancellationToken, ("$key", entry.IdempotencyKey)).ConfigureAwait(false);
            if (settled is not null || same.Count == 1)
            {
                return settled ?? new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Duplicate, Entry = same[0] }; // a key is queued once, whatever became of it
            }

            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO versions (idempotency_key, organisation_code, local_record_id, content_hash, body, state, enqueued_at, updated_at, record_updated_at)
                    VALUES ($key, $org, $local, $hash, $body, 0, $now, $now, $recordUpdatedAt)
                    """;
                insert.Parameters.AddWithValue("$recordUpdatedAt", entry.RecordUpdatedAt is { } at ? at.ToString("O", CultureInfo.InvariantCulture) : DBNull.Value);
                insert.Parameters.AddWithValue("$key", entry.IdempotencyKey);
                insert.Parameters.AddWithValue("$org", entry.OrganisationCode);
                insert.Parameters.AddWithValue("$local", entry.LocalRecordId);
                insert.Parameters.AddWithValue("$hash", entry.ContentHash);
                insert.Parameters.AddWithValue("$body", entry.Body);
                insert.Parameters.AddWithValue("$now", Now());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var stored = await QueryAsync(connection, transaction, "WHERE idempotency_key = $key", 1, cancellationToken, ("$key", entry.IdempotencyKey)).ConfigureAwait(false);
            return new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Queued, Entry = stored[0] };
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override Task<IReadOnlyList<OutboxEntry>> PendingAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        limit < 1 ? throw new ArgumentOutOfRangeException(nameof(limit), limit, "A page holds at least one version.") :
        Guard<IReadOnlyList<OutboxEntry>>(async () =>
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await QueryAsync(connection, null, "WHERE state = 0 AND sequence > $after ORDER BY sequence", limit, cancellationToken,
                ("$after", afterSequence)).ConfigureAwait(false); // versions_pending (state, sequence) serves the page
        });

    /// <summary>Reads the one number from the case's index, not the case's bodies.</summary>
    /// <inheritdoc />
    public override Task<int?> LatestStoredVersionAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT registry_version FROM versions
                WHERE organisation_code = $org AND local_record_id = $local AND state = 1 AND registry_version IS NOT NULL
                ORDER BY sequence DESC LIMIT 1
                """;
            command.Parameters.AddWithValue("$org", organisationCode);
            command.Parameters.AddWithValue("$local", localRecordId);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? (int?)version : null;
        });

    /// <inheritdoc />
    public override Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
        Guard<IReadOnlyList<OutboxEntry>>(async () =>
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await QueryAsync(connection, null, "WHERE organisation_code = $org AND local_record_id = $local ORDER BY sequence", int.MaxValue, cancellationToken,
                ("$org", organisationCode), ("$local", localRecordId)).ConfigureAwait(false);
        });

    /// <inheritdoc />
    public override Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default)
    {
        if (receipt is null)
        {
            throw new ArgumentNullException(nameof(receipt));
        }

        return UpdateAsync(
            "state = 1, outcome = $outcome, receipt_id = $receipt, registry_version = $version, last_error = NULL, attempts = attempts + 1",
            idempotencyKey, cancellationToken, ("$outcome", outcome.ToString()), ("$receipt", receipt.Id), ("$version", receipt.Version));
    }

    /// <inheritdoc />
    public override Task MarkRefusedAsync(string idempotencyKey, OutboxState state, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default)
    {
        if (state is not (OutboxState.Rejected or OutboxState.Withdrawn))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "A refusal is Rejected or Withdrawn.");
        }

        return UpdateAsync("state = $state, outcome = $outcome, last_error = $reason, attempts = attempts + 1", idempotencyKey, cancellationToken,
            ("$state", (int)state), ("$outcome", outcome.ToString()), ("$reason", reason));
    }

    /// <inheritdoc />
    public override Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
        UpdateAsync("last_error = $reason, attempts = attempts + 1", idempotencyKey, cancellationToken, ("$reason", reason));

    /// <inheritdoc />
    public override Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var purged = await WriteAsync(async (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE versions SET body = x'', state = CASE WHEN state = 0 THEN 3 ELSE state END,
                        outcome = CASE WHEN state = 0 THEN 'Withdrawn' ELSE outcome END,
                        last_error = CASE WHEN state = 0 THEN 'the case was withdrawn; its documents were erased' ELSE last_error END,
                        updated_at = $now
                    WHERE organisation_code = $org AND local_record_id = $local
                    """;
                command.Parameters.AddWithValue("$org", organisationCode);
                command.Parameters.AddWithValue("$local", localRecordId);
                command.Parameters.AddWithValue("$now", Now());
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            // A file written before secure_delete was on may keep old copies in free pages: rebuild it (a withdrawal is
            // rare, and VACUUM writes only live rows), then fold the write-ahead log into the file and empty it.
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writer.Release();
            }

            return purged;
        });

    /// <inheritdoc />
    public override Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT state, COUNT(*) FROM versions GROUP BY state";
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var counts = new int[4];
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var state = reader.GetInt32(0);
                if (state is >= 0 and < 4)
                {
                    counts[state] = reader.GetInt32(1);
                }
            }

            return new OutboxCounts { Pending = counts[0], Stored = counts[1], Rejected = counts[2], Withdrawn = counts[3] };
        });

    /// <summary>Releases the outbox (and its lock, so another process may open it).</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection); // pooled handles would keep the file open after the lock is gone
        }

        _lock.Dispose();
        _writer.Dispose();
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // A truncated or overwritten file fails here rather than in the middle of a drain.
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA quick_check(1)";
            var verdict = (string?)await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(verdict, "ok", StringComparison.Ordinal))
            {
                throw Corrupt(null);
            }
        }

        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new OutboxUnavailableException(OutboxProblem.NewerFormat, _path,
                $"The outbox {_path} was written by a newer RegistryClient (format {version}; this one knows up to {SchemaVersion}): open it with that version.");
        }

        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL", cancellationToken).ConfigureAwait(false);
        if (version < SchemaVersion)
        {
            using var transaction = connection.BeginTransaction();
            var firstWave = Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'", cancellationToken, transaction).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
            if (version == 2)
            {
                await MigrateFromVersion2Async(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, VersionsTable, cancellationToken, transaction).ConfigureAwait(false);
            if (firstWave)
            {
                await MigrateFirstWaveAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, $"PRAGMA user_version = {SchemaVersion}", cancellationToken, transaction).ConfigureAwait(false);
            transaction.Commit();
        }

        using var lease = connection.CreateCommand();
        lease.CommandText = "INSERT OR REPLACE INTO lease (id, pid, acquired_at) VALUES (1, $pid, $now)";
        lease.Parameters.AddWithValue("$pid", CurrentProcessId());
        lease.Parameters.AddWithValue("$now", Now());
        await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Format 2 held each content once per case (a unique index), so a correction back to earlier content could never be
    /// queued. Rebuild the table in the format 3 shape, keeping every row; their <c>recordUpdatedAt</c> is read from the body.
    /// </summary>
    private static async Task MigrateFromVersion2Async(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "ALTER TABLE versions RENAME TO versions_v2; DROP INDEX IF EXISTS versions_pending;", cancellationToken, transaction).ConfigureAwait(false);
        await ExecuteAsync(connection, VersionsTable, cancellationToken, transaction).ConfigureAwait(false);
        await ExecuteAsync(connection, """
            INSERT INTO versions (sequence, idempotency_key, organisation_code, local_record_id, content_hash, body, state, attempts, last_error, outcome, receipt_id, registry_version, enqueued_at, updated_at)
            SELECT sequence, idempotency_key, organisation_code, local_record_id, content_hash, body, state, attempts, last_error, outcome, receipt_id, registry_version, enqueued_at, updated_at
            FROM versions_v2 ORDER BY sequence;
            DROP TABLE versions_v2;
            """, cancellationToken, transaction).ConfigureAwait(false);

        var times = new List<(long Sequence, string Time)>();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT sequence, body FROM versions";
            using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (RecordUpdatedAtOf((byte[])reader.GetValue(1)) is { } at)
                {
                    times.Add((reader.GetInt64(0), at.ToString("O", CultureInfo.InvariantCulture)));
                }
            }
        }

        foreach (var (sequence, time) in times)
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE versions SET record_updated_at = $at WHERE sequence = $sequence";
            update.Parameters.AddWithValue("$at", time);
            update.Parameters.AddWithValue("$sequence", sequence);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset? RecordUpdatedAtOf(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : SubmissionJson.Deserialize(body).Submitter.RecordUpdatedAt;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The first wave kept one row per idempotency key in <c>outbox</c>, several rows for one case when its content
    /// changed. Each row becomes a version of its case, in the order it was queued; settled rows stay settled.
    /// </summary>
    private async Task MigrateFirstWaveAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = new List<(string Key, string Local, string Org, byte[] Body, int State, int Attempts, string? Error, string? Receipt, string Enqueued, string Updated)>();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT idempotency_key, local_record_id, organisation_code, body, state, attempts, last_error, receipt_id, enqueued_at, updated_at FROM outbox ORDER BY enqueued_at, idempotency_key";
            using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3), reader.GetInt32(4), reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8), reader.GetString(9)));
            }
        }

        foreach (var row in rows)
        {
            var (hash, state, error) = (ContentHashOf(row.Body), row.State, row.Error);
            if (hash is null)
            {
                (hash, state, error) = ("unreadable:" + row.Key, (int)OutboxState.Rejected, "the first-wave outbox held a body that is not a submission");
            }

            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO versions (idempotency_key, organisation_code, local_record_id, content_hash, body, state, attempts, last_error, receipt_id, enqueued_at, updated_at)
                VALUES ($key, $org, $local, $hash, $body, $state, $attempts, $error, $receipt, $enqueued, $updated)
                """;
            insert.Parameters.AddWithValue("$key", row.Key);
            insert.Parameters.AddWithValue("$org", row.Org);
            insert.Parameters.AddWithValue("$local", row.Local);
            insert.Parameters.AddWithValue("$hash", hash);
            insert.Parameters.AddWithValue("$body", row.Body);
            insert.Parameters.AddWithValue("$state", state is >= 0 and <= 2 ? state : (int)OutboxState.Pending);
            insert.Parameters.AddWithValue("$attempts", row.Attempts);
            insert.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            insert.Parameters.AddWithValue("$receipt", (object?)row.Receipt ?? DBNull.Value);
            insert.Parameters.AddWithValue("$enqueued", row.Enqueued);
            insert.Parameters.AddWithValue("$updated", row.Updated);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, "DROP TABLE outbox", cancellationToken, transaction).ConfigureAwait(false);
    }

    private static string? ContentHashOf(byte[] body)
    {
        try
        {
            return SubmissionContentHash.Compute(SubmissionJson.Deserialize(body));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Task UpdateAsync(string set, string key, CancellationToken cancellationToken, params (string Name, object Value)[] values) =>
        Guard(() => WriteAsync(async (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"UPDATE versions SET {set}, updated_at = $now WHERE idempotency_key = $key";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$now", Now());
            foreach (var (name, value) in values)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken));

    /// <summary>One write transaction at a time within the process (BEGIN IMMEDIATE, committed before returning).</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            using var transaction = connection.BeginTransaction();
            var result = await write(connection, transaction).ConfigureAwait(false);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Runs a storage call, turning SQLite's failures into <see cref="OutboxUnavailableException"/>s that say what to do.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    private async Task Guard(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    private OutboxUnavailableException Translate(SqliteException ex) => ex.SqliteErrorCode switch
    {
        11 or 26 => Corrupt(ex), // SQLITE_CORRUPT, SQLITE_NOTADB
        13 => new OutboxUnavailableException(OutboxProblem.Full, _path,
            $"The outbox {_path} cannot record more: its disk is full. Free space there and run again (what the registry stored is recovered by the next run, never sent twice).", ex),
        5 or 6 => new OutboxUnavailableException(OutboxProblem.InUse, _path,
            $"The outbox {_path} stayed locked by another connection: wait for the other process to finish.", ex),
        _ => new OutboxUnavailableException(OutboxProblem.Inaccessible, _path,
            $"The outbox {_path} cannot be read or written (SQLite error {ex.SqliteErrorCode}): check the file's permissions and disk.", ex),
    };

    private OutboxUnavailableException Corrupt(Exception? inner) => new(OutboxProblem.Corrupt, _path,
        $"The outbox {_path} is not a readable outbox (truncated, overwritten or not a SQLite file): move it aside and run again with your latest export " +
        "(the registry recognises what it already holds; an older export would be sent as an amendment, as a new outbox has no history).", inner);

    private static async Task<List<OutboxEntry>> QueryAsync(SqliteConnection connection, SqliteTransaction? transaction, string where, int limit, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM versions {where} LIMIT $limit";
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
                Sequence = reader.GetInt64(0),
                IdempotencyKey = reader.GetString(1),
                OrganisationCode = reader.GetString(2),
                LocalRecordId = reader.GetString(3),
                ContentHash = reader.GetString(4),
                Body = (byte[])reader.GetValue(5),
                State = (OutboxState)reader.GetInt32(6),
                Attempts = reader.GetInt32(7),
                LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
                Outcome = reader.IsDBNull(9) ? null : Enum.TryParse<SubmissionStatus>(reader.GetString(9), out var outcome) ? outcome : null,
                ReceiptId = reader.IsDBNull(10) ? null : reader.GetString(10),
                RegistryVersion = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                EnqueuedAt = DateTimeOffset.Parse(reader.GetString(12), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                UpdatedAt = DateTimeOffset.Parse(reader.GetString(13), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                RecordUpdatedAt = reader.IsDBNull(14) ? null : DateTimeOffset.Parse(reader.GetString(14), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            });
        }

        return entries;
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // secure_delete: every page or cell SQLite frees is overwritten with zeros, so a purged document (a withdrawn
            // case) leaves no copy in the file, not even in a page a later split or rewrite left behind.
            await ExecuteAsync(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA secure_delete=ON;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The process recorded as holding the outbox, read without the lock; null when unknown.</summary>
    private static async Task<long?> ReadLeaseHolderAsync(string path)
    {
        try
        {
            var readOnly = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString;
            using var connection = new SqliteConnection(readOnly);
            await connection.OpenAsync().ConfigureAwait(false);
            return await ScalarAsync(connection, "SELECT pid FROM lease WHERE id = 1", CancellationToken.None).ConfigureAwait(false) is long pid ? pid : null;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    private static int CurrentProcessId()
    {
#if NET5_0_OR_GREATER
        return Environment.ProcessId;
#else
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.Id;
#endif
    }

    private string Now() => _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
}
