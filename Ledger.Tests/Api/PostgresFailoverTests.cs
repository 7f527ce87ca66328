using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Ledger.Tests.Builders;
using Npgsql;

namespace Ledger.Tests.Api;

/// <summary>
/// What an operator runs (deploy/up: Patroni with a synchronous standby, etcd, haproxy, three service nodes), under a
/// steady load of writes through haproxy, loses its PostgreSQL primary to SIGKILL. Patroni promotes the standby, the
/// service nodes reconnect by themselves, and afterwards every acknowledged write is there, the writes that failed
/// complete exactly once when sent again with their Idempotency-Key, the chains verify and the books balance. The
/// seconds without service are printed.
/// </summary>
[TestFixture, Category("Failover"), NonParallelizable]
public sealed class PostgresFailoverTests
{
    private const int Volunteers = 8;
    private const int Workers = 8;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

    /// <summary>After a failed write a worker waits, as a client would, instead of hammering the 503s as fast as they come.</summary>
    private static readonly TimeSpan BackOff = TimeSpan.FromMilliseconds(500);

    private HaDeployment _ha = null!;
    private readonly Stopwatch _run = new();

    private sealed record Write(string Kind, string Key, string Url, object Body)
    {
        public HttpStatusCode? Status { get; set; }
        public string? Response { get; set; }
        public TimeSpan SentAt { get; set; }
        public TimeSpan AnsweredAt { get; set; }
        public bool Acknowledged => Status is { } s && (int)s is >= 200 and < 300;
    }

    [SetUp]
    public void SetUp()
    {
        _ha = HaDeployment.Require("failover test");
        _run.Restart();
    }

    /// <summary>Where the test's time goes, in its output: it has to stay short for CI.</summary>
    private void Step(string what) => TestContext.Out.WriteLine($"[{_run.Elapsed.TotalSeconds,6:F1} s] {what}");

