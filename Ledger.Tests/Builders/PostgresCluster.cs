using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ledger.Tests.Builders;

/// <summary>
/// A throw-away PostgreSQL cluster for the tests: initdb and pg_ctl from the Debian package (postgresql-15) on a free
/// loopback port, in a temp folder, one per test run and a database per caller. Skipped with a message where
/// PostgreSQL is not installed, required under CI (whose .ci/run installs it). initdb refuses to run as root, so as
/// root the cluster belongs to the package's unprivileged "postgres" user.
/// </summary>
public sealed class PostgresCluster
{
    private static readonly Lock StartLock = new();
    private static PostgresCluster? _shared;
    private static string? _unavailable;
    private static int _databases;

    private readonly string _bin;
    private readonly string? _runAs;

    private PostgresCluster(string bin, string folder, int port, string? runAs)
    {
        _bin = bin;
        Folder = folder;
        Port = port;
        _runAs = runAs;
    }

    /// <summary>The cluster's folder: its data directory, its log and its socket.</summary>
    public string Folder { get; }

    private string Data => Path.Combine(Folder, "data");

    public int Port { get; }

    /// <summary>The cluster of this test run, started on first use; fails under CI, skips elsewhere, when it cannot start.</summary>
    public static PostgresCluster Require(string test)
    {
        lock (StartLock)
        {
            if (_shared is null && _unavailable is null)
            {
                try
                {
                    _shared = Start();
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
                {
                    _unavailable = ex.Message;
                }
            }
        }
        if (_shared is not null)
            return _shared;
        if (Environment.GetEnvironmentVariable("CI") is not null)
            Assert.Fail($"CI must run the {test} on PostgreSQL, but no cluster could start: {_unavailable} (.ci/run installs postgresql-15).");
        Assert.Ignore($"The {test} needs PostgreSQL: {_unavailable} Install Debian's postgresql-15 to run it.");
        return null!;
    }

    /// <summary>A new, empty database of its own, as an Npgsql connection string.</summary>
    public string CreateDatabase()
    {
        var name = $"ledger_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "ledger", Database = database, Pooling = true }.ConnectionString;

    /// <summary>Stops the cluster at once and removes its folder; the test run's end calls it.</summary>
    public static void StopShared()
    {
        lock (StartLock)
        {
            if (_shared is null)
                return;
            NpgsqlConnection.ClearAllPools();
            _shared.Run("pg_ctl", "-D", _shared.Data, "-m", "immediate", "-w", "stop");
            try
            {
                Directory.Delete(_shared.Folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open: the temp folder is left for the system to clear.
            }
            _shared = null;
        }
    }

    private static PostgresCluster Start()
    {
        var bin = FindBin() ?? throw new InvalidOperationException("no initdb and pg_ctl were found (/usr/lib/postgresql/*/bin).");
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var folder = Path.Combine(Path.GetTempPath(), $"ledger-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (runAs is not null)
            Process.Start("chown", [runAs, folder])!.WaitForExit();
        var cluster = new PostgresCluster(bin, folder, FreePort(), runAs);
        var data = cluster.Data;
        // The C collation: stored times are ISO-8601 text, and their text order must be their time order, as in SQLite.
        cluster.Run("initdb", "-D", data, "-U", "ledger", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
        // A throw-away cluster need not survive a power cut: fsync off saves the tests' disk, nothing else changes.
        cluster.Run("pg_ctl", "-D", data, "-l", Path.Combine(folder, "log"), "-w", "-t", "60", "-o",
            $"-p {cluster.Port} -h 127.0.0.1 -k {folder} -c fsync=off -c full_page_writes=off -c max_connections=300", "start");
        return cluster;
    }

    private static string? FindBin()
    {
        var root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
            return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
