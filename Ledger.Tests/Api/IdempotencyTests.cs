using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class IdempotencyTests
{
    private LedgerApp _app = null!;
    private long _community;
    private string _staff = "";

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _app = new LedgerApp();
        _community = await Seed.Community(_app);
        _staff = (await Seed.Key(_app, "staff", _community)).Key;
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task SameKeySameBody_ReplaysTheFirstAnswer_AndCreatesNothing()
    {
        var body = Seed.VolunteerBody(_community, "王五");
        var client = _app.Client(_staff);
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
        var client = _app.Client(_staff);
        Assert.That((await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community, "赵六"), "reuse-1")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        var count = Count();
        var response = await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community, "钱七"), "reuse-1");
        await Seed.Problem(response, HttpStatusCode.Conflict, "idempotency-key-reused");
        Assert.That(Count(), Is.EqualTo(count));
    }

    [Test]
    public async Task KeysBelongToTheirApiKey()
    {
        var other = (await Seed.Key(_app, "client", _community)).Key;
        var a = await _app.Client(_staff).PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community), "shared-name");
        var b = await _app.Client(other).PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community), "shared-name");
        Assert.That(a.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(b.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(b.Headers.Contains("Idempotent-Replayed"), Is.False);
    }

    [Test]
    public async Task AFailedAttempt_StoresNothing_SoTheRetryRuns()
    {
        var client = _app.Client(_staff);
        var bad = await client.PostJson("/api/v1/volunteers", new { communityId = _community, name = "x", phone = "13912345678", echelon = "first", wechatOpenId = "o-taken" }, "after-fail");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var duplicate = await client.PostJson("/api/v1/volunteers", new { communityId = _community, name = "y", phone = "13912345678", echelon = "first", wechatOpenId = "o-taken" }, "fails-first");
        await Seed.Problem(duplicate, HttpStatusCode.Conflict, "duplicate-openid");
        var again = await client.PostJson("/api/v1/volunteers", new { communityId = _community, name = "y", phone = "13912345678", echelon = "first", wechatOpenId = "o-taken" }, "fails-first");
        await Seed.Problem(again, HttpStatusCode.Conflict, "duplicate-openid");
    }

    [TestCase("has space")]
    [TestCase("a b c")]
    public async Task InvalidKey_Is400(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/volunteers") { Content = System.Net.Http.Json.JsonContent.Create(Seed.VolunteerBody(_community)) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        await Seed.Problem(await _app.Client(_staff).SendAsync(request), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task KeyOf101Characters_Is400_And100IsAccepted()
    {
        var client = _app.Client(_staff);
        await Seed.Problem(await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community), new string('k', 101)),
            HttpStatusCode.BadRequest, "validation");
        Assert.That((await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community), new string('k', 100))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task TwentyConcurrentCreates_WithOneKey_CreateOneVolunteer()
    {
        var body = Seed.VolunteerBody(_community, "并发测试", openId: "o-concurrent");
        var client = _app.Client(_staff);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostJson("/api/v1/volunteers", body, "concurrent-1")));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Read<JsonElement>()).GetProperty("id").GetInt64()));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
        Assert.That(responses.Count(r => !r.Headers.Contains("Idempotent-Replayed")), Is.EqualTo(1));
        Assert.That(_app.Database.Scalar<long>("SELECT COUNT(*) FROM volunteers WHERE name = '并发测试'"), Is.EqualTo(1));
        Assert.That(_app.Database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE action = 'volunteer.created' AND subject = @S", new { S = $"volunteer:{ids[0]}" }), Is.EqualTo(1));
    }

    [Test]
    public async Task StoredAnswers_AreKeptAWeek_AndForgottenAfterTheRetention()
    {
        var client = _app.Client(_staff);
        await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community), "kept-fresh");
        _app.Database.Execute("UPDATE idempotency_keys SET created_at = '2000-01-01T00:00:00.000Z' WHERE idempotency_key = 'kept-fresh'");
        await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(_community), "recent");
        var purge = (Ledger.Api.Http.IdempotencyPurge)_app.Services.GetService(typeof(Ledger.Api.Http.IdempotencyPurge))!;
        Assert.That(purge.Retention.TotalDays, Is.GreaterThanOrEqualTo(7));
        Assert.That(await purge.RunOnce(), Is.EqualTo(1));
        Assert.That(_app.Database.Query<string>("SELECT idempotency_key FROM idempotency_keys WHERE idempotency_key IN ('kept-fresh', 'recent')"),
            Is.EqualTo(new[] { "recent" }));
    }

    private long Count() => _app.Database.Count("volunteers");
}
