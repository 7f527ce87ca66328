using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class LimitsAndPrivacyTests
{
    [Test]
    public async Task AKeyOverItsRate_Gets429RateLimited_WithRetryAfter_AndOtherKeysDoNot()
    {
        await using var app = new LedgerApp(rateLimit: 5);
        var community = await Seed.Community(app);
        var busy = app.Admin();
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 15; i++)
            responses.Add(await busy.GetAsync($"/api/v1/communities/{community}"));
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.That(limited, Is.Not.Empty);
        var problem = await Seed.Problem(limited[0], HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.That(limited[0].Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThanOrEqualTo(1));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("秒"));
        var other = await app.Client("lk_some-other-key-never-issued").GetAsync("/api/v1/communities");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "another key has its own bucket");
    }

    [Test]
    public async Task EveryAnswer_TellsTheKeyHowManyRequestsItHasLeft_InTheRateLimitField()
    {
        await using var app = new LedgerApp(rateLimit: 5);
        var admin = app.Admin();
        var answers = new List<HttpResponseMessage>();
        do
            answers.Add(await admin.GetAsync("/api/v1/communities/999"));
        while (answers[^1].StatusCode != HttpStatusCode.TooManyRequests && answers.Count < 50);
        string Field(HttpResponseMessage a) => a.Headers.GetValues("RateLimit").Single();

        Assert.That(Field(answers[0]), Is.EqualTo("\"key\";r=4;t=1"), "five allowed at once, one used");
        Assert.That(answers[^1].StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        // Only this test spends the key's tokens, so the answer just before the refusal said none were left.
        Assert.That(Field(answers[^2]), Is.EqualTo("\"key\";r=0;t=1"));
        Assert.That(Field(answers[^1]), Does.Match("^\"key\";r=[0-9]+;t=1$"));
        var unauthorized = await app.Client("lk_some-other-key-never-issued").GetAsync("/api/v1/communities");
        Assert.That(Field(unauthorized), Does.Match("^\"key\";r=[0-9]+;t=1$"));
    }

    [Test]
    public async Task Phones_AreMaskedForAuditors_AndWholeForTheCommunitysOwnKeys()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var client = (await Seed.Key(app, "client", community)).Key;
        var auditor = (await Seed.Key(app, "auditor")).Key;
        var body = new { communityId = community, name = "钱阿姨", phone = "13912345678", echelon = "first" };
        var id = (await (await app.Client(staff).PostJson("/api/v1/volunteers", body)).Read<JsonElement>()).GetProperty("id").GetInt64();

        async Task<string> PhoneAs(string key) =>
            (await (await app.Client(key).GetAsync($"/api/v1/volunteers/{id}")).Read<JsonElement>()).GetProperty("phone").GetString()!;

        Assert.That(await PhoneAs(staff), Is.EqualTo("13912345678"));
        Assert.That(await PhoneAs(client), Is.EqualTo("13912345678"));
        Assert.That(await PhoneAs(auditor), Is.EqualTo("139****5678"));
        var list = await (await app.Client(auditor).GetAsync($"/api/v1/volunteers?communityId={community}")).Content.ReadAsStringAsync();
        Assert.That(list, Does.Not.Contain("13912345678"));
    }
}
