using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// The built service as its own process, under concurrent record-and-approve, redemption and gift requests, killed
/// with SIGKILL mid-load five times. After each restart: every request that got a 2xx is there, nothing unanswered is
/// half there (the books balance, every approved record has its accrual, stock agrees with redemptions), the chains
/// verify, and retrying the unanswered requests with their Idempotency-Keys completes each exactly once.
/// </summary>
[TestFixture, Category("Crash"), NonParallelizable]
public sealed class CrashSafetyTests
{
    private const int Stock = 100_000;

    private sealed record Sent(string Kind, string Key, string Url, object Body)
    {
        public HttpStatusCode? Status { get; set; }
        public string? Response { get; set; }
    }

    private string _folder = "";
    private string _db = "";

    /// <summary>Read without a pool: the service process is killed under it, and a pooled connection would outlive the file's writer.</summary>
    private TestDatabase Database => new(_db, pooling: false);

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "ledger-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _db = Path.Combine(_folder, "ledger.db");
    }

    [TearDown]
    public void TearDown()
    {
        TestDatabase.ReleaseAll();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    [Test]
    public async Task KilledFiveTimesMidLoad_LosesNothingAcknowledged_AndLeavesNothingHalfDone()
    {
        await using var service = new ServiceProcess(_db);
        await service.Start();
        var admin = service.Client(LedgerApp.AdminKey);
        var community = (await (await admin.PostAsJsonAsync("/api/v1/communities", new { name = "崩溃测试", street = "桃浦镇", district = "普陀区" })).Read<JsonElement>()).Id();
        var staffKey = (await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "s", role = "staff", communityId = community })).Read<JsonElement>()).GetProperty("key").GetString()!;
        var staff = service.Client(staffKey);
        var volunteers = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            var id = (await (await staff.PostAsJsonAsync("/api/v1/volunteers", Seed.VolunteerBody(community))).Read<JsonElement>()).Id();
            await staff.PostAsJsonAsync($"/api/v1/volunteers/{id}/adjustments", new { amount = 1_000_000, reason = "初始" });
            volunteers.Add(id);
        }
        var reward = (await (await staff.PostAsJsonAsync("/api/v1/rewards", new { communityId = community, name = "纸巾", pointsCost = 1, stock = Stock })).Read<JsonElement>()).Id();

        var all = new ConcurrentBag<Sent>();
        var sequence = 0;
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var baseDay = new DateTimeOffset(today.Year, today.Month, today.Day, 0, 0, 0, today.Offset).AddDays(-1);
        Sent Next()
        {
            var n = Interlocked.Increment(ref sequence);
            var v = volunteers[n % volunteers.Count];
            var key = $"crash-{n}";
            switch (n % 3)
            {
                case 0:
                    var slot = n / volunteers.Count;
                    var start = baseDay.AddDays(-(slot / 16)).AddMinutes(slot % 16 * 30);
                    return new Sent("record", key, "/api/v1/service-records", Records.Body(v, start, 30, approveScore: 5));
                case 1:
                    return new Sent("redemption", key, "/api/v1/redemptions", new { volunteerId = v, rewardId = reward, quantity = 1 });
                default:
                    return new Sent("gift", key, $"/api/v1/volunteers/{v}/transfers", new { toVolunteerId = volunteers[(n + 1) % volunteers.Count], amount = 1 });
            }
        }

        async Task<(HttpStatusCode?, string?)> Send(HttpClient client, Sent s)
        {
            try
            {
                var request = new HttpRequestMessage(HttpMethod.Post, s.Url) { Content = JsonContent.Create(s.Body) };
                request.Headers.Add("Idempotency-Key", s.Key);
                using var response = await client.SendAsync(request);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return (null, null);
            }
        }

        int Answered() => all.Count(s => s.Status is not null && (int)s.Status < 300);

        var kills = 0;
        var random = new Random(7);
        for (var round = 0; round < 5; round++)
        {
            using var stop = new CancellationTokenSource();
            var client = service.Client(staffKey);
            var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var s = Next();
                    all.Add(s);
                    (s.Status, s.Response) = await Send(client, s);
                    if (s.Status is null)
                        return;
                }
            })).ToList();
            // Killed once the round has done some work (on a busy machine a fixed delay may see little), at a random moment after.
            var answeredBefore = Answered();
            var until = DateTime.UtcNow.AddSeconds(30);
            while (Answered() < answeredBefore + 25 && DateTime.UtcNow < until)
                await Task.Delay(20);
            await Task.Delay(random.Next(0, 400));
            await service.Kill();
            kills++;
            stop.Cancel();
            await Task.WhenAll(workers);
            await service.Start();
            Check(all, community, reward, service);
            var verify = await admin.GetJson("/api/v1/audit/verify");
            Assert.That(verify.GetProperty("ok").GetBoolean(), Is.True, $"round {round}: {verify}");
        }

        // The unanswered, retried with their keys: each completes, and exactly once.
        var unanswered = all.Where(s => s.Status is null).ToList();
        foreach (var s in unanswered)
        {
            (s.Status, s.Response) = await Send(staff, s);
            Assert.That((int?)s.Status, Is.InRange(200, 299), $"retry of {s.Kind} {s.Key}: {s.Response}");
        }
        Check(all, community, reward, service);
        var db = Database;
        Assert.That(db.Count("service_records"), Is.EqualTo(all.Count(s => s.Kind == "record")));
        Assert.That(db.Count("redemptions"), Is.EqualTo(all.Count(s => s.Kind == "redemption")));
        Assert.That(db.Scalar<long>("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'transfer'"), Is.EqualTo(all.Count(s => s.Kind == "gift")));
        TestContext.Out.WriteLine($"{all.Count} requests fired, {kills} kills survived, {unanswered.Count} unanswered requests retried once each");
        Assert.That(kills, Is.EqualTo(5));
        Assert.That(all.Count(s => s.Status is not null && (int)s.Status < 300), Is.GreaterThan(100));
    }

    private void Check(IEnumerable<Sent> all, long community, long reward, ServiceProcess service)
    {
        var answered = all.Where(s => s.Status is { } status && (int)status is >= 200 and < 300).ToList();
        foreach (var s in all.Where(s => s.Status is { } status && (int)status >= 500))
            Assert.Fail($"{s.Kind} {s.Key} got {(int)s.Status!}: {s.Response}\n{service.Output}");

        var db = Database;
        foreach (var s in answered)
        {
            var body = JsonDocument.Parse(s.Response!).RootElement;
            var found = s.Kind switch
            {
                "record" => db.Scalar<long>("SELECT COUNT(*) FROM service_records WHERE id = @Id AND status = 'approved' AND accrual_transaction_id IS NOT NULL",
                    new { Id = body.Id() }),
                "redemption" => db.Scalar<long>("SELECT COUNT(*) FROM redemptions WHERE id = @Id", new { Id = body.Id() }),
                _ => db.Scalar<long>("SELECT COUNT(*) FROM ledger_transactions WHERE id = @Id AND kind = 'transfer'", new { Id = body.GetProperty("transactionId").GetInt64() }),
            };
            Assert.That(found, Is.EqualTo(1), $"acknowledged {s.Kind} {s.Key} is missing");
        }

        // Nothing half there: approved records have their accrual, redemptions their debit, and the shelf agrees with the books.
        Assert.That(db.Scalar<long>(
            """
            SELECT COUNT(*) FROM service_records r
            WHERE r.status = 'approved' AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = r.accrual_transaction_id AND t.kind = 'accrual')
            """), Is.Zero, "approved records without their accrual");
        Assert.That(db.Scalar<long>("SELECT COUNT(*) FROM service_records WHERE status = 'pending'"), Is.Zero, "records recorded but not approved");
        Assert.That(db.Scalar<long>(
            "SELECT COUNT(*) FROM redemptions r WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = r.transaction_id AND t.kind = 'redemption')"),
            Is.Zero, "redemptions without their debit");
        var stock = db.Scalar<long>("SELECT stock FROM rewards WHERE id = @Id", new { Id = reward });
        var handedOut = db.Scalar<long>("SELECT COALESCE(SUM(quantity), 0) FROM redemptions WHERE reward_id = @Id AND status = 'completed'", new { Id = reward });
        Assert.That(stock + handedOut, Is.EqualTo(Stock), "stock and redemptions disagree");
        Assert.That(db.Scalar<long>("SELECT COUNT(*) FROM idempotency_keys"), Is.EqualTo(
            db.Scalar<long>("SELECT COUNT(*) FROM service_records") + db.Scalar<long>("SELECT COUNT(*) FROM redemptions")
            + db.Scalar<long>("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'transfer'")), "an idempotency key without its change, or the reverse");
        Invariants.Check(db);
        var trial = db.Scalar<long>("SELECT SUM(balance) FROM accounts WHERE community_id = @C", new { C = community });
        Assert.That(trial, Is.Zero);
    }

    [Test]
    public async Task SigTerm_LetsInFlightRequestsFinish_AndLosesNothingAcknowledged()
    {
        await using var service = new ServiceProcess(_db);
        await service.Start();
        var admin = service.Client(LedgerApp.AdminKey);
        var community = (await (await admin.PostAsJsonAsync("/api/v1/communities", new { name = "停机测试", street = "桃浦镇", district = "普陀区" })).Read<JsonElement>()).Id();
        var volunteers = new List<long>();
        for (var i = 0; i < 40; i++)
            volunteers.Add((await (await admin.PostAsJsonAsync("/api/v1/volunteers", Seed.VolunteerBody(community))).Read<JsonElement>()).Id());

        var slot = Records.FreeSlot();
        var requests = volunteers.Select(v => admin.PostAsJsonAsync("/api/v1/service-records", Records.Body(v, slot, 30, approveScore: 5))).ToList();
        await Task.Delay(20);
        var stopping = service.Terminate();
        var answers = new List<(HttpStatusCode? Status, long? Id)>();
        foreach (var request in requests)
        {
            try
            {
                var response = await request;
                answers.Add((response.StatusCode, response.IsSuccessStatusCode ? (await response.Read<JsonElement>()).Id() : null));
            }
            catch (HttpRequestException)
            {
                answers.Add((null, null));
            }
        }
        await stopping;
        Assert.That(service.ExitCode, Is.Zero, service.Output);

        var db = Database;
        var acknowledged = answers.Where(a => a.Id is not null).Select(a => a.Id!.Value).ToList();
        Assert.That(acknowledged, Is.Not.Empty);
        foreach (var id in acknowledged)
            Assert.That(db.Scalar<long>("SELECT COUNT(*) FROM service_records WHERE id = @Id AND status = 'approved'", new { Id = id }), Is.EqualTo(1));
        Assert.That(answers.Where(a => a.Status is { } s && (int)s >= 500 && s != HttpStatusCode.ServiceUnavailable), Is.Empty);
        Invariants.Check(db);
        TestContext.Out.WriteLine($"SIGTERM with {requests.Count} requests in flight: {acknowledged.Count} acknowledged, all present");
    }
}
