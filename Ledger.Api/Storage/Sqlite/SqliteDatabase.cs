using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Ledger.Api.Storage.Sqlite;

/// <summary>
/// The database as a SQLite file: pooled read connections with their statements kept prepared
/// (<see cref="PreparedConnection"/>), one write connection in WAL mode, and the settings SQLite needs for both.
/// </summary>
public sealed class SqliteDatabase : Database
{
    private readonly ConnectionPool _readers;

    static SqliteDatabase()
    {
        // Every connection is used by one thread at a time (a pooled reader by one request, the write connection by
        // the writer's thread), so SQLite's per-call connection mutex and its global allocation statistics are pure
        // cost on every row read. Both settings must come before SQLite starts; if something in the process opened a
        // connection first, sqlite3_config refuses and SQLite keeps its safe, slower defaults.
        SQLitePCL.Batteries_V2.Init();
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }

    public SqliteDatabase(IConfiguration configuration) : base(SqliteDialect.Instance)
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
            throw new Hosting.StartRefusedException("Cache=Shared is not supported: it serialises readers behind the writer.");
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

    public override string Location => FilePath;

    public override DbConnection OpenRead() => _readers.Rent();

    public override Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<DbConnection>(_readers.Rent());

    public override void Dispose() => _readers.Clear();

    /// <summary>A read transaction in WAL; opened with plain SQL so the queries inside need no transaction object.</summary>
    public override T Snapshot<T>(DbConnection connection, Func<T> read)
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

    public override IEnumerable<T> Stream<T>(string sql, object? parameters)
    {
        // Exports read with a connection of their own, outside the pool: a long download must not hold a pooled one.
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        foreach (var row in Dapper.SqlMapper.Query<T>(connection, sql, parameters, buffered: false))
            yield return row;
    }

    internal override DbConnection OpenWrite() => new PreparedConnection(OpenDurable(), release: null);

    internal override int? RowsChanged(DbConnection writeConnection) => ((PreparedConnection)writeConnection).TotalChanges;

    internal override DbConnection OpenForMigrations() => OpenDurable();

    /// <summary>
    /// A connection set up for durable writes. WAL lets readers run beside the writer; synchronous=FULL makes every
    /// COMMIT reach the disk before the caller is answered, which group commit pays for once per batch.
    /// </summary>
    private SqliteConnection OpenDurable()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";
        command.ExecuteNonQuery();
        return connection;
    }

    public override long? BackUp(string targetPath) =>
        File.Exists(FilePath) ? Backup.Copy(ConnectionString, targetPath) : null;
}
