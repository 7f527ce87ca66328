using Microsoft.Data.Sqlite;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Storage.Sqlite;

/// <summary>
/// The one way to reach the database. Reads take a pooled connection each; writes go through <see cref="Writer"/>,
/// which holds the only write connection. Everything SQLite-specific about connecting lives here and in
/// <see cref="Dialect"/>, so the PostgreSQL port has two files to replace.
/// </summary>
public sealed class Database : IDisposable
{
    private readonly ConnectionPool _readers;

    static Database()
    {
        // Every connection is used by one thread at a time (a pooled reader by one request, the write connection by
        // the writer's thread), so SQLite's per-call connection mutex and its global allocation statistics are pure
        // cost on every row read. Both settings must come before SQLite starts; if something in the process opened a
        // connection first, sqlite3_config refuses and SQLite keeps its safe, slower defaults.
        SQLitePCL.Batteries_V2.Init();
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }

    public Database(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Ledger");
        if (string.IsNullOrWhiteSpace(configured))
            configured = "Data Source=ledger.db";
        // A bare path is accepted too: "ConnectionStrings__Ledger=/var/lib/ledger/ledger.db".
        if (!configured.Contains('='))
            configured = $"Data Source={configured}";

        var builder = new SqliteConnectionStringBuilder(configured)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            // Seconds a command waits on a lock before SQLITE_BUSY surfaces; readers never wait on WAL writers,
            // but checkpoints and the migrator can hold the file briefly.
            DefaultTimeout = 5,
        };
        if (builder.Cache == SqliteCacheMode.Shared)
            throw new InvalidOperationException("Cache=Shared is not supported: it serialises readers behind the writer.");
        ConnectionString = builder.ToString();
        FilePath = Path.GetFullPath(builder.DataSource);
        _readers = new ConnectionPool(() =>
        {
            var connection = new SqliteConnection(ConnectionString);
            connection.Open();
            return connection;
        }, capacity: 64);
    }

    public string ConnectionString { get; }

    public string FilePath { get; }

    /// <summary>A pooled connection for reading, its statements kept prepared. Dispose it when the query is done.</summary>
    public PreparedConnection OpenRead() => _readers.Rent();

    public Task<PreparedConnection> OpenReadAsync(CancellationToken cancellationToken = default) => Task.FromResult(_readers.Rent());

    public void Dispose() => _readers.Clear();

    /// <summary>
    /// Runs several reads on one committed state (a read transaction in WAL), so figures read together agree. The
    /// transaction is opened with plain SQL so the queries inside need no transaction object passed around.
    /// </summary>
    public static T Snapshot<T>(System.Data.Common.DbConnection connection, Func<T> read)
    {
        using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN";
            begin.ExecuteNonQuery();
        }
        try
        {
            return read();
        }
        finally
        {
            using var end = connection.CreateCommand();
            end.CommandText = "COMMIT";
            end.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Rows straight off an unbuffered reader, for streaming exports: nothing is collected, and the connection lives
    /// exactly as long as the enumeration.
    /// </summary>
    public IEnumerable<T> Stream<T>(string sql, object? parameters)
    {
        // Exports read with a connection of their own, outside the pool: a long download must not hold a pooled one.
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        foreach (var row in Dapper.SqlMapper.Query<T>(connection, sql, parameters, buffered: false))
            yield return row;
    }

    /// <summary>
    /// A connection set up for durable writes. WAL lets readers run beside the writer; synchronous=FULL makes every
    /// COMMIT reach the disk before the caller is answered, which group commit pays for once per batch.
    /// </summary>
    internal PreparedConnection OpenWrite()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";
        command.ExecuteNonQuery();
        return new PreparedConnection(connection, release: null);
    }
}
