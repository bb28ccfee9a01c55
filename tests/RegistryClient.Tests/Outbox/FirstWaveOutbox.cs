using System.Text.Json;
using Microsoft.Data.Sqlite;
using RegistryClient.Http;
using RegistryClient.Model;

namespace RegistryClient.Tests.Outbox;

/// <summary>
/// Builds an outbox file exactly as the first wave wrote it (schema version 0), from that wave's DDL: the fixture for
/// the migration tests, generated rather than kept as a binary blob.
/// </summary>
internal static class FirstWaveOutbox
{
    /// <summary>The first wave's schema, verbatim (commit a2ef214, SqliteSubmissionOutbox.OpenAsync).</summary>
    public const string Ddl = """
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

    /// <summary>Writes the rows (state 0 pending, 1 accepted, 2 rejected) as the first wave would have.</summary>
    public static async Task CreateAsync(string path, params (Submission Submission, int State, string EnqueuedAt, string? ReceiptId)[] rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = Ddl;
            await create.ExecuteNonQueryAsync();
        }

        foreach (var (submission, state, enqueuedAt, receiptId) in rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO outbox (idempotency_key, local_record_id, organisation_code, body, state, attempts, last_error, receipt_id, enqueued_at, updated_at)
                VALUES ($key, $local, $org, $body, $state, $attempts, $error, $receipt, $at, $at)
                """;
            insert.Parameters.AddWithValue("$key", IdempotencyKey.For(submission));
            insert.Parameters.AddWithValue("$local", submission.LocalRecordId);
            insert.Parameters.AddWithValue("$org", submission.Submitter.OrganisationCode);
            insert.Parameters.AddWithValue("$body", JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission));
            insert.Parameters.AddWithValue("$state", state);
            insert.Parameters.AddWithValue("$attempts", state == 0 ? 0 : 1);
            insert.Parameters.AddWithValue("$error", state == 2 ? "rejected: VR006 /governance/consentRecorded" : DBNull.Value);
            insert.Parameters.AddWithValue("$receipt", (object?)receiptId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$at", enqueuedAt);
            await insert.ExecuteNonQueryAsync();
        }
    }
}
