using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Ledger.Api.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ledger.Tests.Builders;

/// <summary>
/// The only test code that opens the database: the counts, reads and tampering the API does not offer, the schema,
/// the stored bytes, a copy of the file. Tests say what they want to know and this class knows which database answers,
/// so a second database means changing this class, not the tests. Each call opens a connection of its own and closes it.
/// </summary>
public sealed partial class TestDatabase
{
    /// <param name="path">The SQLite database file (it need not exist yet).</param>
    /// <param name="pooling">Off for a file another process writes and kills: a pooled connection would outlive it.</param>
    public TestDatabase(string path, bool pooling = true)
    {
        Path = path;
        Provider = "sqlite";
        var builder = new SqliteConnectionStringBuilder { DataSource = path };
        if (!pooling)
            builder.Pooling = false;
        ConnectionString = builder.ToString();
    }

    private TestDatabase(string provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Path = "";
    }

    private static readonly ConcurrentDictionary<string, TestDatabase> ByFolder = new();

    /// <summary>A PostgreSQL database, whatever the suite's provider (the tests of several nodes run on one).</summary>
    public static TestDatabase Postgres(string connectionString) => new("postgresql", connectionString);

    /// <summary>
    /// The database of the service whose files are in <paramref name="folder"/>, on the suite's provider: the file
    /// ledger.db there, or a PostgreSQL database of its own on the run's cluster (the same one each time for one folder,
    /// so a restarted service finds its data).
    /// </summary>
    public static TestDatabase For(string folder) => TestProvider.IsPostgres
        ? ByFolder.GetOrAdd(folder, _ => new TestDatabase("postgresql", PostgresCluster.Require("PostgreSQL run of the suite").CreateDatabase()))
        : new TestDatabase(System.IO.Path.Combine(folder, "ledger.db"));

    /// <summary>The SQLite file; empty on PostgreSQL.</summary>
    public string Path { get; }

    /// <summary>The service's Ledger:Database:Provider for this database.</summary>
    public string Provider { get; }

    private bool OnPostgres => Provider == "postgresql";

    /// <summary>What the service is configured with to use this database.</summary>
    public string ConnectionString { get; }

