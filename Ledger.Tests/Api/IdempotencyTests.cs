using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class IdempotencyTests : ApiFixture
{
    [Test]
    public async Task SameKeySameBody_ReplaysTheFirstAnswer_AndCreatesNothing()
    {
        var body = Seed.VolunteerBody(CommunityId, "王五");
        var client = Staff;
        var first = await client.PostJson("/api/v1/volunteers", body, "replay-1");
        var firstText = await first.Content.ReadAsStringAsync();
        var count = Count();

        var second = await client.PostJson("/api/v1/volunteers", body, "replay-1");
        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(first.Headers.Contains("Idempotent-Replayed"), Is.False);
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(second.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
            Assert.That(await second.Content.ReadAsStringAsync(), Is.EqualTo(firstText));
            Assert.That(Count(), Is.EqualTo(count));
        });
    }

    [Test]
    public async Task SameKeyOtherBody_Is409IdempotencyKeyReused()
    {
        var client = Staff;
        Assert.That((await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId, "赵六"), "reuse-1")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        var count = Count();
        var response = await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId, "钱七"), "reuse-1");
        await Seed.Problem(response, HttpStatusCode.Conflict, "idempotency-key-reused");
        Assert.That(Count(), Is.EqualTo(count));
    }

    [Test]
    public async Task KeysBelongToTheirApiKey()
    {
        var other = (await Seed.Key(App, "client", CommunityId)).Key;
        var a = await Staff.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId), "shared-name");
        var b = await App.Client(other).PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId), "shared-name");
        Assert.That(a.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(b.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(b.Headers.Contains("Idempotent-Replayed"), Is.False);
    }

    [Test]
    public async Task AFailedAttempt_StoresNothing_SoTheRetryRuns()
    {
        var client = Staff;
        var bad = await client.PostJson("/api/v1/volunteers", new { communityId = CommunityId, name = "x", phone = "13912345678", echelon = "first", wechatOpenId = "o-taken" }, "after-fail");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var duplicate = await client.PostJson("/api/v1/volunteers", new { communityId = CommunityId, name = "y", phone = "13912345678", echelon = "first", wechatOpenId = "o-taken" }, "fails-first");
        await Seed.Problem(duplicate, HttpStatusCode.Conflict, "duplicate-openid");
        var again = await client.PostJson("/api/v1/volunteers", new { communityId = CommunityId, name = "y", phone = "13912345678", echelon = "first", wechatOpenId = "o-taken" }, "fails-first");
        await Seed.Problem(again, HttpStatusCode.Conflict, "duplicate-openid");
    }

    [TestCase("has space")]
    [TestCase("a b c")]
    public async Task InvalidKey_Is400(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/volunteers") { Content = System.Net.Http.Json.JsonContent.Create(Seed.VolunteerBody(CommunityId)) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        await Seed.Problem(await Staff.SendAsync(request), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task KeyOf101Characters_Is400_And100IsAccepted()
    {
        var client = Staff;
        await Seed.Problem(await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId), new string('k', 101)),
            HttpStatusCode.BadRequest, "validation");
        Assert.That((await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId), new string('k', 100))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task TwentyConcurrentCreates_WithOneKey_CreateOneVolunteer()
    {
        var body = Seed.VolunteerBody(CommunityId, "并发测试", openId: "o-concurrent");
        var client = Staff;
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostJson("/api/v1/volunteers", body, "concurrent-1")));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Read<JsonElement>()).Id()));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
        Assert.That(responses.Count(r => !r.Headers.Contains("Idempotent-Replayed")), Is.EqualTo(1));
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM volunteers WHERE name = '并发测试'"), Is.EqualTo(1));
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE action = 'volunteer.created' AND subject = @S", new { S = $"volunteer:{ids[0]}" }), Is.EqualTo(1));
    }

    [Test]
    public async Task StoredAnswers_AreKeptAWeek_AndForgottenAfterTheRetention()
    {
        var client = Staff;
        await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId), "kept-fresh");
        Database.Execute("UPDATE idempotency_keys SET created_at = '2000-01-01T00:00:00.000Z' WHERE idempotency_key = 'kept-fresh'");
        await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId), "recent");
        var purge = (Ledger.Api.Storage.IdempotencyPurge)App.Services.GetService(typeof(Ledger.Api.Storage.IdempotencyPurge))!;
        Assert.That(purge.Retention.TotalDays, Is.GreaterThanOrEqualTo(7));
        Assert.That(await purge.RunOnce(), Is.EqualTo(1));
        Assert.That(Database.Query<string>("SELECT idempotency_key FROM idempotency_keys WHERE idempotency_key IN ('kept-fresh', 'recent')"),
            Is.EqualTo(new[] { "recent" }));
    }

    private long Count() => Database.Count("volunteers");
}
