using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// The PostgreSQL ceiling: a record-and-approve's rows — the ledger transaction, its two postings and the two balance
/// updates, the volunteer's statement line, the lot and its movement, the approved service record, the two audit
/// events (what ServiceRecordChanges.Record and PointsLedger.Post write) — into the service's own schema, one
/// transaction each, from C concurrent plain Npgsql connections with no lock of ours: PostgreSQL's own group commit
/// at work, on the cluster and disk the service runs on. No checks, hashes or JSON are computed.
/// </summary>
public static class RawPostgres
{
    /// <summary>Communities in the ceiling's database: one per connection, so each can post to an issuance account of its own.</summary>
    private const int Communities = 64;

    public sealed record Result(double CommitsPerSecond, long Retries);

    /// <param name="sharedIssuance">
    /// Every connection posts against one community's issuance account, as every record of one community does — one row
    /// all transactions update, each holding its lock until its commit is on disk, so they queue on that row instead of
    /// sharing a flush. Otherwise each connection posts for a community of its own and only the WAL flush is shared.
    /// </param>
    public static async Task<Result> Run(PostgresServer server, string repo, string database, int connections, TimeSpan duration, bool sharedIssuance,
        int volunteers = 2000)
    {
        var connectionString = server.CreateDatabase(database);
        using (var setup = new NpgsqlConnection(connectionString))
        {
            setup.Open();
            foreach (var migration in Directory.GetFiles(Path.Combine(repo, "migrations", "postgresql"), "*.sql").Order(StringComparer.Ordinal))
                setup.Execute(File.ReadAllText(migration));
            var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            // Community c's issuance account is account c; volunteer v (of community (v - 1) % 64 + 1) has account 1000 + v.
            setup.Execute(
                """
                INSERT INTO communities (id, name, street, district, time_zone, created_at)
                SELECT c, '压测社区' || c, '桃浦镇', '普陀区', 'Asia/Shanghai', @Now FROM generate_series(1, @Communities) c;
                INSERT INTO accounts (id, community_id, kind) SELECT c, c, 'issuance' FROM generate_series(1, @Communities) c;
                INSERT INTO volunteers (id, community_id, member_code, name, phone, echelon, created_at, updated_at)
                SELECT v, (v - 1) % @Communities + 1, 'M' || lpad(v::text, 6, '0'), '志愿者' || v, '139' || lpad(v::text, 8, '0'), 'first', @Now, @Now
                FROM generate_series(1, @Volunteers) v;
                INSERT INTO accounts (id, community_id, kind, volunteer_id)
                SELECT 1000 + v, (v - 1) % @Communities + 1, 'volunteer', v FROM generate_series(1, @Volunteers) v;
                """, new { Now = now, Communities, Volunteers = volunteers });
        }

        // Statements prepared after their second use, as the service's connections prepare theirs.
        await using var source = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = connections, MaxAutoPrepare = 16 }.ConnectionString);
        var done = 0L;
        var retries = 0L;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            await using var c = await source.OpenConnectionAsync();
            var statements = new Statements(c);
            // Worker w writes for the volunteers of community w % 64 + 1 only, so no two transactions touch the same
            // volunteer's rows; what they share is the WAL (and, with sharedIssuance, one account row).
            var mine = Enumerable.Range(1, volunteers).Where(v => (v - 1) % Communities == worker % Communities).ToArray();
            var day = DateTime.UtcNow.Date.AddDays(-1);
            for (var i = 0L; clock.Elapsed < duration; i++)
            {
                var volunteer = mine[i % mine.Length];
                var community = (volunteer - 1) % Communities + 1;
                var slot = i / mine.Length;
                var start = day.AddDays(-(slot / 16)).AddMinutes(slot % 16 * 30);
                try
                {
                    await statements.RecordAndApprove(community, sharedIssuance ? 1 : community, volunteer, start);
                    Interlocked.Increment(ref done);
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    // Not expected (each transaction updates at most one shared row), but counted, not hidden.
                    Interlocked.Increment(ref retries);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return new Result(done / clock.Elapsed.TotalSeconds, retries);
    }

    /// <summary>A connection's statements, each command made once.</summary>
    private sealed class Statements
    {
        private readonly NpgsqlConnection _c;
        private readonly NpgsqlCommand _transaction;
        private readonly NpgsqlCommand _account;
        private readonly NpgsqlCommand _posting;
        private readonly NpgsqlCommand _line;
        private readonly NpgsqlCommand _lot;
        private readonly NpgsqlCommand _movement;
        private readonly NpgsqlCommand _record;
        private readonly NpgsqlCommand _audit;
        private static readonly string Hash = new('0', 64);

        public Statements(NpgsqlConnection c)
        {
            _c = c;
            _transaction = Command($"INSERT INTO ledger_transactions (community_id, kind, at, reference, memo, actor_key_id, request_id, hash) VALUES ($1, 'accrual', $2, $3, 'patrol', 2, 'req', '{Hash}') RETURNING id");
            _account = Command("UPDATE accounts SET balance = balance + $1 WHERE id = $2 RETURNING balance");
            _posting = Command("INSERT INTO postings (transaction_id, account_id, amount, balance_after) VALUES ($1, $2, $3, $4) RETURNING id");
            _line = Command(
                """
                INSERT INTO statement_lines (account_id, posting_id, transaction_id, at, kind, amount, balance_after, reference, memo)
                VALUES ($1, $2, $3, $4, 'accrual', $5, $6, $7, 'patrol')
                """);
            _lot = Command(
                """
                INSERT INTO point_lots (account_id, year, remaining) VALUES ($1, 2026, 5)
                ON CONFLICT (account_id, year) DO UPDATE SET remaining = point_lots.remaining + excluded.remaining RETURNING id
                """);
            _movement = Command("INSERT INTO lot_movements (transaction_id, lot_id, amount) VALUES ($1, $2, 5)");
            _record = Command(
                """
                INSERT INTO service_records (community_id, volunteer_id, category, started_at, ended_at, minutes, status, score, points, rule_version,
                                             accrual_transaction_id, submitted_by_key_id, decided_by_key_id, decided_at, created_at)
                VALUES ($1, $2, 'patrol', $3, $4, 30, 'approved', 5, 5, 1, $5, 2, 2, $6, $6) RETURNING id
                """);
            _audit = Command($"INSERT INTO audit_events (at, actor_key_id, action, subject, request_id, detail, hash) VALUES ($1, 2, $2, $3, 'req', $4, '{Hash}')");
        }

        private NpgsqlCommand Command(string sql) => new(sql, _c);

        /// <summary>Runs a command with positional parameters ($1, $2 …) set to <paramref name="values"/>.</summary>
        private static async Task<T> Scalar<T>(NpgsqlCommand command, params object[] values)
        {
            if (command.Parameters.Count == 0)
                foreach (var _ in values)
                    command.Parameters.Add(new NpgsqlParameter());
            for (var i = 0; i < values.Length; i++)
                command.Parameters[i].Value = values[i];
            return (T)(await command.ExecuteScalarAsync())!;
        }

        public async Task RecordAndApprove(long community, long issuanceAccount, long volunteer, DateTime start)
        {
            var at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var account = 1000 + volunteer;
            await using var transaction = await _c.BeginTransactionAsync();
            var tx = await Scalar<long>(_transaction, community, at, "service-record");
            var balance = await Scalar<long>(_account, 5L, account);
            var posting = await Scalar<long>(_posting, tx, account, 5L, balance);
            await Scalar<object?>(_line, account, posting, tx, at, 5L, balance, "service-record");
            var lot = await Scalar<long>(_lot, account);
            await Scalar<object?>(_movement, tx, lot);
            var record = await Scalar<long>(_record, community, volunteer, Time(start), Time(start.AddMinutes(30)), tx, at);
            await Scalar<object?>(_audit, at, "service-record.submitted", $"service-record:{record}",
                $"{{\"volunteerId\":{volunteer},\"category\":\"patrol\",\"minutes\":30}}");
            await Scalar<object?>(_audit, at, "service-record.approved", $"service-record:{record}",
                $"{{\"score\":5,\"points\":5,\"ruleVersion\":1,\"transactionId\":{tx}}}");
            // The issuance account last: with sharedIssuance it is the one row all transactions queue on, and its lock is
            // then held only for the commit itself — the best order PostgreSQL can be given.
            var issued = await Scalar<long>(_account, -5L, issuanceAccount);
            await Scalar<long>(_posting, tx, issuanceAccount, -5L, issued);
            await transaction.CommitAsync();
        }

        private static string Time(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
