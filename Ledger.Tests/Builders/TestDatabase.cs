using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Ledger.Api.Storage;
using Microsoft.Data.Sqlite;

namespace Ledger.Tests.Builders;

/// <summary>
/// The only test code that opens the database: the counts, reads and tampering the API does not offer, the schema,
/// the stored bytes, a copy of the file. Tests say what they want to know and this class knows which database answers,
/// so a second database means changing this class, not the tests. Each call opens a connection of its own and closes it.
/// </summary>
public sealed partial class TestDatabase
{
    /// <param name="path">The database file (it need not exist yet).</param>
    /// <param name="pooling">Off for a file another process writes and kills: a pooled connection would outlive it.</param>
    public TestDatabase(string path, bool pooling = true)
    {
        Path = path;
        var builder = new SqliteConnectionStringBuilder { DataSource = path };
        if (!pooling)
            builder.Pooling = false;
        ConnectionString = builder.ToString();
    }

    public string Path { get; }

    /// <summary>What the service is configured with to use this database.</summary>
    public string ConnectionString { get; }

    public bool Exists => File.Exists(Path);

    /// <summary>
    /// Closes the connections the pool keeps open, so the file can be deleted, moved or replaced behind the service's
    /// back (SQLite's pool would otherwise hold it).
    /// </summary>
    public static void ReleaseAll() => SqliteConnection.ClearAllPools();

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

    /// <summary>Applies <paramref name="migrations"/> as the service would; returns the names of those it applied.</summary>
    public IReadOnlyList<string> Migrate(IReadOnlyList<Migration> migrations)
    {
        using var db = Open();
        return Migrator.Apply(db, migrations);
    }

    /// <summary>The tables of the schema, in name order.</summary>
    public List<string> Tables() => Query<string>(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name");

    /// <summary>A hash of every row of every table, so a test can say "nothing at all changed".</summary>
    public string Checksum()
    {
        using var db = Open();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (table, withoutRowid) in db.Query<(string, bool)>(
                     "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name <> 'sqlite_schema' ORDER BY name"))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(table));
            // A table without rowid is ordered by its primary key.
            var order = withoutRowid
                ? string.Join(", ", db.Query<string>("SELECT name FROM pragma_table_info(@Table) WHERE pk > 0 ORDER BY pk", new { Table = table }).Select(c => $"\"{c}\""))
                : "rowid";
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY {order}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                for (var i = 0; i < reader.FieldCount; i++)
                    hash.AppendData(Encoding.UTF8.GetBytes((reader.IsDBNull(i) ? "␀" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)) + "|"));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>
    /// Everything the database holds on disk, as it is stored: the file and, while the service runs, its write-ahead
    /// log. For searching for what must never be stored in clear.
    /// </summary>
    public async Task<List<(string Name, byte[] Bytes)>> StoredFiles()
    {
        var files = new List<(string, byte[])> { ("the database file", await File.ReadAllBytesAsync(Path)) };
        if (File.Exists(Path + "-wal"))
            files.Add(("the WAL", await File.ReadAllBytesAsync(Path + "-wal")));
        return files;
    }

    /// <summary>A consistent copy of the database, taken even while the service writes; the copy stands alone (no log beside it).</summary>
    public TestDatabase CopyTo(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var copy = new TestDatabase(path, pooling: false);
        using (var source = Open())
        using (var target = copy.Open())
        {
            source.BackupDatabase(target);
            target.Execute("PRAGMA journal_mode=DELETE");
        }
        return copy;
    }

    /// <summary>How SQLite would run <paramref name="sql"/> (EXPLAIN QUERY PLAN), every parameter bound to NULL: one line per step.</summary>
    public List<string> QueryPlan(string sql)
    {
        using var db = Open();
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
        using var db = Open();
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

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}