    /// <summary>The service's settings for this database, as configuration keys.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Ledger:Database:Provider"] = Provider,
        ["ConnectionStrings:Ledger"] = ConnectionString,
    };

    public bool Exists => OnPostgres || File.Exists(Path);

    /// <summary>
    /// Closes the connections the pools keep open, so the file can be deleted, moved or replaced behind the service's
    /// back (SQLite's pool would otherwise hold it), and no test connection outlives a restarted database.
    /// </summary>
    public static void ReleaseAll()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
    }

    public T Scalar<T>(string sql, object? parameters = null)
    {
        using var db = Open();
        return db.ExecuteScalar<T>(sql, parameters)!;
    }

    public long Count(string table) => Scalar<long>($"SELECT COUNT(*) FROM \"{table}\"");

    public List<T> Query<T>(string sql, object? parameters = null)
    {
        using var db = Open();
        return db.Query<T>(sql, parameters).ToList();
    }

    public T Single<T>(string sql, object? parameters = null)
    {
        using var db = Open();
        return db.QuerySingle<T>(sql, parameters);
    }

    /// <summary>Changes the database as someone with the file could: tampering, old data, times moved back.</summary>
    /// <returns>The rows changed.</returns>
    public int Execute(string sql, object? parameters = null)
    {
        using var db = Open();
        return db.Execute(sql, parameters);
    }

    /// <summary>The service's SQL dialect for this database: its migrations, for a test that builds an older schema.</summary>
    public ISqlDialect Dialect => OnPostgres ? Ledger.Api.Storage.Postgres.PostgresDialect.Instance : Ledger.Api.Storage.Sqlite.SqliteDialect.Instance;

    /// <summary>Lifts the guard that keeps <paramref name="table"/> append-only, as an insider with the database could.</summary>
    public void AllowEdits(string table)
    {
        if (OnPostgres)
            Execute($"ALTER TABLE {table} DISABLE TRIGGER USER");
        else
            Execute($"DROP TRIGGER IF EXISTS {table}_are_append_only_u; DROP TRIGGER IF EXISTS {table}_are_append_only_d");
    }

    /// <summary>Applies <paramref name="migrations"/> as the service would; returns the names of those it applied.</summary>
    public IReadOnlyList<string> Migrate(IReadOnlyList<Migration> migrations)
    {
        using var db = Open();
        return Migrator.Apply(db, migrations);
    }

    /// <summary>The tables of the schema, in name order.</summary>
    public List<string> Tables() => Query<string>(OnPostgres
        ? "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        : "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name");

    /// <summary>A hash of every row of every table, so a test can say "nothing at all changed".</summary>
    public string Checksum()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var text in AllRows())
            hash.AppendData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Every table's name followed by its rows, each row its values as text ending in "|", in a fixed order.</summary>
    private IEnumerable<string> AllRows()
    {
        using var db = Open();
        var tables = OnPostgres
            ? db.Query<(string, bool)>("SELECT tablename::text, false FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            : db.Query<(string, bool)>(
                "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name <> 'sqlite_schema' ORDER BY name");
        foreach (var (table, withoutRowid) in tables.ToList())
        {
            yield return table;
            // SQLite's rows in rowid order (a table without rowid by its primary key); PostgreSQL's, which have no such
            // order, sorted as text.
            var order = OnPostgres ? ""
                : withoutRowid
                ? " ORDER BY " + string.Join(", ", db.Query<string>("SELECT name FROM pragma_table_info(@Table) WHERE pk > 0 ORDER BY pk", new { Table = table }).Select(c => $"\"{c}\""))
                : " ORDER BY rowid";
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"{order}";
            var rows = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var row = new StringBuilder();
                    for (var i = 0; i < reader.FieldCount; i++)
                        row.Append(reader.IsDBNull(i) ? "␀" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                    rows.Add(row.ToString());
                }
            }
            if (OnPostgres)
                rows.Sort(StringComparer.Ordinal);
            foreach (var row in rows)
                yield return row;
        }
    }

    /// <summary>
    /// Everything the database holds on disk, as it is stored: the file and, while the service runs, its write-ahead
    /// log. For searching for what must never be stored in clear.
    /// </summary>
    public async Task<List<(string Name, byte[] Bytes)>> StoredFiles()
    {
        if (OnPostgres)
            return [("the database's rows", Encoding.UTF8.GetBytes(string.Join("\n", AllRows())))];
        var files = new List<(string, byte[])> { ("the database file", await File.ReadAllBytesAsync(Path)) };
        if (File.Exists(Path + "-wal"))
            files.Add(("the WAL", await File.ReadAllBytesAsync(Path + "-wal")));
        return files;
    }

    /// <summary>A consistent copy of the database, taken even while the service writes; the copy stands alone (no log beside it).</summary>
    public TestDatabase CopyTo(string path)
    {
        RequireSqlite();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var copy = new TestDatabase(path, pooling: false);
        using (var source = (SqliteConnection)Open())
        using (var target = (SqliteConnection)copy.Open())
        {
            source.BackupDatabase(target);
            target.Execute("PRAGMA journal_mode=DELETE");
        }
        return copy;
    }

    /// <summary>How SQLite would run <paramref name="sql"/> (EXPLAIN QUERY PLAN), every parameter bound to NULL: one line per step.</summary>
    public List<string> QueryPlan(string sql)
    {
        RequireSqlite();
        using var db = (SqliteConnection)Open();
        using var command = db.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in Parameter().Matches(sql).Select(m => m.Value).Distinct())
            command.Parameters.AddWithValue(name, DBNull.Value);
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
            steps.Add(reader.GetString(3));
        return steps;
    }

    /// <summary>
    /// Whether SQLite re-plans <paramref name="sql"/> once its parameters are bound (a bare LIMIT parameter, a LIKE
    /// pattern), paying its preparation again on every run: prepared once, every parameter bound to 1, stepped, and
    /// SQLite's own counter asked.
    /// </summary>
    public bool ReplansWhenBound(string sql)
    {
        RequireSqlite();
        using var db = (SqliteConnection)Open();
        Assert.That(SQLitePCL.raw.sqlite3_prepare_v2(db.Handle, sql, out var statement), Is.EqualTo(SQLitePCL.raw.SQLITE_OK), sql);
        using (statement)
        {
            for (var i = 1; i <= SQLitePCL.raw.sqlite3_bind_parameter_count(statement); i++)
                SQLitePCL.raw.sqlite3_bind_int64(statement, i, 1);
            SQLitePCL.raw.sqlite3_step(statement);
            return SQLitePCL.raw.sqlite3_stmt_status(statement, SqliteStatementReprepares, 0) > 0;
        }
    }

    /// <summary>SQLITE_STMTSTATUS_REPREPARE: how often SQLite re-prepared a statement on its own.</summary>
    private const int SqliteStatementReprepares = 5;

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    /// <summary>For what only a SQLite file has (its bytes, a file copy, its query plans): the tests that ask are SQLite's own.</summary>
    private void RequireSqlite()
    {
        if (OnPostgres)
            throw new InvalidOperationException("This check reads the SQLite file; a test that needs it belongs in a Sqlite*Tests file.");
    }

    public DbConnection Open()
    {
        DbConnection connection = OnPostgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}