    [TearDown]
    public async Task TearDown()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            foreach (var log in new[] { "pg1", "pg2", "haproxy", "node1", "node2", "node3" })
                await TestContext.Out.WriteLineAsync($"--- {log}.log (end) ---\n{_ha.LogTail(log)}");
        }
        await _ha.Down();
    }

    [Test]
    public async Task PrimaryKilled_StandbyPromoted_NodesReconnectByThemselves_AndNoAcknowledgedWriteIsLost()
    {
        await _ha.Up();
        Step("deploy/up is ready");
        var admin = Client(_ha.Service, LedgerApp.AdminKey);
        var community = (await admin.CreateCommunity("故障切换测试")).Id();
        var staffKey = (await admin.CreateKey("staff", community)).GetProperty("key").GetString()!;
        var staff = Client(_ha.Service, staffKey);
        var volunteers = new List<long>();
        for (var i = 0; i < Volunteers; i++)
        {
            var id = (await staff.RegisterVolunteer(Seed.VolunteerBody(community))).Id();
            await staff.Adjust(id, 1_000_000);
            volunteers.Add(id);
        }

        Step($"a community, a staff key and {Volunteers} volunteers with points");
        var clock = Stopwatch.StartNew();
        var all = new ConcurrentQueue<Write>();
        var sequence = 0;
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var yesterday = new DateTimeOffset(today.Year, today.Month, today.Day, 0, 0, 0, today.Offset).AddDays(-1);
        Write Next()
        {
            var n = Interlocked.Increment(ref sequence);
            var v = volunteers[n % Volunteers];
            if (n % 2 == 0)
            {
                // The n-th write goes to volunteer n mod 8, so n / 8 numbers that volunteer's own half-hour slots,
                // sixteen a day going back: never an overlap, never over the daily cap.
                var slot = n / Volunteers;
                var start = yesterday.AddDays(-(slot / 16)).AddHours(6).AddMinutes(slot % 16 * 30);
                return new Write("record", $"failover-{n}", "/api/v1/service-records", Records.Body(v, start, 30, approveScore: 4));
            }
            return new Write("gift", $"failover-{n}", $"/api/v1/volunteers/{v}/transfers",
                new { toVolunteerId = volunteers[(n + 1) % Volunteers], amount = 1 });
        }

        async Task Send(HttpClient client, Write write)
        {
            write.SentAt = clock.Elapsed;
            try
            {
                using var response = await client.PostJson(write.Url, write.Body, write.Key);
                (write.Status, write.Response) = (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                (write.Status, write.Response) = (null, ex.Message);
            }
            write.AnsweredAt = clock.Elapsed;
        }

        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            var client = Client(_ha.Service, staffKey);
            while (!stop.IsCancellationRequested)
            {
                var began = clock.Elapsed;
                var write = Next();
                await Send(client, write);
                all.Enqueue(write);
                var rest = (write.Acknowledged ? Pace : BackOff) - (clock.Elapsed - began);
                if (rest > TimeSpan.Zero)
                    await Task.Delay(rest);
            }
        })).ToList();

        int Acknowledged(TimeSpan since) => all.Count(w => w.Acknowledged && w.SentAt >= since);
        await Until(() => Acknowledged(TimeSpan.Zero) >= 100, TimeSpan.FromSeconds(60), "writes to flow before the kill");

        var primary = await _ha.Primary() ?? throw new AssertionException("no primary before the kill");
        var standby = HaDeployment.DatabaseNodes.Single(n => n != primary);
        Assert.That(await _ha.IsSynchronousStandby(standby), Is.True, $"{standby} is not the synchronous standby before the kill");
        var killedAt = clock.Elapsed;
        await _ha.Kill(primary);
        Step($"{primary} killed");

        await UntilAsync(() => _ha.IsPrimary(standby), TimeSpan.FromSeconds(60), $"Patroni to promote {standby}");
        var promotedAt = clock.Elapsed;
        Step($"{standby} promoted");
        // Each node on its own: ready again, and writing (not just the one haproxy happens to pick).
        var direct = 0;
        foreach (var node in _ha.Nodes)
        {
            await UntilAsync(async () => await Ready(node), TimeSpan.FromSeconds(60), $"{node} to be ready again");
            var gift = new Write("gift", $"failover-direct-{++direct}", $"/api/v1/volunteers/{volunteers[0]}/transfers",
                new { toVolunteerId = volunteers[1], amount = 1 });
            await Send(Client(node, staffKey), gift);
            all.Enqueue(gift);
            Assert.That(gift.Acknowledged, Is.True, $"a gift sent straight to {node} after the failover: {(int?)gift.Status} {gift.Response}");
        }
        var resumedFrom = clock.Elapsed;
        Step("every node ready and writing");
        await Until(() => Acknowledged(resumedFrom) >= 100, TimeSpan.FromSeconds(60), "writes through haproxy to flow again");
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Step("writes through haproxy flow again; load stopped");

        var writes = all.ToList();
        var failed = writes.Where(w => !w.Acknowledged).ToList();
        var firstFailure = failed.Count == 0 ? (TimeSpan?)null : failed.Min(w => w.AnsweredAt);
        var recovered = firstFailure is { } f ? writes.Where(w => w.Acknowledged && w.SentAt >= f).Min(w => w.AnsweredAt) : (TimeSpan?)null;
        var outage = recovered - firstFailure ?? TimeSpan.Zero;
        var statuses = string.Join(", ", failed.GroupBy(w => w.Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer")
            .Select(g => $"{g.Key} × {g.Count()}"));
        await TestContext.Out.WriteLineAsync(
            $"Failover: {primary} killed; {standby} promoted {(promotedAt - killedAt).TotalSeconds:F1} s later. " +
            $"Without service for {outage.TotalSeconds:F1} s (first failed write {((firstFailure ?? killedAt) - killedAt).TotalSeconds:F1} s " +
            $"after the kill). {writes.Count(w => w.Acknowledged)} writes acknowledged, {failed.Count} failed ({statuses}).");
        Assert.That(failed.Where(w => w.Status is { } s && (int)s is >= 400 and < 500), Is.Empty,
            "a write refused as if it were wrong: " + string.Join("\n", failed.Where(w => w.Status is { } s && (int)s < 500).Take(3).Select(w => $"{w.Key} {(int)w.Status!}: {w.Response}")));

        await using var db = new NpgsqlConnection(_ha.ConnectionString);
        await db.OpenAsync();
        var approved = (await db.QueryAsync<long>(
            "SELECT id FROM service_records WHERE status = 'approved' AND accrual_transaction_id IS NOT NULL")).ToHashSet();
        var transfers = (await db.QueryAsync<long>("SELECT id FROM ledger_transactions WHERE kind = 'transfer'")).ToHashSet();
        foreach (var write in writes.Where(w => w.Acknowledged))
        {
            var body = JsonDocument.Parse(write.Response!).RootElement;
            var present = write.Kind == "record" ? approved.Contains(body.Id()) : transfers.Contains(body.GetProperty("transactionId").GetInt64());
            Assert.That(present, Is.True, $"acknowledged {write.Kind} {write.Key} is missing after the failover: {write.Response}");
        }

        // A write that failed may or may not have committed before the primary died: sent again with its key, it
        // completes now, and exactly once (the counts below).
        Step("every acknowledged write found");
        await Parallel.ForEachAsync(failed, new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (write, _) => await Send(staff, write));
        Step($"{failed.Count} failed writes sent again");
        Assert.That(failed.Where(w => !w.Acknowledged).Select(w => $"{w.Kind} {w.Key}: {(int?)w.Status} {w.Response}"), Is.Empty,
            "writes sent again after the failover that did not complete");
        var records = writes.Count(w => w.Kind == "record");
        var gifts = writes.Count(w => w.Kind == "gift");
        var approvedNow = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM service_records WHERE status = 'approved' AND accrual_transaction_id IS NOT NULL");
        var recordsNow = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM service_records");
        var giftsNow = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'transfer'");
        Assert.Multiple(() =>
        {
            Assert.That(approvedNow, Is.EqualTo(records), "approved records, one per record-and-approve sent");
            Assert.That(recordsNow, Is.EqualTo(records), "records, one per record-and-approve sent");
            Assert.That(giftsNow, Is.EqualTo(gifts), "gifts, one per gift sent");
        });
        await CheckBooks(db, admin, community);
        Step("counts, books and verify checked");

        // deploy/up again brings the killed node back: it rejoins as the synchronous standby of the new primary.
        await _ha.Up();
        Assert.That(await _ha.IsPrimary(standby), Is.True, $"{standby} is still the primary");
        Assert.That(await _ha.IsSynchronousStandby(primary), Is.True, $"{primary} is back as the synchronous standby");
        Step($"deploy/up again: {primary} is back as the synchronous standby");
    }

    /// <summary>The books balance (see <see cref="Invariants"/>), read from PostgreSQL, and the chains verify.</summary>
    private static async Task CheckBooks(NpgsqlConnection db, HttpClient admin, long community)
    {
        var verify = await admin.GetJson("/api/v1/audit/verify");
        var trial = await admin.GetJson($"/api/v1/ledger/trial-balance?communityId={community}");
        var unbalanced = await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT transaction_id FROM postings GROUP BY transaction_id HAVING SUM(amount) <> 0) t");
        var communities = await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT community_id FROM accounts GROUP BY community_id HAVING SUM(balance) <> 0) c");
        var drift = await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM accounts a WHERE a.balance <> COALESCE((SELECT SUM(p.amount) FROM postings p WHERE p.account_id = a.id), 0)");
        Assert.Multiple(() =>
        {
            Assert.That(verify.GetProperty("ok").GetBoolean(), Is.True, $"audit/verify after the failover: {verify}");
            Assert.That(trial.GetProperty("total").GetInt64(), Is.Zero, $"trial balance: {trial}");
            Assert.That(unbalanced, Is.Zero, "transactions whose postings do not sum to zero");
            Assert.That(communities, Is.Zero, "communities whose trial balance is not zero");
            Assert.That(drift, Is.Zero, "kept balances that differ from the sum of their postings");
        });
    }

    private static HttpClient Client(Uri address, string key)
    {
        var client = new HttpClient(new OpenApiConformance(new HttpClientHandler())) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<bool> Ready(Uri node)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static Task Until(Func<bool> condition, TimeSpan timeout, string what) => UntilAsync(() => Task.FromResult(condition()), timeout, what);

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail($"Waited {timeout.TotalSeconds} s for {what}.");
            await Task.Delay(200);
        }
    }
}
