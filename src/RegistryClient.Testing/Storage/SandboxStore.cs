using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RegistryClient.Testing.Storage;

/// <summary>
/// The sandbox's storage: one row per case (unique by organisation and local record), every version's document with
/// its <c>recordUpdatedAt</c>, and the answer given to each idempotency key of each organisation (kept for
/// <see cref="SandboxOptions.IdempotencyKeyRetention"/>). Reads are here; writes, which decide under one lock, are in
/// <c>SandboxStore.Writes.cs</c>.
/// </summary>
internal sealed partial class SandboxStore : IAsyncDisposable
{
    private const string CaseColumns =
        "seq, id, organisation_code, local_record_id, status, version, content_hash, schema_version, received_at, updated_at, withdrawal_reason, withdrawn_at, "
        + "(SELECT v.record_updated_at FROM versions v WHERE v.case_id = cases.id AND v.version = cases.version)";

    private readonly string _connectionString;
    private readonly bool _isFile;
    private readonly SqliteConnection _keepAlive; // an in-memory database lives as long as one connection is open
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly TimeSpan _keyRetention;
    private readonly WalErasure? _erasure;

    private SandboxStore(string connectionString, bool isFile, SqliteConnection keepAlive, TimeSpan keyRetention, TimeProvider time)
    {
        _connectionString = connectionString;
        _isFile = isFile;
        _keepAlive = keepAlive;
        _keyRetention = keyRetention;
        _erasure = isFile ? new WalErasure(OpenAsync, _writer, time) : null;
    }

    public static async Task<SandboxStore> OpenAsync(string? path, TimeSpan keyRetention, TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = path is null
            ? new SqliteConnectionStringBuilder { DataSource = "sandbox-" + Guid.NewGuid().ToString("N"), Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }
            : new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        var keepAlive = new SqliteConnection(builder.ConnectionString);
        await keepAlive.OpenAsync(cancellationToken);
        await using (var command = keepAlive.CreateCommand())
        {
            // secure_delete: a withdrawn case's pages are overwritten with zeros, not merely unlinked.
            command.CommandText = (path is null ? "" : "PRAGMA journal_mode=WAL;") + """
                PRAGMA secure_delete=ON;
                CREATE TABLE IF NOT EXISTS cases (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    organisation_code TEXT NOT NULL,
                    local_record_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    schema_version TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    withdrawal_reason TEXT,
                    withdrawn_at TEXT,
                    UNIQUE (organisation_code, local_record_id));
                CREATE INDEX IF NOT EXISTS cases_org ON cases (organisation_code, seq);
                CREATE TABLE IF NOT EXISTS versions (
                    case_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    stored_at TEXT NOT NULL,
                    document BLOB,
                    record_updated_at TEXT,
                    PRIMARY KEY (case_id, version));
                DROP TABLE IF EXISTS requests;
                CREATE TABLE IF NOT EXISTS idempotency_keys (
                    organisation_code TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    case_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    receipt TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (organisation_code, idempotency_key));
                CREATE INDEX IF NOT EXISTS idempotency_keys_age ON idempotency_keys (created_at);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await AddRecordUpdatedAtAsync(keepAlive, cancellationToken);
        return new SandboxStore(builder.ConnectionString, path is not null, keepAlive, keyRetention, time);
    }

    public async Task<CaseRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await FindAsync(connection, "id = $id", cancellationToken, ("$id", id));
    }

    /// <summary>One page of an organisation's cases in creation order, starting after the case <paramref name="afterId"/>
    /// (from the start when null); null when <paramref name="afterId"/> is not one of the organisation's cases.</summary>
    public async Task<(IReadOnlyList<CaseRecord> Items, bool More)?> ListAsync(string organisationCode, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        long after = 0;
        if (afterId is not null)
        {
            if (await FindAsync(connection, "id = $id AND organisation_code = $org", cancellationToken, ("$id", afterId), ("$org", organisationCode)) is not { } last)
            {
                return null;
            }

            after = last.Sequence;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CaseColumns} FROM cases WHERE organisation_code = $org AND seq > $after ORDER BY seq LIMIT $take";
        command.Parameters.AddWithValue("$org", organisationCode);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$take", limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<CaseRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Read(reader));
        }

        var more = items.Count > limit;
        return (more ? items.GetRange(0, limit) : items, more);
    }

    /// <summary>Every version of a case, oldest first; a withdrawn case's documents are gone.</summary>
    public async Task<IReadOnlyList<SandboxCaseVersion>> HistoryAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, content_hash, stored_at, document, record_updated_at FROM versions WHERE case_id = $id ORDER BY version";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<SandboxCaseVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(new SandboxCaseVersion
            {
                Version = reader.GetInt32(0),
                ContentHash = reader.GetString(1),
                StoredAt = ParseTime(reader.GetString(2)),
                Document = reader.IsDBNull(3) ? null : System.Text.Encoding.UTF8.GetString((byte[])reader.GetValue(3)),
                RecordUpdatedAt = reader.IsDBNull(4) ? null : ParseTime(reader.GetString(4)),
            });
        }

        return versions;
    }

    /// <summary>How many cases are stored, and how many distinct (organisation, local record) pairs they cover.</summary>
    public async Task<(int Cases, int DistinctLocalRecords)> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT organisation_code || '/' || local_record_id) FROM cases";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    public async ValueTask DisposeAsync()
    {
        if (_erasure is not null)
        {
            await _erasure.DisposeAsync();
        }

        await _keepAlive.DisposeAsync();
        SqliteConnection.ClearPool(_keepAlive);
        _writer.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<CaseRecord?> FindAsync(
        SqliteConnection connection, string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CaseColumns} FROM cases WHERE {where}";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static CaseRecord Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetInt32(5),
        reader.GetString(6),
        reader.GetString(7),
        ParseTime(reader.GetString(8)),
        ParseTime(reader.GetString(9)),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : ParseTime(reader.GetString(11)),
        reader.IsDBNull(12) ? null : ParseTime(reader.GetString(12)));

    /// <summary>A database file made before versions recorded <c>recordUpdatedAt</c> gains the column (empty for its versions).</summary>
    private static async Task AddRecordUpdatedAtAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('versions') WHERE name = 'record_updated_at'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = "ALTER TABLE versions ADD COLUMN record_updated_at TEXT";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DateTimeOffset ParseTime(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string FormatTime(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A source time as it was sent: the instant and the writer's own offset.</summary>
    private static string FormatSourceTime(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);
}
