using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ledger.Bench;

/// <summary>
/// Fills the service's database up to a million chained audit events and 100,000 more ledger transactions — hashed
/// here by an independent implementation of the canonical bytes documented in Ledger.Core/Audit/Chain.cs, as an outside
/// auditor's tool would — then times GET /audit/verify and a streamed CSV export of the transactions.
/// </summary>
public static class ChainAndExport
{
    public const int Events = 1_000_000;
    public const int Transactions = 100_000;

    public static async Task<string> Verify(ServiceProcess service, string work)
    {
        Console.WriteLine($"Chaining up to {Events:N0} audit events and {Transactions:N0} more transactions…");
        long community;
        using (var c = new SqliteConnection($"Data Source={service.DatabasePath};Pooling=False"))
        {
            c.Open();
            c.Execute("PRAGMA busy_timeout=10000");
            community = c.ExecuteScalar<long>("SELECT id FROM communities ORDER BY id LIMIT 1");
            AddEvents(c);
            AddTransactions(c, community);
        }

        var clock = Stopwatch.StartNew();
        var verify = await service.Client.GetStringAsync("/api/v1/audit/verify");
        var verifySeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  verify: {verify} in {verifySeconds:0.00} s");

        var rssBefore = CurrentRssMb(service.Pid);
        clock.Restart();
        using var response = await service.Client.GetAsync($"/api/v1/ledger/transactions?communityId={community}&format=csv", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long bytes = 0;
        double firstByte = 0;
        double peakDuring = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (bytes == 0)
                firstByte = clock.Elapsed.TotalMilliseconds;
            bytes += read;
            if (bytes % (4 * 1024 * 1024) < read)
                peakDuring = Math.Max(peakDuring, CurrentRssMb(service.Pid));
        }
        var total = clock.Elapsed.TotalSeconds;
        peakDuring = Math.Max(peakDuring, CurrentRssMb(service.Pid));
        return string.Create(CultureInfo.InvariantCulture,
            $"audit verify: {verify} in {verifySeconds:0.00} s; CSV export of the community's ledger ({bytes / 1024.0 / 1024.0:0.0} MB, ≥ {Transactions:N0} transactions): " +
            $"first bytes after {firstByte:0} ms, all after {total:0.00} s, service RSS {rssBefore:0} MB before, at most {peakDuring:0} MB during");
    }

