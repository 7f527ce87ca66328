using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// Three service processes on one PostgreSQL database, as a city runs them behind a balancer. Nothing one node keeps in
/// memory may make another wrong, and no race between nodes may overdraw points or stock: every check here sends the
/// competing requests to different nodes at the same moment. The nodes start together on an empty database.
/// </summary>
[NonParallelizable]
public sealed class PostgresNodesTests
{
    private const int Nodes = 3;

    private TestDatabase _database = null!;
    private string _folder = "";
    private readonly List<ServiceProcess> _nodes = [];
    private HttpClient[] _admin = [];
    private long _community;
    private string _staffKey = "";

    /// <summary>The jobs run every second on every node, so a test can see which nodes run them.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Ledger__Expiry__Enabled"] = "true",
        ["Ledger__Expiry__FirstRunDelay"] = "00:00:01",
        ["Ledger__Expiry__Interval"] = "00:00:01",
        ["Ledger__Idempotency__Purge"] = "true",
        ["Ledger__Idempotency__FirstPurgeDelay"] = "00:00:01",
        ["Ledger__Idempotency__PurgeInterval"] = "00:00:01",
        ["Logging__LogLevel__Ledger.Api.Points.ExpiryJob"] = "Information",
        ["Logging__LogLevel__Ledger.Api.Storage.IdempotencyPurge"] = "Information",
    };

    [OneTimeSetUp]
    public async Task ThreeNodesStartTogether_OnAnEmptyDatabase()
    {
        var cluster = PostgresCluster.Require("test of several nodes");
        _database = TestDatabase.Postgres(cluster.CreateDatabase());
        _folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        for (var i = 0; i < Nodes; i++)
            _nodes.Add(new ServiceProcess(_database, _folder));
        await Task.WhenAll(_nodes.Select(n => n.Start(Settings)));
        _admin = _nodes.Select(n => n.Client(LedgerApp.AdminKey)).ToArray();

        _community = (await _admin[0].CreateCommunity("多节点社区")).Id();
        _staffKey = (await _admin[1].CreateKey("staff", _community)).GetProperty("key").GetString()!;
    }

    [OneTimeTearDown]
    public async Task StopTheNodes()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        TestDatabase.ReleaseAll();
    }

    private HttpClient Staff(int node) => _nodes[node % Nodes].Client(_staffKey);

    private async Task<long> Volunteer(string name) =>
        (await Staff(0).RegisterVolunteer(Seed.VolunteerBody(_community, name))).Id();

    [Test, Order(0)]
    public void TheMigrations_AndTheFirstAdminKey_WereMadeOnce()
    {
        Assert.That(_database.Scalar<long>("SELECT COUNT(*) FROM schema_migrations"), Is.EqualTo(9));
        Assert.That(_database.Scalar<long>("SELECT COUNT(*) FROM api_keys WHERE name = 'bootstrap admin'"), Is.EqualTo(1));
        Assert.That(_database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE action = 'api-key.bootstrapped'"), Is.EqualTo(1));
    }

    [TestCase(300, 20, 20, TestName = "A64WayRedemptionRace_OverThreeNodes_StopsAtTheStock")]
    [TestCase(250, 100, 25, TestName = "A64WayRedemptionRace_OverThreeNodes_StopsAtTheBalance")]
    public async Task A64WayRedemptionRace(int points, int stock, int expected)
    {
        var volunteer = await Volunteer("抢兑");
        await Staff(0).Adjust(volunteer, points);
        var reward = (await Staff(1).CreateReward(_community, pointsCost: 10, stock: stock)).Id();

        using var start = new SemaphoreSlim(0);
        var racers = Enumerable.Range(0, 64).Select(async i =>
        {
            await start.WaitAsync();
            return await Staff(i).PostAsJsonAsync("/api/v1/redemptions", new { volunteerId = volunteer, rewardId = reward, quantity = 1 });
        }).ToList();
        start.Release(64);
        var answers = await Task.WhenAll(racers);

        var statuses = answers.Select(a => (int)a.StatusCode).ToList();
        Assert.That(statuses.Count(s => s == 201), Is.EqualTo(expected), string.Join(",", statuses));
        Assert.That(statuses.Where(s => s != 201), Has.All.EqualTo(409));
        Assert.That(await Staff(2).Balance(volunteer), Is.EqualTo(points - 10 * expected));
        var left = (await Staff(2).GetJson($"/api/v1/rewards?communityId={_community}")).GetProperty("items").EnumerateArray()
            .Single(r => r.Id() == reward).GetProperty("stock").GetInt64();
        Assert.That(left, Is.EqualTo(stock - expected));
        Invariants.Check(_database);
    }

    [Test]
    public async Task CrossedGifts_OnDifferentNodes_NeverOverdraw_AndLoseNoPoint()
    {
        var a = await Volunteer("甲");
        var b = await Volunteer("乙");
        await Staff(0).Adjust(a, 50);
        await Staff(0).Adjust(b, 50);

        using var start = new SemaphoreSlim(0);
        var gifts = Enumerable.Range(0, 60).Select(async i =>
        {
            await start.WaitAsync();
            var (from, to) = i % 2 == 0 ? (a, b) : (b, a);
            var answer = await Staff(i % 2).PostAsJsonAsync($"/api/v1/volunteers/{from}/transfers", new { toVolunteerId = to, amount = 7 });
            return (From: from, Status: (int)answer.StatusCode);
        }).ToList();
        start.Release(60);
        var answers = await Task.WhenAll(gifts);

        Assert.That(answers.Select(g => g.Status), Has.All.AnyOf(201, 409), "a gift is given or refused, nothing else");
        var fromA = answers.Count(g => g.From == a && g.Status == 201);
        var fromB = answers.Count(g => g.From == b && g.Status == 201);
        var balanceA = await Staff(2).Balance(a);
        var balanceB = await Staff(2).Balance(b);
        Assert.That(balanceA, Is.EqualTo(50 - 7 * fromA + 7 * fromB));
        Assert.That(balanceA + balanceB, Is.EqualTo(100));
        Assert.That(balanceA, Is.GreaterThanOrEqualTo(0));
        Assert.That(balanceB, Is.GreaterThanOrEqualTo(0));
        Invariants.Check(_database);
    }

    [Test]
    public async Task OneRecordSentToEveryNodeAtOnce_IsAcceptedOnce()
    {
        var volunteer = await Volunteer("重复");
        var slot = Records.FreeSlot();
        using var start = new SemaphoreSlim(0);
        var copies = Enumerable.Range(0, 12).Select(async i =>
        {
            await start.WaitAsync();
            return (int)(await Staff(i).PostAsJsonAsync("/api/v1/service-records", Records.Body(volunteer, slot, 60))).StatusCode;
        }).ToList();
        start.Release(12);
        var statuses = await Task.WhenAll(copies);
        Assert.That(statuses.Count(s => s == 201), Is.EqualTo(1), string.Join(",", statuses));
        Assert.That(statuses.Where(s => s != 201), Has.All.EqualTo(409), "refused as overlapping, or over the daily cap");
    }

    [Test]
    public async Task RecordsPushedPastTheDailyCap_OnDifferentNodes_StopAtTheCap()
    {
        var volunteer = await Volunteer("满额");
        var day = Records.FreeSlot().Date;
        var morning = new DateTimeOffset(day.Year, day.Month, day.Day, 6, 0, 0, TimeSpan.FromHours(8));
        // Twelve separate hours of one day; the default rules credit at most 480 minutes a day.
        using var start = new SemaphoreSlim(0);
        var pushes = Enumerable.Range(0, 12).Select(async i =>
        {
            await start.WaitAsync();
            return (int)(await Staff(i).PostAsJsonAsync("/api/v1/service-records", Records.Body(volunteer, morning.AddHours(i), 60))).StatusCode;
        }).ToList();
        start.Release(12);
        var statuses = await Task.WhenAll(pushes);
        Assert.That(statuses.Count(s => s == 201), Is.EqualTo(8), string.Join(",", statuses));
        Assert.That(statuses.Where(s => s != 201), Has.All.EqualTo(409), "refused as overlapping, or over the daily cap");
    }

    [Test]
    public async Task TheSameIdempotencyKey_OnTwoNodesAtOnce_HasOneEffect_AndOneAnswer()
    {
        var volunteer = await Volunteer("幂等");
        for (var round = 0; round < 5; round++)
        {
            var key = $"twin-{round}-{Guid.NewGuid():N}";
            using var start = new SemaphoreSlim(0);
            var twins = Enumerable.Range(0, 2).Select(async node =>
            {
                await start.WaitAsync();
                var answer = await Staff(node).PostJson($"/api/v1/volunteers/{volunteer}/adjustments", new { amount = 3, reason = "双发" }, key);
                return ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
            }).ToList();
            start.Release(2);
            var answers = await Task.WhenAll(twins);
            Assert.That(answers[0], Is.EqualTo(answers[1]), "the twin replays the first answer");
            Assert.That(answers[0].Item1, Is.EqualTo(201));
        }
        Assert.That(await Staff(2).Balance(volunteer), Is.EqualTo(5 * 3), "five keys, five adjustments");
    }

    [Test]
    public async Task ARuleVersionMadeThroughOneNode_ValuesTheVeryNextRecordOnAnother()
    {
        var community = (await _admin[0].CreateCommunity("规则社区")).Id();
        var volunteer = (await _admin[0].RegisterVolunteer(Seed.VolunteerBody(community, "规则"))).Id();
        for (var pointsPerHour = 11; pointsPerHour <= 13; pointsPerHour++)
        {
            await _admin[0].PutRules(community, new { pointsPerHour, effectiveFrom = DateTimeOffset.UtcNow.AddDays(-85) });
            var record = await _admin[1].SubmitRecord(Records.Body(volunteer, Records.FreeSlot(), 60, approveScore: 5));
            Assert.That(record.GetProperty("points").GetInt64(), Is.EqualTo(pointsPerHour));
        }
    }

    [Test]
    public async Task AKeyRevokedThroughOneNode_IsRefusedByAnother_WithinASecond()
    {
        var issued = await _admin[0].CreateKey("client", _community, "将被吊销");
        var key = issued.GetProperty("key").GetString()!;
        using var elsewhere = _nodes[1].Client(key);
        Assert.That((await elsewhere.GetAsync("/api/v1/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "known, and now cached, on node 2");

        Assert.That((await _admin[0].DeleteAsync($"/api/v1/api-keys/{issued.Id()}")).IsSuccessStatusCode);
        var revoked = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = (await elsewhere.GetAsync("/api/v1/me")).StatusCode) == HttpStatusCode.OK && revoked.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(20);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(revoked.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "API.md: a revoked key stops at once");
    }

    /// <remarks>First, before any node is killed and the lead passes to another.</remarks>
    [Test, Order(1)]
    public async Task TheDailyJobs_StartedOnThreeNodes_RunOnOneOnly()
    {
        // Each node tries every second; each waits until it has tried at least once.
        foreach (var job in new[] { "expiry job", "idempotency purge" })
        {
            await Task.WhenAll(_nodes.Select(n => n.WaitForOutput($"leads the {job}", TimeSpan.FromSeconds(20))));
            var leaders = _nodes.Count(n => n.Output.Contains($"This node leads the {job}", StringComparison.Ordinal));
            var followers = _nodes.Count(n => n.Output.Contains($"Another node leads the {job}", StringComparison.Ordinal)
                                              && !n.Output.Contains($"This node leads the {job}", StringComparison.Ordinal));
            Assert.That((leaders, followers), Is.EqualTo((1, Nodes - 1)), $"one node runs the {job}, the others leave it");
        }
    }

    /// <remarks>It kills the third node, and starts it again for whatever runs after it.</remarks>
    [Test]
    public async Task ANodeKilledMidLoad_LosesNoAcknowledgedWrite_AndTheOthersCarryOn()
    {
        var volunteers = new List<long>();
        for (var i = 0; i < 6; i++)
            volunteers.Add(await Volunteer($"负载{i}"));
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<long>();
        var failedOnTheKilledNode = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 12).Select(async worker =>
        {
            var node = worker % Nodes;
            using var staff = Staff(node);
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var volunteer = volunteers[(worker + n++) % volunteers.Count];
                try
                {
                    var answer = await staff.PostJson($"/api/v1/volunteers/{volunteer}/adjustments", new { amount = 1, reason = "负载" }, $"load-{worker}-{n}");
                    if (answer.StatusCode == HttpStatusCode.Created)
                        acknowledged.Add((await answer.Read<JsonElement>()).GetProperty("transactionId").GetInt64());
                    else if (node != 2)
                        Assert.Fail($"node {node + 1} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException) when (node == 2)
                {
                    Interlocked.Increment(ref failedOnTheKilledNode);
                    await Task.Delay(50);
                }
            }
        }).ToList();

        await Task.Delay(1500);
        var beforeKill = acknowledged.Count;
        await _nodes[2].Kill();
        await Task.Delay(1500);
        var afterKill = acknowledged.Count;
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.That(beforeKill, Is.GreaterThan(0), "the load ran before the kill");
        Assert.That(acknowledged.Count, Is.GreaterThan(afterKill), "the other nodes carried on");
        var stored = _database.Query<long>("SELECT id FROM ledger_transactions WHERE kind = 'adjustment'").ToHashSet();
        Assert.That(acknowledged.Where(id => !stored.Contains(id)), Is.Empty, "every acknowledged write is in the database");
        var verify = await _admin[0].GetJson("/api/v1/audit/verify");
        Assert.That(verify.GetProperty("ok").GetBoolean(), Is.True, verify.ToString());
        Invariants.Check(_database);
        TestContext.Out.WriteLine($"{acknowledged.Count} writes acknowledged, {beforeKill} before the kill; {failedOnTheKilledNode} calls to the killed node failed");

        await _nodes[2].DisposeAsync();
        _nodes[2] = new ServiceProcess(_database, _folder);
        await _nodes[2].Start(Settings);
    }
}
