using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// endOfFollowingYear with exact numbers: points earned in 2024 are spent oldest first, partly given away, partly
/// returned by a cancellation — and what is left of them lapses at the start of 2026 (Shanghai), once.
/// </summary>
public sealed class ExpiryTests() : ApiFixture(servicePerTest: true)
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    protected override LedgerApp CreateApp()
    {
        var app = new LedgerApp();
        app.Clock.Set(new DateTimeOffset(2024, 3, 10, 10, 0, 0, Shanghai));
        return app;
    }

    [SetUp]
    public async Task PointsLapseAtTheEndOfTheFollowingYear()
    {
        await Admin.PutRules(CommunityId, new { expiry = "endOfFollowingYear", effectiveFrom = new DateTimeOffset(2020, 1, 1, 0, 0, 0, Shanghai) });
    }

    private async Task<JsonElement> Summary(long v) => await Staff.GetJson($"/api/v1/volunteers/{v}/summary");

    private Task<JsonElement> Expire(DateTimeOffset asOf) => Admin.ExpirePoints(CommunityId, asOf);

    [Test]
    public async Task PointsOf2024_LapseAtTheStartOf2026_AfterSpendingGiftsAndACancellation()
    {
        var a = (await Seed.Volunteer(App, StaffKey, CommunityId, "张阿姨")).Id();
        var b = (await Seed.Volunteer(App, StaffKey, CommunityId, "张阿姨的母亲")).Id();

        // 2024: 480 minutes approved (80 points) and a 20-point correction: 100 points of 2024.
        await Records.Submit(App, StaffKey, a, minutes: 480, approveScore: 5, start: new DateTimeOffset(2024, 3, 9, 8, 0, 0, Shanghai));
        await Staff.Adjust(a, 20, "补录");
        Assert.That((await Summary(a)).GetProperty("balance").GetInt64(), Is.EqualTo(100));

        // 2025: 300 minutes more (50 points of 2025).
        App.Clock.Set(new DateTimeOffset(2025, 2, 1, 10, 0, 0, Shanghai));
        await Records.Submit(App, StaffKey, a, minutes: 300, approveScore: 5, start: new DateTimeOffset(2025, 1, 31, 8, 0, 0, Shanghai));

        var reward = (await Staff.CreateReward(CommunityId, 10, 100, "食用油")).Id();
        // Spending takes the oldest first: 30 of 2024 → 2024: 70, 2025: 50.
        await Staff.Redeem(a, reward, quantity: 3);
        // A gift of 25 carries its year: 2024: 45 for A, 25 of 2024 for B.
        await Staff.Give(a, b, 25, "给妈妈");
        // 60 spent takes 45 of 2024 and 15 of 2025; cancelling puts them back where they came from.
        var big = await Staff.Redeem(a, reward, quantity: 6);
        var soonAfterSpend = (await Summary(a)).GetProperty("expiringSoon");
        Assert.That(soonAfterSpend.GetProperty("points").GetInt64(), Is.EqualTo(35), "only 2025 points are left");
        await Staff.CancelRedemption(big.Id(), "拿错了");

        var summary = await Summary(a);
        Assert.That(summary.GetProperty("balance").GetInt64(), Is.EqualTo(95));
        Assert.That(summary.GetProperty("expiringSoon").GetProperty("points").GetInt64(), Is.EqualTo(45));
        Assert.That(summary.GetProperty("expiringSoon").GetProperty("at").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, Shanghai)));
        Assert.That((await Summary(b)).GetProperty("expiringSoon").GetProperty("points").GetInt64(), Is.EqualTo(25));

        // One minute before the end of 2025 nothing is due.
        App.Clock.Set(new DateTimeOffset(2026, 1, 2, 9, 0, 0, Shanghai));
        var early = await Expire(new DateTimeOffset(2025, 12, 31, 23, 59, 0, Shanghai));
        Assert.That(early.GetProperty("expiredPoints").GetInt64(), Is.Zero);

        var run = await Expire(new DateTimeOffset(2026, 1, 1, 0, 0, 0, Shanghai));
        Assert.That(run.GetProperty("expiredPoints").GetInt64(), Is.EqualTo(45 + 25));
        Assert.That(run.GetProperty("transactions").GetInt32(), Is.EqualTo(2));
        Assert.That((await Summary(a)).GetProperty("balance").GetInt64(), Is.EqualTo(50));
        Assert.That((await Summary(b)).GetProperty("balance").GetInt64(), Is.Zero);
        Assert.That((await Summary(a)).GetProperty("expiringSoon").GetProperty("at").GetDateTimeOffset(),
            Is.EqualTo(new DateTimeOffset(2027, 1, 1, 0, 0, 0, Shanghai)));
        Assert.That((await Summary(b)).GetProperty("expiringSoon").ValueKind, Is.EqualTo(JsonValueKind.Null));

        // Idempotent: the same or an earlier asOf expires nothing more.
        Assert.That((await Expire(new DateTimeOffset(2026, 1, 1, 0, 0, 0, Shanghai))).GetProperty("expiredPoints").GetInt64(), Is.Zero);
        Assert.That((await Expire(new DateTimeOffset(2026, 1, 1, 12, 0, 0, Shanghai))).GetProperty("expiredPoints").GetInt64(), Is.Zero);

        var trial = await Staff.GetJson($"/api/v1/ledger/trial-balance?communityId={CommunityId}");
        Assert.That(trial.GetProperty("total").GetInt64(), Is.Zero);
        Assert.That(trial.GetProperty("accounts").EnumerateArray().Single(x => x.GetProperty("account").GetString() == $"community:{CommunityId}:expiry")
            .GetProperty("balance").GetInt64(), Is.EqualTo(70));
    }

    [Test]
    public async Task WithExpiryNever_NothingLapses()
    {
        var other = await Seed.Community(App, "永不过期社区");
        var staff = (await Seed.Key(App, "staff", other)).Key;
        var v = (await Seed.Volunteer(App, staff, other)).Id();
        await App.Client(staff).Adjust(v, 40, "初始");
        App.Clock.Set(new DateTimeOffset(2027, 6, 1, 0, 0, 0, Shanghai));
        var run = await Admin.ExpirePoints(other, new DateTimeOffset(2027, 1, 1, 0, 0, 0, Shanghai));
        Assert.That(run.GetProperty("expiredPoints").GetInt64(), Is.Zero);
        var summary = await App.Client(staff).GetJson($"/api/v1/volunteers/{v}/summary");
        Assert.That(summary.GetProperty("balance").GetInt64(), Is.EqualTo(40));
        Assert.That(summary.GetProperty("expiringSoon").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task TheDailyJob_ExpiresWhatIsDueInEveryCommunity()
    {
        var v = (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();
        await Staff.Adjust(v, 33, "2024 年活动");
        App.Clock.Set(new DateTimeOffset(2026, 1, 1, 0, 30, 0, Shanghai));
        var job = ((IEnumerable<Microsoft.Extensions.Hosting.IHostedService>)App.Services
                .GetService(typeof(IEnumerable<Microsoft.Extensions.Hosting.IHostedService>))!)
            .OfType<Ledger.Api.Points.ExpiryJob>().Single();
        await job.RunOnce();
        Assert.That((await Summary(v)).GetProperty("balance").GetInt64(), Is.Zero);
        await job.RunOnce();
        var ledger = await Staff.GetJson($"/api/v1/volunteers/{v}/ledger?kind=expiry");
        Assert.That(ledger.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task AsOfInTheFuture_IsRefused()
    {
        var response = await Admin.PostJson($"/api/v1/communities/{CommunityId}/expire-points", new { asOf = new DateTimeOffset(2030, 1, 1, 0, 0, 0, Shanghai) });
        await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        await Seed.Problem(await Admin.PostJson("/api/v1/communities/99999/expire-points", new { asOf = new DateTimeOffset(2024, 1, 1, 0, 0, 0, Shanghai) }),
            HttpStatusCode.NotFound, "not-found");
    }
}