    private static double CurrentRssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static byte[] Field(string? value)
    {
        if (value is null)
            return [0xFF, 0xFF, 0xFF, 0xFF];
        var utf8 = Encoding.UTF8.GetBytes(value);
        var bytes = new byte[4 + utf8.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)utf8.Length);
        utf8.CopyTo(bytes, 4);
        return bytes;
    }

    private static string Hash(string? previousHex, IEnumerable<string?> fields)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previousHex is null ? new byte[32] : Convert.FromHexString(previousHex));
        foreach (var f in fields)
            sha.AppendData(Field(f));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void AddEvents(SqliteConnection c)
    {
        var (id, hash) = c.QuerySingle<(long, string?)>("SELECT COALESCE(MAX(id), 0), (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) FROM audit_events");
        using var insert = c.CreateCommand();
        insert.CommandText = "INSERT INTO audit_events (id, at, actor_key_id, action, subject, request_id, detail, hash) VALUES ($id, $at, NULL, 'bench.filler', $subject, NULL, '{}', $hash)";
        var pId = insert.Parameters.Add("$id", SqliteType.Integer);
        var pAt = insert.Parameters.Add("$at", SqliteType.Text);
        var pSubject = insert.Parameters.Add("$subject", SqliteType.Text);
        var pHash = insert.Parameters.Add("$hash", SqliteType.Text);
        while (id < Events)
        {
            c.Execute("BEGIN IMMEDIATE");
            for (var i = 0; i < 50_000 && id < Events; i++)
            {
                id++;
                var at = Now();
                var subject = $"bench:{id}";
                hash = Hash(hash, ["audit-event", id.ToString(CultureInfo.InvariantCulture), at, null, "bench.filler", subject, null, "{}"]);
                pId.Value = id;
                pAt.Value = at;
                pSubject.Value = subject;
                pHash.Value = hash;
                insert.ExecuteNonQuery();
            }
            c.Execute("COMMIT");
        }
    }

    /// <summary>The hash of a two-posting transaction (volunteer +amount, issuance −amount), per the documented canonical bytes.</summary>
    public static string TransactionHash(string? previous, long id, long community, string at, long volunteer, long amount) =>
        Hash(previous, ["ledger-transaction", id.ToString(CultureInfo.InvariantCulture), community.ToString(CultureInfo.InvariantCulture), "adjustment", at, "scale",
            null, null, null, null, $"volunteer:{volunteer}", amount.ToString(CultureInfo.InvariantCulture), $"community:{community}:issuance",
            (-amount).ToString(CultureInfo.InvariantCulture)]);

    private static void AddTransactions(SqliteConnection c, long community)
    {
        var (id, hash) = c.QuerySingle<(long, string?)>("SELECT COALESCE(MAX(id), 0), (SELECT hash FROM ledger_transactions ORDER BY id DESC LIMIT 1) FROM ledger_transactions");
        var volunteer = c.QuerySingle<(long AccountId, long VolunteerId)>(
            "SELECT id, volunteer_id FROM accounts WHERE community_id = @C AND kind = 'volunteer' ORDER BY id LIMIT 1", new { C = community });
        var issuance = c.ExecuteScalar<long>("SELECT id FROM accounts WHERE community_id = @C AND kind = 'issuance'", new { C = community });
        using var insertTx = c.CreateCommand();
        insertTx.CommandText = "INSERT INTO ledger_transactions (id, community_id, kind, at, reference, memo, actor_key_id, request_id, reverses_id, hash) VALUES ($id, $c, 'adjustment', $at, 'bench', NULL, NULL, NULL, NULL, $hash)";
        using var insertPosting = c.CreateCommand();
        insertPosting.CommandText = "INSERT INTO postings (transaction_id, account_id, amount, balance_after) VALUES ($t, $a, $amount, 0) RETURNING id";
        using var insertLine = c.CreateCommand();
        insertLine.CommandText = """
            INSERT INTO statement_lines (account_id, posting_id, transaction_id, at, kind, amount, balance_after, reference, memo)
            VALUES ($a, $p, $t, $at, 'adjustment', 1, 0, 'bench', NULL)
            """;
        c.Execute("BEGIN IMMEDIATE");
        for (var i = 0; i < Transactions; i++)
        {
            id++;
            var at = Now();
            hash = Hash(hash, ["ledger-transaction", id.ToString(CultureInfo.InvariantCulture), community.ToString(CultureInfo.InvariantCulture), "adjustment", at, "bench", null, null, null, null,
                $"volunteer:{volunteer.VolunteerId}", "1", $"community:{community}:issuance", "-1"]);
            insertTx.Parameters.Clear();
            insertTx.Parameters.AddWithValue("$id", id);
            insertTx.Parameters.AddWithValue("$c", community);
            insertTx.Parameters.AddWithValue("$at", at);
            insertTx.Parameters.AddWithValue("$hash", hash);
            insertTx.ExecuteNonQuery();
            foreach (var (account, amount) in new[] { (volunteer.AccountId, 1L), (issuance, -1L) })
            {
                insertPosting.Parameters.Clear();
                insertPosting.Parameters.AddWithValue("$t", id);
                insertPosting.Parameters.AddWithValue("$a", account);
                insertPosting.Parameters.AddWithValue("$amount", amount);
                var posting = (long)insertPosting.ExecuteScalar()!;
                if (account != volunteer.AccountId)
                    continue;
                // The volunteer's statement line (migration 0007), as the service writes it with the posting.
                insertLine.Parameters.Clear();
                insertLine.Parameters.AddWithValue("$a", account);
                insertLine.Parameters.AddWithValue("$p", posting);
                insertLine.Parameters.AddWithValue("$t", id);
                insertLine.Parameters.AddWithValue("$at", at);
                insertLine.ExecuteNonQuery();
            }
        }
        c.Execute("COMMIT");
    }
}
