using System.Text.Json;
using Microsoft.Data.Sqlite;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Storage;

/// <summary>The sandbox's writes: each decides and writes in one transaction under one lock, so two requests for one
/// case never both win.</summary>
internal sealed partial class SandboxStore
{
    /// <summary>POST: creates version 1, or says why not (replay, key reused, exists, unchanged, withdrawn).</summary>
    public Task<WriteOutcome> CreateAsync(CaseWrite write, CancellationToken cancellationToken) =>
        InTransactionAsync(async connection =>
        {
            if (await ReplayAsync(connection, write, cancellationToken) is { } replay)
            {
                return replay;
            }

            var existing = await FindAsync(connection, "organisation_code = $org AND local_record_id = $local", cancellationToken,
                ("$org", write.OrganisationCode), ("$local", write.LocalRecordId));
            if (existing is not null)
            {
                return existing.IsWithdrawn ? new WriteOutcome(WriteResult.Withdrawn, existing)
                    : existing.ContentHash == write.ContentHash ? await RememberAsync(connection, write, existing, WriteResult.Unchanged, cancellationToken)
                    : new WriteOutcome(WriteResult.CaseExists, existing);
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

    /// <summary>PUT: stores the next version when <paramref name="expectedVersion"/> is current and the content changed.</summary>
    public Task<WriteOutcome> AmendAsync(string id, int expectedVersion, CaseWrite write, CancellationToken cancellationToken) =>
        InTransactionAsync(async connection =>
        {
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
            if (await ReplayAsync(connection, write, cancellationToken, id) is { } replay)
            {
                return replay;
            }

            if (write.OrganisationCode != current.OrganisationCode || write.LocalRecordId != current.LocalRecordId)
            {
                return new WriteOutcome(WriteResult.CaseMismatch, current);
            }

            if (expectedVersion != current.Version)
            {
                return new WriteOutcome(WriteResult.VersionMismatch, current);
            }

            if (write.ContentHash == current.ContentHash)
            {
                return await RememberAsync(connection, write, current, WriteResult.Unchanged, cancellationToken);
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

        if (outcome.Result == WriteResult.Withdrawn && _isFile)
        {
            // The erased documents' old page images may still sit in the write-ahead log: fold it in and empty it.
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
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

    /// <summary>What the key was first answered with, when it was used before.</summary>
    private static async Task<WriteOutcome?> ReplayAsync(SqliteConnection connection, CaseWrite write, CancellationToken cancellationToken, string? caseId = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_hash, case_id, receipt FROM requests WHERE idempotency_key = $key";
        command.Parameters.AddWithValue("$key", write.IdempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        if (reader.GetString(0) != write.RequestHash || (caseId is not null && reader.GetString(1) != caseId))
        {
            return new WriteOutcome(WriteResult.KeyReused, null);
        }

        var record = await FindAsync(connection, "id = $id", cancellationToken, ("$id", reader.GetString(1)));
        return record is { IsWithdrawn: true }
            ? new WriteOutcome(WriteResult.Withdrawn, record)
            : new WriteOutcome(WriteResult.Replayed, record, reader.GetString(2));
    }

    private static async Task<WriteOutcome> RememberAsync(SqliteConnection connection, CaseWrite write, CaseRecord record, WriteResult result, CancellationToken cancellationToken)
    {
        var receipt = JsonSerializer.Serialize(Receipt.From(record), SandboxJsonContext.Default.Receipt);
        await ExecuteAsync(connection, "INSERT INTO requests (idempotency_key, request_hash, case_id, receipt) VALUES ($key, $hash, $id, $receipt)",
            cancellationToken, ("$key", write.IdempotencyKey), ("$hash", write.RequestHash), ("$id", record.Id), ("$receipt", receipt));
        return new WriteOutcome(result, record, receipt);
    }

    private static Task InsertVersionAsync(SqliteConnection connection, string id, int version, CaseWrite write, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "INSERT INTO versions (case_id, version, content_hash, stored_at, document) VALUES ($id, $version, $hash, $now, $document)",
            cancellationToken, ("$id", id), ("$version", version), ("$hash", write.ContentHash), ("$now", FormatTime(write.Now)), ("$document", write.Document));

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
}
