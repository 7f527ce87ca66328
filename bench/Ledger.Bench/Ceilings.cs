using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ledger.Bench;

/// <summary>
/// Ceilings (a) and (b): the rows of a record-and-approve written into the service's own schema by a bare loop of
/// prepared statements (<see cref="RunOnServiceSchema"/>), one transaction per record or 100. (a-bare), the first
/// version of (a), writes the same kinds of rows — the record, its update to approved, the accrual transaction, two
/// postings, two balance updates, the lot and its movement, two audit events — into lean tables of its own
/// (<see cref="Run"/>). All on the same disk and settings (WAL, synchronous=FULL).
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

    /// <summary>
    /// The same rows written into the service's own schema (its migrations, foreign keys on, every index and trigger)
    /// for 2,000 volunteers in turn, as the benchmark's records are: what a record-and-approve's rows cost SQLite when
    /// nothing is shared. Statements are prepared once; no checks, hashes or JSON are computed.
    /// </summary>
    public static double RunOnServiceSchema(string path, string repo, int batch, TimeSpan duration, int volunteers = 2000)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False;Foreign Keys=True");
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        foreach (var migration in Directory.GetFiles(Path.Combine(repo, "migrations", "sqlite"), "*.sql").Order(StringComparer.Ordinal))
            Exec(c, File.ReadAllText(migration));
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Exec(c, "BEGIN");
        Exec(c, $"INSERT INTO communities (id, name, street, district, time_zone, created_at) VALUES (1, '压测社区', '桃浦镇', '普陀区', 'Asia/Shanghai', '{now}')");
        Exec(c, "INSERT INTO accounts (id, community_id, kind) VALUES (1, 1, 'issuance')");
        for (var v = 1; v <= volunteers; v++)
        {
            Exec(c, $"INSERT INTO volunteers (id, community_id, member_code, name, phone, echelon, created_at, updated_at) VALUES ({v}, 1, 'M{v:D6}', '志愿者{v}', '139{v:D8}', 'first', '{now}', '{now}')");
            Exec(c, $"INSERT INTO accounts (id, community_id, kind, volunteer_id) VALUES ({v + 1}, 1, 'volunteer', {v})");
        }
        Exec(c, "COMMIT");

        var hash = new string('0', 64);
        var insertTx = Prepare(c, $"INSERT INTO ledger_transactions (community_id, kind, at, reference, memo, actor_key_id, request_id, hash) VALUES (1, 'accrual', $at, $ref, 'patrol', 2, 'req', '{hash}') RETURNING id");
        var updateAccount = Prepare(c, "UPDATE accounts SET balance = balance + $amount WHERE id = $id RETURNING balance");
        var insertPosting = Prepare(c, "INSERT INTO postings (transaction_id, account_id, amount, balance_after) VALUES ($t, $id, $amount, $b) RETURNING id");
        var insertLine = Prepare(c, """
            INSERT INTO statement_lines (account_id, posting_id, transaction_id, at, kind, amount, balance_after, reference, memo)
            VALUES ($id, $p, $t, $at, 'accrual', $amount, $b, $ref, 'patrol')
            """);
        var upsertLot = Prepare(c, "INSERT INTO point_lots (account_id, year, remaining) VALUES ($id, 2026, 5) ON CONFLICT (account_id, year) DO UPDATE SET remaining = remaining + excluded.remaining RETURNING id");
        var insertMove = Prepare(c, "INSERT INTO lot_movements (transaction_id, lot_id, amount) VALUES ($t, $lot, 5)");
        var insertRecord = Prepare(c, """
            INSERT INTO service_records (community_id, volunteer_id, category, started_at, ended_at, minutes, status, score, points, rule_version,
                                         accrual_transaction_id, submitted_by_key_id, decided_by_key_id, decided_at, created_at)
            VALUES (1, $v, 'patrol', $start, $end, 30, 'approved', 5, 5, 1, $t, 2, 2, $at, $at) RETURNING id
            """);
        var audit = Prepare(c, $"INSERT INTO audit_events (at, actor_key_id, action, subject, request_id, detail, hash) VALUES ($at, 2, $action, $subject, 'req', $detail, '{hash}')");

        long done = 0;
        var day = DateTime.UtcNow.Date.AddDays(-1);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            Exec(c, "BEGIN IMMEDIATE");
            for (var i = 0; i < batch; i++, done++)
            {
                var volunteer = done % volunteers + 1;
                var slot = done / volunteers;
                var start = day.AddDays(-(slot / 16)).AddMinutes(slot % 16 * 30);
                var at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                Bind(insertTx, ("$at", at), ("$ref", $"service-record:{done + 1}"));
                var tx = (long)insertTx.ExecuteScalar()!;
                foreach (var (account, amount) in new[] { (1L, -5L), (volunteer + 1, 5L) })
                {
                    Bind(updateAccount, ("$amount", amount), ("$id", account));
                    var balance = (long)updateAccount.ExecuteScalar()!;
                    Bind(insertPosting, ("$t", tx), ("$id", account), ("$amount", amount), ("$b", balance));
                    var posting = (long)insertPosting.ExecuteScalar()!;
                    if (account == 1)
                        continue;
                    // The volunteer's statement line (migration 0007).
                    Bind(insertLine, ("$id", account), ("$p", posting), ("$t", tx), ("$at", at), ("$amount", amount), ("$b", balance),
                        ("$ref", $"service-record:{done + 1}"));
                    insertLine.ExecuteNonQuery();
                }
                Bind(upsertLot, ("$id", volunteer + 1));
                var lot = (long)upsertLot.ExecuteScalar()!;
                Bind(insertMove, ("$t", tx), ("$lot", lot));
                insertMove.ExecuteNonQuery();
                Bind(insertRecord, ("$v", volunteer), ("$start", start.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)),
                    ("$end", start.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)), ("$t", tx), ("$at", at));
                var record = (long)insertRecord.ExecuteScalar()!;
                Bind(audit, ("$at", at), ("$action", "service-record.submitted"), ("$subject", $"service-record:{record}"),
                    ("$detail", $"{{\"volunteerId\":{volunteer},\"category\":\"patrol\",\"minutes\":30}}"));
                audit.ExecuteNonQuery();
                Bind(audit, ("$action", "service-record.approved"), ("$detail", $"{{\"score\":5,\"points\":5,\"ruleVersion\":1,\"transactionId\":{tx}}}"));
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

    public int Pid => _process.Id;

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
