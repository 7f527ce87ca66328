using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// A throw-away PostgreSQL 15 cluster for one benchmark run, in the run's folder (so on the disk the SQLite figures are
/// measured on), with the durable defaults left alone: fsync and synchronous_commit on, full-page writes on. The tests'
/// cluster turns fsync off; a benchmark of commits must not. As root the cluster belongs to the package's unprivileged
/// "postgres" user, since initdb refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string? _runAs;

    private PostgresServer(string bin, string folder, int port, string? runAs)
    {
        _bin = bin;
        Folder = folder;
        Port = port;
        _runAs = runAs;
    }

    public string Folder { get; }

    private string Data => Path.Combine(Folder, "data");

    public int Port { get; }

    /// <summary>pg_stat_statements is loaded (--pg-diagnose): a few per cent of overhead, so not in the measured runs.</summary>
    public bool Statements { get; private set; }

    /// <param name="maxConnections">Every node's pool (Npgsql's default 100) and writer, the ceiling's 64, and spare.</param>
    public static PostgresServer Start(string work, int maxConnections, bool statements)
    {
        var bin = new[] { "15" }.Select(v => $"/usr/lib/postgresql/{v}/bin").FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")))
                  ?? throw new InvalidOperationException("PostgreSQL 15 is not installed (Debian: apt-get install postgresql-15).");
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var folder = Path.Combine(work, "pg");
        Directory.CreateDirectory(folder);
        if (runAs is not null)
            Process.Start("chown", [runAs, folder])!.WaitForExit();
        var server = new PostgresServer(bin, folder, Paths.FreePort(), runAs) { Statements = statements };
        // The C collation, as the service's tests use: stored times are ISO-8601 text whose text order is time order.
        server.Run("initdb", "-D", server.Data, "-U", "ledger", "--auth=trust", "-E", "UTF8", "--locale=C");
        var settings = $"-p {server.Port} -h 127.0.0.1 -k {folder} -c max_connections={maxConnections}";
        if (statements)
            settings += " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top -c track_io_timing=on -c track_wal_io_timing=on";
        server.Run("pg_ctl", "-D", server.Data, "-l", Path.Combine(folder, "log"), "-w", "-t", "60", "-o", settings, "start");
        return server;
    }

    public string ConnectionString(string database, int? maxPool = null)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "ledger", Database = database };
        if (maxPool is { } max)
            builder.MaxPoolSize = max;
        return builder.ConnectionString;
    }

    /// <summary>A new, empty database; its connection string.</summary>
    public string CreateDatabase(string name)
    {
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            connection.Execute($"CREATE DATABASE \"{name}\"");
        }
        if (Statements)
        {
            using var connection = new NpgsqlConnection(ConnectionString(name));
            connection.Open();
            connection.Execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        return ConnectionString(name);
    }

    /// <summary>
    /// CPU the whole server has used so far: the postmaster, its live children (backends, WAL writer, checkpointer) and
    /// the children it has already reaped (cutime/cstime), so backends that closed mid-run still count.
    /// </summary>
    public TimeSpan CpuTime()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(Data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var total = Paths.CpuTime(postmaster, includeReapedChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == postmaster)
                continue;
            try
            {
                if (Paths.ParentPid(pid) == postmaster)
                    total += Paths.CpuTime(pid);
            }
            catch (IOException)
            {
                // The process ended between the listing and the read: its time is now in the postmaster's cutime.
            }
        }
        return total;
    }

    /// <summary>The cluster's counters the report compares before and after a scenario.</summary>
    public DatabaseCounters Counters(string database)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        var (commits, rollbacks, deadlocks, conflicts) = connection.QuerySingle<(long, long, long, long)>(
            "SELECT xact_commit, xact_rollback, deadlocks, conflicts FROM pg_stat_database WHERE datname = current_database()");
        var (walBytes, walSyncs) = connection.QuerySingle<(decimal, long)>("SELECT wal_bytes, wal_sync FROM pg_stat_wal");
        return new DatabaseCounters(commits, rollbacks, deadlocks, conflicts, (long)walBytes, walSyncs, CpuTime());
    }

    /// <summary>The statements that took the most time since the last reset (--pg-diagnose), as a markdown table.</summary>
    public string TopStatements(string database, int count = 15)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        var rows = connection.Query<(long Calls, double TotalMs, double MeanMs, long Rows, string Query)>(
            """
            SELECT calls, total_exec_time, mean_exec_time, rows, regexp_replace(query, '\s+', ' ', 'g')
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time DESC LIMIT @Count
            """, new { Count = count });
        var total = connection.ExecuteScalar<long>(
            "SELECT sum(calls)::bigint FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())");
        // track=top: each call is a statement the service sent, a round trip, not the foreign-key checks it set off.
        var s = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Statements sent: {total} in all (the top {count} by time below).\n\n| calls | total ms | mean ms | rows | statement |\n|---:|---:|---:|---:|---|\n"));
        foreach (var r in rows)
            s.AppendLine(CultureInfo.InvariantCulture, $"| {r.Calls} | {r.TotalMs:0} | {r.MeanMs:0.000} | {r.Rows} | {r.Query[..Math.Min(160, r.Query.Length)].Replace("|", "\\|", StringComparison.Ordinal)} |");
        return s.ToString();
    }

    /// <summary>
    /// What the database's busy sessions are doing, sampled every 10 ms until <paramref name="stop"/> (--pg-diagnose): a
    /// session "idle in transaction" waiting on ClientRead is a writer waiting for its node's next statement, one on
    /// Lock:advisory a node waiting for another's batch, IO:WALSync or LWLock:WALWrite a commit waiting for the disk.
    /// </summary>
    public async Task<string> SampleWaits(string database, CancellationToken stop)
    {
        var counts = new Dictionary<string, int>();
        var samples = 0;
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            samples++;
            foreach (var state in await connection.QueryAsync<string>(
                         """
                         SELECT state || ' / ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU')
                         FROM pg_stat_activity
                         WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'
                         """))
                counts[state] = counts.GetValueOrDefault(state) + 1;
            try
            {
                await Task.Delay(10, stop);
            }
            catch (TaskCanceledException)
            {
                break;
            }
        }
        var s = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Busy sessions by state and wait event, {samples} samples (mean sessions in that state):\n\n| state / wait | sessions |\n|---|---:|\n"));
        foreach (var (state, count) in counts.OrderByDescending(c => c.Value))
            s.AppendLine(CultureInfo.InvariantCulture, $"| {state} | {count / (double)Math.Max(1, samples):0.00} |");
        return s.ToString();
    }

    public void ResetStatements(string database)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        connection.Execute("SELECT pg_stat_statements_reset()");
    }

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        Run("pg_ctl", "-D", Data, "-m", "fast", "-w", "stop");
        // The data folder holds every row the run wrote: only the log is kept with the report.
        Directory.Delete(Data, recursive: true);
        return ValueTask.CompletedTask;
    }

    private void Run(string tool, params string[] args)
    {
        var file = Path.Combine(_bin, tool);
        var start = _runAs is null
            ? new ProcessStartInfo(file, args)
            : new ProcessStartInfo("runuser", ["-u", _runAs, "--", file, .. args]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error.Trim()} {output.Result.Trim()}");
    }
}

/// <summary>Cumulative counters of the cluster; a scenario's figures are the difference of two readings.</summary>
public sealed record DatabaseCounters(long Commits, long Rollbacks, long Deadlocks, long Conflicts, long WalBytes, long WalSyncs, TimeSpan Cpu)
{
    public static DatabaseCounters operator -(DatabaseCounters a, DatabaseCounters b) =>
        new(a.Commits - b.Commits, a.Rollbacks - b.Rollbacks, a.Deadlocks - b.Deadlocks, a.Conflicts - b.Conflicts, a.WalBytes - b.WalBytes,
            a.WalSyncs - b.WalSyncs, a.Cpu - b.Cpu);
}
