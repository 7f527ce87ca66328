using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Ledger.Api.Storage.Postgres;

/// <summary>
/// The database as PostgreSQL, shared by any number of service nodes: Npgsql's pool for reads, one write connection per
/// node whose batches serialise on an advisory lock (<see cref="PostgresDialect.WriteLock"/>), the migrations applied
/// under a lock of their own.
/// </summary>
public sealed class PostgresDatabase : Database
{
    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(IConfiguration configuration) : base(PostgresDialect.Instance)
    {
        var builder = Settings(configuration.GetConnectionString("Ledger"));
        ConnectionString = builder.ConnectionString;
        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>
    /// The configured connection string with what the service relies on filled in where the operator said nothing:
    /// statements prepared after their second use (the service sends a few dozen texts, always the same), and a short
    /// connect timeout, so a node without its database says so quickly instead of holding requests.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Settings(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
            throw new Hosting.StartRefusedException(
                "ConnectionStrings:Ledger is empty; with the postgresql provider it must name the server, e.g. Host=127.0.0.1;Database=ledger;Username=ledger.");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(configured);
        }
        catch (ArgumentException ex)
        {
            throw new Hosting.StartRefusedException($"ConnectionStrings:Ledger is not a PostgreSQL connection string: {ex.Message}");
        }
        if (string.IsNullOrEmpty(builder.Host))
            throw new Hosting.StartRefusedException("ConnectionStrings:Ledger names no Host for the postgresql provider.");
        if (!configured.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
            builder.MaxAutoPrepare = 256;
        if (!configured.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
            builder.Timeout = 5;
        return builder;
    }

    public string ConnectionString { get; }

    public override string Location { get; }

    internal override bool SharedByNodes => true;

    public override void ConnectionLost() => _source.Clear();

    public override DbConnection OpenRead() => _source.OpenConnection();

    public override async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken = default) =>
        await _source.OpenConnectionAsync(cancellationToken);

    /// <summary>Reads on one snapshot: REPEATABLE READ takes it at the first query and keeps it to the end.</summary>
    public override T Snapshot<T>(DbConnection connection, Func<T> read)
    {
        connection.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        try
        {
            return read();
        }
        finally
        {
            connection.Execute("COMMIT");
        }
    }

    public override IEnumerable<T> Stream<T>(string sql, object? parameters)
    {
        using var connection = _source.OpenConnection();
        foreach (var row in connection.Query<T>(sql, parameters, buffered: false))
            yield return row;
    }

    internal override DbConnection OpenWrite() => _source.OpenConnection();

    /// <summary>
    /// PostgreSQL keeps no per-connection count of changed rows that costs no statement; the writer's unaudited-unit
    /// count is kept on SQLite, whose suite runs the same units.
    /// </summary>
    internal override int? RowsChanged(DbConnection writeConnection) => null;

    /// <summary>
    /// A connection outside the pool holding the migration lock for as long as it is open: a pooled one would go back to
    /// the pool still holding it. Nodes starting together wait here, then find the migrations applied.
    /// </summary>
    internal override DbConnection OpenForMigrations()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        connection.Execute($"SELECT pg_advisory_lock({PostgresDialect.MigrationLock})");
        return connection;
    }

    /// <summary>
    /// pg_dump in its custom format (pg_restore reads it): one consistent snapshot while the nodes keep writing. The
    /// password, if any, travels in the environment, never on the command line.
    /// </summary>
    public override long? BackUp(string targetPath)
    {
        var settings = new NpgsqlConnectionStringBuilder(ConnectionString);
        var start = new ProcessStartInfo("pg_dump")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--format=custom", "--no-owner", $"--file={targetPath}", $"--host={settings.Host}", $"--port={settings.Port}",
                     $"--username={settings.Username ?? Environment.UserName}", $"--dbname={settings.Database}",
                 })
            start.ArgumentList.Add(argument);
        if (!string.IsNullOrEmpty(settings.Password))
            start.Environment["PGPASSWORD"] = settings.Password;
        Directory.CreateDirectory(Path.GetDirectoryName(targetPath)!);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new Hosting.StartRefusedException("pg_dump was not found: install PostgreSQL's client programs (Debian: postgresql-client-15).");
        }
        using (process)
        {
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new Hosting.StartRefusedException($"pg_dump failed: {errors.Trim()}");
        }
        return new FileInfo(targetPath).Length;
    }

    private readonly Lock _leading = new();
    private NpgsqlConnection? _leader;
    private readonly HashSet<long> _led = [];

    /// <summary>
    /// Session locks on a connection of their own, outside the pool, held for as long as the node runs: a job's leader
    /// stays the leader, and when its node dies PostgreSQL ends the session and frees the lock for another.
    /// </summary>
    public override bool TryLead(string job)
    {
        var key = PostgresDialect.JobLock(job);
        lock (_leading)
        {
            try
            {
                if (_leader is null || _leader.State != System.Data.ConnectionState.Open)
                {
                    _leader?.Dispose();
                    _led.Clear();
                    _leader = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
                    _leader.Open();
                }
                if (_led.Contains(key))
                {
                    // Still ours as long as the session lives; a statement finds out whether it does.
                    _leader.Execute("SELECT 1");
                    return true;
                }
                if (!_leader.ExecuteScalar<bool>("SELECT pg_try_advisory_lock(@Key)", new { Key = key }))
                    return false;
                _led.Add(key);
                return true;
            }
            catch (DbException)
            {
                // The database is out of reach (failing over, say): nobody here leads until it answers again.
                _leader?.Dispose();
                _leader = null;
                _led.Clear();
                return false;
            }
        }
    }

    public override void Dispose()
    {
        lock (_leading)
            _leader?.Dispose();
        _source.Dispose();
    }
}
