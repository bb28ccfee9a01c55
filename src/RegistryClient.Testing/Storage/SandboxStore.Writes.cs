using System.Text.Json;
using Microsoft.Data.Sqlite;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Storage;

/// <summary>
/// The sandbox's writes: each decides and writes in one transaction under one lock, so two requests for one case never
/// both win. Every write obeys "a case only moves forward" (DESIGN.md): content equal to the current version's is
/// unchanged; when both sides carry <c>recordUpdatedAt</c> an older one is stale and an equal one with other content a
/// conflicting edit; without it, a superseded version's content is stale.
/// </summary>
internal sealed partial class SandboxStore
{
    /// <summary>POST: creates version 1, or says why not (replay, key reused, unchanged, stale, conflicting, exists, withdrawn).</summary>
    public Task<WriteOutcome> CreateAsync(CaseWrite write, CancellationToken cancellationToken) =>
        InTransactionAsync(async connection =>
        {
            await ForgetExpiredKeysAsync(connection, write.Now, cancellationToken);
            if (await FindKeyAsync(connection, write, cancellationToken) is { } key)
            {
                if (key.RequestHash != write.RequestHash)
                {
                    return new WriteOutcome(WriteResult.KeyReused, null);
                }

                if (await ReplayAsync(connection, key, cancellationToken) is { } replay)
                {
                    return replay;
                }

                // The case has moved on since this key wrote: the request is judged afresh, as any other POST.
            }

            var existing = await FindAsync(connection, "organisation_code = $org AND local_record_id = $local", cancellationToken,
                ("$org", write.OrganisationCode), ("$local", write.LocalRecordId));
            if (existing is not null)
            {
                if (existing.IsWithdrawn)
                {
                    return new WriteOutcome(WriteResult.Withdrawn, existing);
                }

                return await JudgeAsync(connection, existing, write, cancellationToken) switch
                {
                    WriteResult.Unchanged => await RememberAsync(connection, write, existing, WriteResult.Unchanged, cancellationToken),
                    { } refused => new WriteOutcome(refused, existing),
                    null => new WriteOutcome(WriteResult.CaseExists, existing),
                };
            }

            var id = "sub_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(connection, """
                INSERT INTO cases (id, organisation_code, local_record_id, status, version, content_hash, schema_version, received_at, updated_at)
                VALUES ($id, $org, $local, 'accepted', 1, $hash, $schema, $now, $now)
                """, cancellationToken,
                ("$id", id), ("$org", write.OrganisationCode), ("$local", write.LocalRecordId), ("$hash", write.ContentHash),
                ("$schema", write.SchemaVersion), ("$now", FormatTime(write.Now)));
            await InsertVersionAsync(connection, id, 1, write, cancellationToken);
            var created = (await FindAsync(connection, "id = $id", cancellationToken, ("$id", id)))!;
            return await RememberAsync(connection, write, created, WriteResult.Created, cancellationToken);
        }, cancellationToken);

    /// <summary>PUT: stores the next version when <paramref name="expectedVersion"/> is current and the content moves the case forward.</summary>
    public Task<WriteOutcome> AmendAsync(string id, int expectedVersion, CaseWrite write, CancellationToken cancellationToken) =>
        InTransactionAsync(async connection =>
        {
            await ForgetExpiredKeysAsync(connection, write.Now, cancellationToken);
            var current = await FindAsync(connection, "id = $id", cancellationToken, ("$id", id));
            if (current is null)
            {
                return new WriteOutcome(WriteResult.NotFound, null);
            }

            if (current.IsWithdrawn)
            {
                return new WriteOutcome(WriteResult.Withdrawn, current);
            }

            // A replay comes before the version check: a retried PUT whose first answer was lost carries the old If-Match.
            // Once the case has moved past what the key wrote, that If-Match is outdated by construction, so only the
            // rules below judge it.
            var movedReplay = false;
            if (await FindKeyAsync(connection, write, cancellationToken) is { } key)
            {
                if (key.RequestHash != write.RequestHash || key.CaseId != id)
                {
                    return new WriteOutcome(WriteResult.KeyReused, null);
                }

                if (await ReplayAsync(connection, key, cancellationToken) is { } replay)
                {
                    return replay;
                }

                movedReplay = true;
            }

            if (write.OrganisationCode != current.OrganisationCode || write.LocalRecordId != current.LocalRecordId)
            {
                return new WriteOutcome(WriteResult.CaseMismatch, current);
            }

            if (!movedReplay && expectedVersion != current.Version)
            {
                return new WriteOutcome(WriteResult.VersionMismatch, current);
            }

            switch (await JudgeAsync(connection, current, write, cancellationToken))
            {
                case WriteResult.Unchanged:
                    return await RememberAsync(connection, write, current, WriteResult.Unchanged, cancellationToken);
                case { } refused:
                    return new WriteOutcome(refused, current);
            }

            var next = current.Version + 1;
            await ExecuteAsync(connection,
                "UPDATE cases SET version = $version, content_hash = $hash, schema_version = $schema, updated_at = $now WHERE id = $id",
                cancellationToken, ("$version", next), ("$hash", write.ContentHash), ("$schema", write.SchemaVersion), ("$now", FormatTime(write.Now)), ("$id", id));
            await InsertVersionAsync(connection, id, next, write, cancellationToken);
            var amended = (await FindAsync(connection, "id = $id", cancellationToken, ("$id", id)))!;
            return await RememberAsync(connection, write, amended, WriteResult.Amended, cancellationToken);
        }, cancellationToken);

    /// <summary>Withdraws a case: erases every version's document, keeps the tombstone. Null when there is no such case;
    /// an already withdrawn case is returned as it is.</summary>
    public async Task<CaseRecord?> WithdrawAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcome = await InTransactionAsync(async connection =>
        {
            var current = await FindAsync(connection, "id = $id", cancellationToken, ("$id", id));
            if (current is null || current.IsWithdrawn)
            {
                return new WriteOutcome(WriteResult.Unchanged, current);
            }

            await ExecuteAsync(connection,
                "UPDATE cases SET status = 'withdrawn', withdrawal_reason = $reason, withdrawn_at = $now, updated_at = $now WHERE id = $id",
                cancellationToken, ("$reason", reason), ("$now", FormatTime(now)), ("$id", id));
            await ExecuteAsync(connection, "UPDATE versions SET document = NULL WHERE case_id = $id", cancellationToken, ("$id", id));
            return new WriteOutcome(WriteResult.Withdrawn, await FindAsync(connection, "id = $id", cancellationToken, ("$id", id)));
        }, cancellationToken);

        if (outcome.Result == WriteResult.Withdrawn && _erasure is not null)
        {
            // The erased documents' old page images may still sit in the write-ahead log: fold it in and empty it,
            // now or, while a reader holds it, as soon as it lets go.
            await _erasure.EraseAsync(cancellationToken);
        }

        return outcome.Case;
    }

    private async Task<WriteOutcome> InTransactionAsync(Func<SqliteConnection, Task<WriteOutcome>> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA secure_delete=ON; BEGIN IMMEDIATE", cancellationToken);
            try
            {
                var outcome = await work(connection);
                await ExecuteAsync(connection, "COMMIT", CancellationToken.None);
                return outcome;
            }
            catch
            {
                await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None);
                throw;
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Rules 1-3 of "a case only moves forward" for a write of other content than a replay answers: null when it may
    /// be stored as the next version, else <see cref="WriteResult.Unchanged"/>, <see cref="WriteResult.Stale"/> or
    /// <see cref="WriteResult.ConflictingEdit"/>.
    /// </summary>
    private static async Task<WriteResult?> JudgeAsync(SqliteConnection connection, CaseRecord current, CaseWrite write, CancellationToken cancellationToken)
    {
        if (write.ContentHash == current.ContentHash)
        {
            return WriteResult.Unchanged; // a newer recordUpdatedAt alone changes nothing
        }

        if (write.RecordUpdatedAt is { } incoming && current.RecordUpdatedAt is { } held)
        {
            return incoming < held ? WriteResult.Stale : incoming == held ? WriteResult.ConflictingEdit : null;
        }

        // Without source times on both sides, content the case has already moved past can only be an old copy.
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM versions WHERE case_id = $id AND version < $version AND content_hash = $hash LIMIT 1";
        command.Parameters.AddWithValue("$id", current.Id);
        command.Parameters.AddWithValue("$version", current.Version);
        command.Parameters.AddWithValue("$hash", write.ContentHash);
        return await command.ExecuteScalarAsync(cancellationToken) is null ? null : WriteResult.Stale;
    }

    /// <summary>What an idempotency key of the write's organisation was first answered with, when it is still remembered.</summary>
    private static async Task<StoredKey?> FindKeyAsync(SqliteConnection connection, CaseWrite write, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_hash, case_id, version, receipt FROM idempotency_keys WHERE organisation_code = $org AND idempotency_key = $key";
        command.Parameters.AddWithValue("$org", write.OrganisationCode);
        command.Parameters.AddWithValue("$key", write.IdempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredKey(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3))
            : null;
    }

    /// <summary>The stored answer while the case is still at the version the key wrote; 410 once it is withdrawn; null
    /// once it has moved on (the request is then judged afresh).</summary>
    private static async Task<WriteOutcome?> ReplayAsync(SqliteConnection connection, StoredKey key, CancellationToken cancellationToken)
    {
        var record = await FindAsync(connection, "id = $id", cancellationToken, ("$id", key.CaseId));
        return record switch
        {
            { IsWithdrawn: true } => new WriteOutcome(WriteResult.Withdrawn, record),
            not null when record.Version == key.Version => new WriteOutcome(WriteResult.Replayed, record, key.Receipt),
            _ => null,
        };
    }

    /// <summary>Keys are kept for the retention period from their first answer; older ones are forgotten.</summary>
    private Task ForgetExpiredKeysAsync(SqliteConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "DELETE FROM idempotency_keys WHERE created_at <= $cutoff", cancellationToken,
            ("$cutoff", (now - _keyRetention).ToUnixTimeMilliseconds()));

    private static async Task<WriteOutcome> RememberAsync(SqliteConnection connection, CaseWrite write, CaseRecord record, WriteResult result, CancellationToken cancellationToken)
    {
        var receipt = JsonSerializer.Serialize(Receipt.From(record), SandboxJsonContext.Default.Receipt);
        await ExecuteAsync(connection, """
            INSERT OR REPLACE INTO idempotency_keys (organisation_code, idempotency_key, request_hash, case_id, version, receipt, created_at)
            VALUES ($org, $key, $hash, $id, $version, $receipt, $now)
            """,
            cancellationToken, ("$org", write.OrganisationCode), ("$key", write.IdempotencyKey), ("$hash", write.RequestHash), ("$id", record.Id),
            ("$version", record.Version), ("$receipt", receipt), ("$now", write.Now.ToUnixTimeMilliseconds()));
        return new WriteOutcome(result, record, receipt);
    }

    private static Task InsertVersionAsync(SqliteConnection connection, string id, int version, CaseWrite write, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, """
            INSERT INTO versions (case_id, version, content_hash, stored_at, document, record_updated_at)
            VALUES ($id, $version, $hash, $now, $document, $recordUpdatedAt)
            """,
            cancellationToken, ("$id", id), ("$version", version), ("$hash", write.ContentHash), ("$now", FormatTime(write.Now)), ("$document", write.Document),
            ("$recordUpdatedAt", write.RecordUpdatedAt is { } at ? FormatSourceTime(at) : DBNull.Value));

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An idempotency key's first answer: the exact request it came with, the case and version it left, the receipt.</summary>
    private sealed record StoredKey(string RequestHash, string CaseId, int Version, string Receipt);
}
