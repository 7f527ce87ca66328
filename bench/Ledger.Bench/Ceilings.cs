using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ledger.Bench;

/// <summary>
/// Ceilings (a) and (b): the rows one record-and-approve writes — the record, its update to approved, the accrual
/// transaction, two postings, two balance updates, the lot and its movement, two audit events — written by a bare loop
/// with prepared statements on the same disk and settings (WAL, synchronous=FULL): one transaction per record, or 100.
/// </summary>
public static class RawSqlite
{
    public static double Run(string path, int batch, TimeSpan duration)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Exec(c, """
            CREATE TABLE r (id INTEGER PRIMARY KEY, volunteer_id INTEGER, category TEXT, started_at TEXT, ended_at TEXT, minutes INTEGER, status TEXT, score INTEGER, points INTEGER, created_at TEXT);
            CREATE INDEX ix_r ON r (volunteer_id, started_at);
            CREATE TABLE t (id INTEGER PRIMARY KEY, community_id INTEGER, kind TEXT, at TEXT, reference TEXT, hash TEXT);
            CREATE TABLE p (id INTEGER PRIMARY KEY, transaction_id INTEGER, account_id INTEGER, amount INTEGER, balance_after INTEGER);
            CREATE INDEX ix_p ON p (account_id, id);
            CREATE TABLE a (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE l (id INTEGER PRIMARY KEY, account_id INTEGER, year INTEGER, remaining INTEGER, UNIQUE (account_id, year));
            CREATE TABLE m (id INTEGER PRIMARY KEY, transaction_id INTEGER, lot_id INTEGER, amount INTEGER);
            CREATE TABLE e (id INTEGER PRIMARY KEY, at TEXT, action TEXT, subject TEXT, detail TEXT, hash TEXT);
            INSERT INTO a (id) VALUES (1), (2);
            """);
        var insertRecord = Prepare(c, "INSERT INTO r (volunteer_id, category, started_at, ended_at, minutes, status, created_at) VALUES (2, 'patrol', $s, $e, 30, 'pending', $s) RETURNING id");
        var insertTx = Prepare(c, "INSERT INTO t (community_id, kind, at, reference, hash) VALUES (1, 'accrual', $s, 'service-record', 'x') RETURNING id");
        var updateAccount = Prepare(c, "UPDATE a SET balance = balance + $amount WHERE id = $id RETURNING balance");
        var insertPosting = Prepare(c, "INSERT INTO p (transaction_id, account_id, amount, balance_after) VALUES ($t, $id, $amount, $b)");
        var upsertLot = Prepare(c, "INSERT INTO l (account_id, year, remaining) VALUES (2, 2026, 5) ON CONFLICT (account_id, year) DO UPDATE SET remaining = remaining + 5 RETURNING id");
        var insertMove = Prepare(c, "INSERT INTO m (transaction_id, lot_id, amount) VALUES ($t, $lot, 5)");
        var approve = Prepare(c, "UPDATE r SET status = 'approved', score = 5, points = 5 WHERE id = $id");
        var audit = Prepare(c, "INSERT INTO e (at, action, subject, detail, hash) VALUES ($s, 'service-record.approved', 'service-record:1', '{\"score\":5,\"points\":5}', 'x')");

        long done = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            Exec(c, "BEGIN IMMEDIATE");
            for (var i = 0; i < batch; i++, done++)
            {
                var at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                Bind(insertRecord, ("$s", at), ("$e", at));
                var record = (long)insertRecord.ExecuteScalar()!;
                Bind(audit, ("$s", at));
                audit.ExecuteNonQuery();
                Bind(insertTx, ("$s", at));
                var tx = (long)insertTx.ExecuteScalar()!;
                foreach (var (account, amount) in new[] { (1L, -5L), (2L, 5L) })
                {
                    Bind(updateAccount, ("$amount", amount), ("$id", account));
                    var balance = (long)updateAccount.ExecuteScalar()!;
                    Bind(insertPosting, ("$t", tx), ("$id", account), ("$amount", amount), ("$b", balance));
                    insertPosting.ExecuteNonQuery();
                }
                var lot = (long)upsertLot.ExecuteScalar()!;
                Bind(insertMove, ("$t", tx), ("$lot", lot));
                insertMove.ExecuteNonQuery();
                Bind(approve, ("$id", record));
                approve.ExecuteNonQuery();
                Bind(audit, ("$s", at));
                audit.ExecuteNonQuery();
            }
            Exec(c, "COMMIT");
        }
        return done / clock.Elapsed.TotalSeconds;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection c, string sql)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            if (command.Parameters.Contains(name))
                command.Parameters[name].Value = value;
            else
                command.Parameters.AddWithValue(name, value);
        }
    }
}

/// <summary>Ceiling (c): an endpoint that does nothing, served by Kestrel in a process of its own like the service.</summary>
public sealed class EmptyServer : IAsyncDisposable
{
    private readonly Process _process;

    private EmptyServer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task Run(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/", () => Results.Ok());
        await app.RunAsync();
    }

    public static async Task<EmptyServer> StartProcess()
    {
        var port = Paths.FreePort();
        var process = Process.Start(new ProcessStartInfo("dotnet", [typeof(EmptyServer).Assembly.Location, "--serve-empty", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            { RedirectStandardOutput = true })!;
        var server = new EmptyServer(process, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = server.BaseAddress };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await probe.GetAsync("/")).IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException("The empty server did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
