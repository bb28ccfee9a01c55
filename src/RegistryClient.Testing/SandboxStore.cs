using System.Globalization;
using Microsoft.Data.Sqlite;
using RegistryClient.Http;

namespace RegistryClient.Testing;

/// <summary>The sandbox's storage: one SQLite table, keyed by id, unique by idempotency key.</summary>
internal sealed class SandboxStore : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _keepAlive; // an in-memory database lives as long as one connection is open
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SandboxStore(string connectionString, SqliteConnection keepAlive)
    {
        _connectionString = connectionString;
        _keepAlive = keepAlive;
    }

    public static async Task<SandboxStore> OpenAsync(string? path, CancellationToken cancellationToken)
    {
        var builder = path is null
            ? new SqliteConnectionStringBuilder { DataSource = "sandbox-" + Guid.NewGuid().ToString("N"), Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }
            : new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        var keepAlive = new SqliteConnection(builder.ConnectionString);
        await keepAlive.OpenAsync(cancellationToken);
        await using (var command = keepAlive.CreateCommand())
        {
            command.CommandText = (path is null ? "" : "PRAGMA journal_mode=WAL;") + """
                CREATE TABLE IF NOT EXISTS submissions (
                    id TEXT PRIMARY KEY,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    body_hash TEXT NOT NULL,
                    organisation_code TEXT NOT NULL,
                    local_record_id TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    schema_version TEXT NOT NULL,
                    body BLOB NOT NULL);
                CREATE INDEX IF NOT EXISTS submissions_org ON submissions (organisation_code, received_at);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new SandboxStore(builder.ConnectionString, keepAlive);
    }

    public async Task<(SubmissionReceipt Receipt, string BodyHash)?> FindByKeyAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, local_record_id, received_at, schema_version, body_hash FROM submissions WHERE idempotency_key = $key";
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (Receipt(reader), reader.GetString(4)) : null;
    }

    public async Task<SubmissionReceipt?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, local_record_id, received_at, schema_version FROM submissions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Receipt(reader) : null;
    }

    public async Task<IReadOnlyList<SubmissionReceipt>> ListAsync(string organisationCode, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, local_record_id, received_at, schema_version FROM submissions WHERE organisation_code = $org ORDER BY received_at, id";
        command.Parameters.AddWithValue("$org", organisationCode);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<SubmissionReceipt>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Receipt(reader));
        }

        return items;
    }

    /// <summary>Stores a submission unless its key is already stored; returns what is stored under the key either way.</summary>
    public async Task<(SubmissionReceipt Receipt, string BodyHash, bool Inserted)> InsertAsync(
        string key, string bodyHash, string organisationCode, string localRecordId, string schemaVersion, byte[] body, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (await FindByKeyAsync(key, cancellationToken) is { } existing)
            {
                return (existing.Receipt, existing.BodyHash, false);
            }

            var receipt = new SubmissionReceipt
            {
                Id = "sub_" + Guid.NewGuid().ToString("N"),
                LocalRecordId = localRecordId,
                Status = CaseStatus.Accepted,
                ReceivedAt = DateTimeOffset.UtcNow,
                SchemaVersion = schemaVersion,
            };
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO submissions (id, idempotency_key, body_hash, organisation_code, local_record_id, received_at, schema_version, body)
                VALUES ($id, $key, $hash, $org, $local, $at, $version, $body)
                """;
            command.Parameters.AddWithValue("$id", receipt.Id);
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$hash", bodyHash);
            command.Parameters.AddWithValue("$org", organisationCode);
            command.Parameters.AddWithValue("$local", localRecordId);
            command.Parameters.AddWithValue("$at", receipt.ReceivedAt.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$version", schemaVersion);
            command.Parameters.AddWithValue("$body", body);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return (receipt, bodyHash, true);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>How many submissions are stored, and how many distinct local records they cover.</summary>
    public async Task<(int Submissions, int DistinctLocalRecords)> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT organisation_code || '/' || local_record_id) FROM submissions";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    public async ValueTask DisposeAsync()
    {
        await _keepAlive.DisposeAsync();
        _writer.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static SubmissionReceipt Receipt(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        LocalRecordId = reader.GetString(1),
        Status = CaseStatus.Accepted,
        ReceivedAt = DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
        SchemaVersion = reader.GetString(3),
    };
}
