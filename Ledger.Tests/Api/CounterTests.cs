using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>The counter (积分超市): the books and the shelf always agree (账物相符).</summary>
public sealed class CounterTests : ApiFixture
{
    private async Task<JsonElement> Volunteer(long points)
    {
        var v = await Seed.Volunteer(App, StaffKey, CommunityId);
        if (points > 0)
            await Staff.Adjust(v.Id(), points);
        return v;
    }

    private async Task<long> Reward(long cost, long stock, string name = "洗衣液") => (await Staff.CreateReward(CommunityId, cost, stock, name)).Id();

    private Task<long> Balance(long volunteerId) => Staff.Balance(volunteerId);

    private long Stock(long rewardId) => Database.Scalar<long>("SELECT stock FROM rewards WHERE id = @Id", new { Id = rewardId });

    [Test]
    public async Task Redeem_DebitsPointsAndStock_AndIssuesAReceipt()
    {
        var v = (await Volunteer(100)).Id();
        var reward = await Reward(15, 10, "大米 5kg");
        var r = await Staff.Redeem(v, reward, quantity: 2);
        Assert.Multiple(() =>
        {
            Assert.That(r.GetProperty("pointsSpent").GetInt64(), Is.EqualTo(30));
            Assert.That(r.GetProperty("balanceAfter").GetInt64(), Is.EqualTo(70));
            Assert.That(r.GetProperty("receiptNo").GetString(), Does.Match($@"^C{CommunityId:D3}-\d{{4}}-\d{{5}}$"));
            Assert.That(r.GetProperty("transactionId").GetInt64(), Is.GreaterThan(0));
        });
        Assert.That(await Balance(v), Is.EqualTo(70));
        Assert.That(Stock(reward), Is.EqualTo(8));
    }

    [Test]
    public async Task Redeem_ByMemberCode_AsTypedAtTheCounter()
    {
        var v = await Volunteer(20);
        var reward = await Reward(10, 5);
        var code = v.GetProperty("memberCode").GetString()!.ToLowerInvariant();
        var response = await Staff.PostJson("/api/v1/redemptions", new { memberCode = code, rewardId = reward, quantity = 1 });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        Assert.That((await response.Read<JsonElement>()).GetProperty("volunteerId").GetInt64(), Is.EqualTo(v.Id()));
    }

