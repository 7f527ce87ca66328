using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ledger.Bench;

/// <summary>
/// A district's worth of data — 1,000 communities, 1,000,000 volunteers, 10,000,000 postings (5,000,000 transactions,
/// each a volunteer and their community's issuance account) — written straight into a migrated database in batched
/// SQL, with balances, balance_after and the transaction hash chain filled in as the service would. Then the service
/// is started on it and the read scenarios are measured, to compare with the small database.
/// </summary>
public static class Scale
{
    public const int Communities = 1_000;
    public const int Volunteers = 1_000_000;
    public const int Transactions = 5_000_000;

    public static async Task<(Seed Seed, string Note)> Build(string repo, string work)
    {
        var path = Path.Combine(work, "scale.db");
        // Let the service create and migrate the file, then stop it and fill the tables directly.
        await using (var service = await ServiceProcess.Start(repo, work, "scale.db"))
            await service.Client.GetAsync("/health");

        var clock = Stopwatch.StartNew();
        Console.WriteLine($"Filling {Path.GetFileName(path)}: {Communities:N0} communities, {Volunteers:N0} volunteers, {Transactions * 2L:N0} postings…");
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        c.Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;");
        var at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var rules = c.ExecuteScalar<string>("SELECT rules FROM rule_versions LIMIT 1")
                    ?? """{"pointsPerHour":10,"categoryMultipliers":{"epidemic":2.0,"anti-fraud":1.5},"minMinutes":30,"dailyCapMinutes":480,"maxBackdateDays":90,"starThresholdsHours":[100,300,600,1000,1500],"expiry":"never","grading":{"excellent":{"minHours":100,"minAverageScore":4.5,"minActiveMonths":10},"good":{"minHours":50,"minAverageScore":4.0,"minActiveMonths":6},"qualified":{"minHours":20,"minAverageScore":0,"minActiveMonths":0}}}""";

        c.Execute("BEGIN TRANSACTION");
        for (var i = 1; i <= Communities; i++)
        {
            c.Execute("INSERT INTO communities (id, name, street, district, time_zone, created_at) VALUES (@I, @N, '桃浦镇', '普陀区', 'Asia/Shanghai', @At)",
                new { I = i, N = $"规模社区{i}", At = at });
            c.Execute("INSERT INTO rule_versions (community_id, version, effective_from, rules, created_at) VALUES (@I, 1, '2000-01-01T00:00:00.000Z', @R, @At)",
                new { I = i, R = rules, At = at });
            c.Execute("INSERT INTO accounts (id, community_id, kind, volunteer_id, balance) VALUES (@Id, @I, 'issuance', NULL, 0)", new { Id = Volunteers + i, I = i });
        }
        c.Execute("INSERT INTO api_keys (name, role, community_id, key_hash, key_prefix, created_at) VALUES ('scale staff', 'staff', 1, @H, 'lk_s', @At)",
            new { H = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ScaleStaffKey))), At = at });
        using (var volunteer = c.CreateCommand())
        using (var account = c.CreateCommand())
        {
            volunteer.CommandText = "INSERT INTO volunteers (id, community_id, member_code, name, phone, echelon, status, created_at, updated_at) VALUES ($id, $c, $code, $name, $phone, 'first', 'active', $at, $at)";
            account.CommandText = "INSERT INTO accounts (id, community_id, kind, volunteer_id, balance) VALUES ($id, $c, 'volunteer', $id, 0)";
            var p = new[] { "$id", "$c", "$code", "$name", "$phone", "$at" }.Select(n => volunteer.Parameters.Add(n, SqliteType.Text)).ToArray();
            var a1 = account.Parameters.Add("$id", SqliteType.Integer);
            var a2 = account.Parameters.Add("$c", SqliteType.Integer);
            for (var v = 1; v <= Volunteers; v++)
            {
                var community = (v - 1) % Communities + 1;
                p[0].Value = v; p[1].Value = community; p[2].Value = $"S{v:D7}"; p[3].Value = $"志愿者{v}"; p[4].Value = $"139{v:D8}"; p[5].Value = at;
                volunteer.ExecuteNonQuery();
                a1.Value = v; a2.Value = community;
                account.ExecuteNonQuery();
            }
        }
        c.Execute("COMMIT");

        var balances = new long[Volunteers + 1];
        var issuance = new long[Communities + 1];
        string? previous = null;
        using (var tx = c.CreateCommand())
        using (var posting = c.CreateCommand())
        using (var line = c.CreateCommand())
        {
            tx.CommandText = "INSERT INTO ledger_transactions (id, community_id, kind, at, reference, memo, actor_key_id, request_id, reverses_id, hash) VALUES ($id, $c, 'adjustment', $at, 'scale', NULL, NULL, NULL, NULL, $hash)";
            posting.CommandText = "INSERT INTO postings (transaction_id, account_id, amount, balance_after) VALUES ($t, $a, $amount, $after) RETURNING id";
            line.CommandText = """
                INSERT INTO statement_lines (account_id, posting_id, transaction_id, at, kind, amount, balance_after, reference, memo)
                VALUES ($a, $p, $t, $at, 'adjustment', $amount, $after, 'scale', NULL)
                """;
            var lA = line.Parameters.Add("$a", SqliteType.Integer);
            var lP = line.Parameters.Add("$p", SqliteType.Integer);
            var lT = line.Parameters.Add("$t", SqliteType.Integer);
            var lAt = line.Parameters.Add("$at", SqliteType.Text);
            var lAmount = line.Parameters.Add("$amount", SqliteType.Integer);
            var lAfter = line.Parameters.Add("$after", SqliteType.Integer);
            var tId = tx.Parameters.Add("$id", SqliteType.Integer);
            var tC = tx.Parameters.Add("$c", SqliteType.Integer);
            var tAt = tx.Parameters.Add("$at", SqliteType.Text);
            var tHash = tx.Parameters.Add("$hash", SqliteType.Text);
            var pT = posting.Parameters.Add("$t", SqliteType.Integer);
            var pA = posting.Parameters.Add("$a", SqliteType.Integer);
            var pAmount = posting.Parameters.Add("$amount", SqliteType.Integer);
            var pAfter = posting.Parameters.Add("$after", SqliteType.Integer);
            c.Execute("BEGIN TRANSACTION");
            for (var t = 1; t <= Transactions; t++)
            {
                var v = (t - 1) % Volunteers + 1;
                var community = (v - 1) % Communities + 1;
                previous = ChainAndExport.TransactionHash(previous, t, community, at, v, 10);
                tId.Value = t; tC.Value = community; tAt.Value = at; tHash.Value = previous;
                tx.ExecuteNonQuery();
                balances[v] += 10;
                issuance[community] -= 10;
                pT.Value = t; pA.Value = v; pAmount.Value = 10; pAfter.Value = balances[v];
                var postingId = (long)posting.ExecuteScalar()!;
                lA.Value = v; lP.Value = postingId; lT.Value = t; lAt.Value = at; lAmount.Value = 10; lAfter.Value = balances[v];
                line.ExecuteNonQuery();
                pA.Value = Volunteers + community; pAmount.Value = -10; pAfter.Value = issuance[community];
                posting.ExecuteNonQuery();
                if (t % 500_000 == 0)
                {
                    c.Execute("COMMIT; BEGIN TRANSACTION");
                    Console.WriteLine($"  {t * 2L:N0} postings after {clock.Elapsed.TotalSeconds:0} s");
                }
            }
            c.Execute("COMMIT");
        }
        c.Execute("BEGIN TRANSACTION");
        c.Execute("UPDATE accounts SET balance = CASE WHEN kind = 'volunteer' THEN (SELECT COUNT(*) FROM postings p WHERE p.account_id = accounts.id) * 10 ELSE balance END WHERE kind = 'volunteer'");
        foreach (var community in Enumerable.Range(1, Communities))
            c.Execute("UPDATE accounts SET balance = @B WHERE id = @Id", new { B = issuance[community], Id = Volunteers + community });
        c.Execute("COMMIT");
        c.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        var size = new FileInfo(path).Length / 1024.0 / 1024.0;
        var note = string.Create(CultureInfo.InvariantCulture,
            $"scale database: {Communities:N0} communities, {Volunteers:N0} volunteers, {Transactions * 2L:N0} postings, {size:0} MB, written in {clock.Elapsed.TotalSeconds:0} s");
        Console.WriteLine("  " + note);
        // The staff key is community 1's; its volunteers are 1, 1001, 2001, … (volunteer v belongs to community (v − 1) mod 1000 + 1).
        var ids = Enumerable.Range(0, Volunteers / Communities).Select(i => (long)(i * Communities + 1)).ToArray();
        return (new Seed(1, ScaleStaffKey, ids, 0, DateTimeOffset.UtcNow), note);
    }

    public const string ScaleStaffKey = "lk_scale-staff-key-0123456789abcdef";
}