    [Test]
    public async Task FiftyConcurrentRedemptions_AgainstAHundredPoints_ExactlyTenSucceed()
    {
        var v = (await Volunteer(100)).Id();
        var reward = await Reward(10, 100);
        var client = Staff;
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.PostJson("/api/v1/redemptions", new { volunteerId = v, rewardId = reward, quantity = 1 }, $"redeem-50-{i}")));

        Assert.That(responses.Select(r => (int)r.StatusCode), Is.All.LessThan(500));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(10));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await Seed.Problem(refused, HttpStatusCode.Conflict, "insufficient-points");
        Assert.That(await Balance(v), Is.Zero);
        Assert.That(Stock(reward), Is.EqualTo(90));
    }

    [Test]
    public async Task ThirtyVolunteersRaceForFiveInStock_ExactlyFiveSucceed()
    {
        var reward = await Reward(10, 5, "电影票");
        var volunteers = new List<long>();
        for (var i = 0; i < 30; i++)
            volunteers.Add((await Volunteer(50)).Id());
        var client = Staff;
        var responses = await Task.WhenAll(volunteers.Select(v =>
            client.PostJson("/api/v1/redemptions", new { volunteerId = v, rewardId = reward, quantity = 1 })));

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(5));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await Seed.Problem(refused, HttpStatusCode.Conflict, "out-of-stock");
        Assert.That(Stock(reward), Is.Zero);
        var receipts = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created)
            .Select(async r => (await r.Read<JsonElement>()).GetProperty("receiptNo").GetString()));
        Assert.That(receipts.Distinct().Count(), Is.EqualTo(5));
    }

    [Test]
    public async Task TwentyReplaysOfOneKey_CreateOneRedemption()
    {
        var v = (await Volunteer(100)).Id();
        var reward = await Reward(10, 100);
        var client = Staff;
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostJson("/api/v1/redemptions", new { volunteerId = v, rewardId = reward, quantity = 1 }, "one-tap")));
        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.That(bodies.Distinct().Count(), Is.EqualTo(1));
        Assert.That(await Balance(v), Is.EqualTo(90));
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM redemptions WHERE volunteer_id = @V", new { V = v }), Is.EqualTo(1));
    }

    [Test]
    public async Task Cancel_RestoresPointsAndStock_AndTwiceIs409()
    {
        var v = (await Volunteer(50)).Id();
        var reward = await Reward(20, 3);
        var redemption = await Staff.Redeem(v, reward, quantity: 2);
        var id = redemption.Id();
        Assert.That(await Balance(v), Is.EqualTo(10));
        Assert.That(Stock(reward), Is.EqualTo(1));

        var cancelled = await Staff.CancelRedemption(id, "顾客退货");
        Assert.That(cancelled.GetProperty("status").GetString(), Is.EqualTo("cancelled"));
        Assert.That(cancelled.GetProperty("balanceAfter").GetInt64(), Is.EqualTo(50));
        Assert.That(await Balance(v), Is.EqualTo(50));
        Assert.That(Stock(reward), Is.EqualTo(3));

        await Seed.Problem(await Staff.PostJson($"/api/v1/redemptions/{id}/cancel", new { reason = "again" }), HttpStatusCode.Conflict, "already-cancelled");
        var transactions = await Staff.GetJson($"/api/v1/ledger/transactions?communityId={CommunityId}&kind=cancellation");
        var compensation = transactions.GetProperty("items").EnumerateArray().Single(t => t.Id() == cancelled.GetProperty("transactionId").GetInt64());
        Assert.That(compensation.GetProperty("reversesId").GetInt64(), Is.EqualTo(redemption.GetProperty("transactionId").GetInt64()));
    }

    [Test]
    public async Task Cancel_Twice_Returns409AlreadyCancelled_SayingWhenOnTheCommunitysClock()
    {
        var v = (await Volunteer(20)).Id();
        var id = (await Staff.Redeem(v, await Reward(10, 1))).Id();
        await Staff.CancelRedemption(id, "顾客退货");
        var listed = await Staff.GetJson($"/api/v1/redemptions?volunteerId={v}");
        var cancelledAt = listed.GetProperty("items")[0].GetProperty("cancelledAt").GetDateTimeOffset();
        // Seed.Community leaves the zone at its default, Shanghai (UTC+8).
        var local = cancelledAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

        var zh = await Seed.Problem(await Staff.PostJson($"/api/v1/redemptions/{id}/cancel", new { reason = "再次" }), HttpStatusCode.Conflict, "already-cancelled");
        var en = await Seed.Problem(await App.Client(StaffKey, "en").PostJson($"/api/v1/redemptions/{id}/cancel", new { reason = "again" }), HttpStatusCode.Conflict, "already-cancelled");

        Assert.Multiple(() =>
        {
            Assert.That(zh.GetProperty("detail").GetString(), Is.EqualTo($"该兑换已于 {local} 取消，不能重复取消。"));
            Assert.That(en.GetProperty("detail").GetString(), Does.Contain(local).And.Not.Contain("Z"));
        });
    }

    /// <summary>
    /// Each way a redemption is refused, on its own: a volunteer with 30 points asks for a reward of 10 points with 2 on
    /// the shelf (or one of 31 points with 5). The answer names the reason; the points and the shelf stay as they were.
    /// </summary>
    [TestCase("three of two in stock", HttpStatusCode.Conflict, "out-of-stock")]
    [TestCase("more points than held", HttpStatusCode.Conflict, "insufficient-points")]
    [TestCase("an inactive reward", HttpStatusCode.Conflict, "reward-inactive")]
    [TestCase("an unknown reward", HttpStatusCode.NotFound, "not-found")]
    [TestCase("an unknown volunteer", HttpStatusCode.NotFound, "not-found")]
    [TestCase("a quantity of 0", HttpStatusCode.BadRequest, "validation")]
    [TestCase("a quantity of 100", HttpStatusCode.BadRequest, "validation")]
    [TestCase("a quantity of -1", HttpStatusCode.BadRequest, "validation")]
    [TestCase("no volunteer", HttpStatusCode.BadRequest, "validation")]
    [TestCase("an inactive volunteer", HttpStatusCode.Conflict, "volunteer-inactive")]
    public async Task Redeem_Refused_SaysWhy_AndChangesNothing(string asking, HttpStatusCode status, string code)
    {
        var v = (await Volunteer(30)).Id();
        var reward = await Reward(10, 2);
        var pricey = await Reward(31, 5);
        object request;
        switch (asking)
        {
            case "three of two in stock":
                request = new { volunteerId = v, rewardId = reward, quantity = 3 };
                break;
            case "more points than held":
                request = new { volunteerId = v, rewardId = pricey, quantity = 1 };
                break;
            case "an inactive reward":
                await Staff.UpdateReward(reward, new { active = false });
                request = new { volunteerId = v, rewardId = reward, quantity = 1 };
                break;
            case "an unknown reward":
                request = new { volunteerId = v, rewardId = 999999, quantity = 1 };
                break;
            case "an unknown volunteer":
                request = new { volunteerId = 999999, rewardId = pricey, quantity = 1 };
                break;
            case "no volunteer":
                request = new { rewardId = pricey, quantity = 1 };
                break;
            case "a quantity of 0":
                request = new { volunteerId = v, rewardId = pricey, quantity = 0 };
                break;
            case "a quantity of 100":
                request = new { volunteerId = v, rewardId = pricey, quantity = 100 };
                break;
            case "a quantity of -1":
                request = new { volunteerId = v, rewardId = pricey, quantity = -1 };
                break;
            case "an inactive volunteer":
                await Staff.UpdateVolunteer(v, new { status = "inactive" });
                request = new { volunteerId = v, rewardId = pricey, quantity = 1 };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(asking), asking, null);
        }

        await Seed.Problem(await Staff.PostJson("/api/v1/redemptions", request), status, code);

        Assert.That(await Balance(v), Is.EqualTo(30));
        Assert.That((Stock(reward), Stock(pricey)), Is.EqualTo((2L, 5L)));
    }

    [Test]
    public async Task ARewardOfAnotherCommunity_CannotBeRedeemed()
    {
        var other = await Seed.Community(App, "邻居社区");
        var otherReward = (await Admin.CreateReward(other, 1, 9, "毛巾")).Id();
        var v = (await Volunteer(30)).Id();
        await Seed.Problem(await Staff.PostJson("/api/v1/redemptions", new { volunteerId = v, rewardId = otherReward, quantity = 1 }),
            HttpStatusCode.NotFound, "not-found");
        await Seed.Problem(await Staff.PatchAsJsonAsync($"/api/v1/rewards/{otherReward}", new { stockDelta = 1 }), HttpStatusCode.NotFound, "not-found");
    }

    private List<string> AuditActions(long reward) =>
        Database.Query<string>("SELECT action FROM audit_events WHERE subject = @S ORDER BY id", new { S = $"reward:{reward}" });

    [Test]
    public async Task Stock_MovesByDelta_AndEveryChangeIsAudited()
    {
        var reward = await Reward(10, 5, "肥皂");
        var up = await Staff.UpdateReward(reward, new { stockDelta = 20 });
        Assert.That(up.GetProperty("stock").GetInt64(), Is.EqualTo(25));
        var down = await Staff.UpdateReward(reward, new { stockDelta = -4, pointsCost = 12 });
        Assert.That((down.GetProperty("stock").GetInt64(), down.GetProperty("pointsCost").GetInt64()), Is.EqualTo((21L, 12L)));
        Assert.That(Stock(reward), Is.EqualTo(21));
        Assert.That(AuditActions(reward), Is.EqualTo(new[] { "reward.created", "reward.updated", "reward.updated" }));

        await Staff.UpdateReward(reward, new { active = false });
        var active = await Staff.GetJson("/api/v1/rewards?active=true");
        Assert.That(active.GetProperty("items").EnumerateArray().Select(r => r.Id()), Does.Not.Contain(reward));
    }

    [TestCase(-22, TestName = "{m}(one more than the 21 on the shelf)")]
    [TestCase(0, TestName = "{m}(zero)")]
    public async Task Stock_NeverBelowZero_NorMovedByNothing_Is400_AndChangesAndAuditsNothing(int stockDelta)
    {
        var reward = await Reward(12, 21, "肥皂");
        await Seed.Problem(await Staff.PatchAsJsonAsync($"/api/v1/rewards/{reward}", new { stockDelta }), HttpStatusCode.BadRequest, "validation");
        Assert.That(Stock(reward), Is.EqualTo(21));
        Assert.That(AuditActions(reward), Is.EqualTo(new[] { "reward.created" }));
    }

    [TestCase(0, 1, TestName = "{m}(costing nothing)")]
    [TestCase(1, -1, TestName = "{m}(a negative stock)")]
    public async Task CreateReward_CostingNothingOrWithANegativeStock_Is400_AndCreatesNothing(int pointsCost, int stock)
    {
        var before = Database.Count("rewards");
        await Seed.Problem(await Staff.PostJson("/api/v1/rewards", new { communityId = CommunityId, name = "x", pointsCost, stock }), HttpStatusCode.BadRequest, "validation");
        Assert.That(Database.Count("rewards"), Is.EqualTo(before));
    }

    [Test]
    public async Task RedemptionList_PagesAndExportsCsv()
    {
        var v = await Volunteer(100);
        var id = v.Id();
        var reward = await Reward(5, 50, "酱油, 500ml");
        for (var i = 0; i < 3; i++)
            await Staff.Redeem(id, reward);

        var page = await Staff.GetJson($"/api/v1/redemptions?volunteerId={id}&limit=2");
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
        Assert.That(page.GetProperty("nextCursor").GetString(), Is.Not.Null);

        var csv = await App.Client(StaffKey, "en").GetAsync($"/api/v1/redemptions?volunteerId={id}&format=csv");
        Assert.That(csv.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(csv.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 BOM first, for Excel");
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines, Has.Count.EqualTo(4));
        Assert.That(lines[0], Does.StartWith("id,receiptNo,"));
        Assert.That(lines[1], Does.Contain("\"酱油, 500ml\"").And.Contain(v.GetProperty("name").GetString()!));
    }

    [Test]
    public async Task ACsvCellThatLooksLikeAFormula_StaysText()
    {
        var reward = await Reward(1, 5, "=HYPERLINK(\"http://x\")");
        var v = (await Volunteer(10)).Id();
        await Staff.Redeem(v, reward);
        var text = await (await Staff.GetAsync($"/api/v1/redemptions?volunteerId={v}&format=csv")).Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("\"'=HYPERLINK(\"\"http://x\"\")\""));
    }

    /// <summary>OWASP's formula triggers: = + - @, and a tab or CR at the start (Excel strips those and reads on).</summary>
    [TestCase("@SUM(1+1)*cmd|' /C calc'!A0")]
    [TestCase("+1+cmd|' /C calc'!A0")]
    [TestCase("-1+cmd|' /C calc'!A0")]
    [TestCase("\t=1+1")]
    [TestCase("\r=1+1")]
    public async Task EveryFormulaTrigger_StaysText_InBothForms(string name)
    {
        var v = (await Volunteer(10)).Id();
        // Validation keeps control characters out of new names; older data, or data written straight into the file, may have them.
        Database.Execute("UPDATE volunteers SET name = @Name WHERE id = @Id", new { Name = name, Id = v });
        await Staff.Redeem(v, await Reward(1, 5));

        foreach (var language in new[] { "zh-CN", "en" })
        {
            var csv = await CsvFile.Get(App.Client(StaffKey, language), $"/api/v1/redemptions?volunteerId={v}&format=csv");
            Assert.That(csv.Rows.Single()[4], Is.EqualTo("'" + name), language);
            Assert.That(csv.Rows.Single()[8], Is.EqualTo("1"), "numbers are not escaped");
        }
    }

    [Test]
    public async Task Redeem_AtAPriceBeyondAnyBalance_Returns409InsufficientPoints_AndTakesNothing()
    {
        var v = (await Volunteer(100)).GetProperty("id").GetInt64();
        var reward = await Reward(10, 10);
        // The API caps a price at 1,000,000; only a row edited by hand gets a price that overflows when multiplied.
        Database.Execute("UPDATE rewards SET points_cost = @Cost WHERE id = @Id", new { Cost = long.MaxValue, Id = reward });

        var problem = await Seed.Problem(await App.Client(StaffKey, "en").PostJson("/api/v1/redemptions", new { volunteerId = v, rewardId = reward, quantity = 2 }),
            HttpStatusCode.Conflict, "insufficient-points");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("the balance is 100").And.Contain(((Int128)long.MaxValue * 2).ToString()));
        Assert.That(await Balance(v), Is.EqualTo(100));
        Assert.That(Stock(reward), Is.EqualTo(10));
    }
}
