using System.Net;
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
    public async Task MadeUpAuthorizationHeaders_ShareTheAddresssBucket_AndAKnownKeyKeepsItsOwn()
    {
        const int burst = 5;
        await using var app = new LedgerApp(rateLimit: burst);
        var community = await Seed.Community(app);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            var made = app.Client($"lk_made-up-{i}");
            statuses.Add((await made.GetAsync($"/api/v1/certificates/AAAA-BBBB-CC{i:00}")).StatusCode);
        }
        var seconds = Math.Ceiling(clock.Elapsed.TotalSeconds);
        var answered = statuses.Count(s => s != HttpStatusCode.TooManyRequests);
        Assert.That(statuses, Does.Contain(HttpStatusCode.TooManyRequests), "30 invented keys against a burst of 5");
        Assert.That(answered, Is.LessThanOrEqualTo(burst + burst * seconds), "no more than the address's burst and what it regained meanwhile");

        // The same bucket as calls without a key: right after an invented key is refused, so is a call without one.
        // (Tried up to three times, in case the bucket's once-a-second refill falls between the two calls.)
        var shared = false;
        for (var attempt = 0; attempt < 3 && !shared; attempt++)
        {
            for (var i = 0; i < 100; i++)
                if ((await app.Client($"lk_again-{attempt}-{i}").GetAsync("/api/v1/communities")).StatusCode == HttpStatusCode.TooManyRequests)
                    break;
            var anonymous = await app.Client().GetAsync("/api/v1/certificates/AAAA-BBBB-CCCC");
            shared = anonymous.StatusCode == HttpStatusCode.TooManyRequests;
            if (shared)
                await Seed.Problem(anonymous, HttpStatusCode.TooManyRequests, "rate-limited");
        }
        Assert.That(shared, Is.True, "a call without a key draws on the bucket the invented keys emptied");
        Assert.That((await app.Admin().GetAsync($"/api/v1/communities/{community}")).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "a key in use has a bucket of its own");
    }

    [Test]
    public async Task EveryAnswer_TellsTheKeyHowManyRequestsItHasLeft_InTheRateLimitField()
    {
        await using var app = new LedgerApp(rateLimit: 5);
        var admin = app.Admin();
        // A key's first call on a node is charged to its address (the node does not know the key yet; see RateLimits);
        // from the second on, the key has a bucket of its own, and that bucket is what the field reports.
        await admin.GetAsync("/api/v1/communities");
        var answers = new List<HttpResponseMessage>();
        do
            answers.Add(await admin.GetAsync("/api/v1/communities/999"));
        while (answers[^1].StatusCode != HttpStatusCode.TooManyRequests && answers.Count < 50);
        string Field(HttpResponseMessage a) => a.Headers.GetValues("RateLimit").Single();

        Assert.That(Field(answers[0]), Is.EqualTo("\"key\";r=4;t=1"), "five allowed at once, one used from the key's own bucket");
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
        var id = (await app.Client(staff).RegisterVolunteer(body)).Id();

        async Task<string> PhoneAs(string key) =>
            (await app.Client(key).GetJson($"/api/v1/volunteers/{id}")).GetProperty("phone").GetString()!;

        Assert.That(await PhoneAs(staff), Is.EqualTo("13912345678"));
        Assert.That(await PhoneAs(client), Is.EqualTo("13912345678"));
        Assert.That(await PhoneAs(auditor), Is.EqualTo("139****5678"));
        var list = await (await app.Client(auditor).GetAsync($"/api/v1/volunteers?communityId={community}")).Content.ReadAsStringAsync();
        Assert.That(list, Does.Not.Contain("13912345678"));
    }

    [Test]
    public async Task PhoneSearch_NeedsTheWholeNumber_AndTheCommunitysOwnKey_SoMaskedNumbersCannotBeRebuilt()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var elsewhere = await Seed.Community(app, "别的社区");
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var client = (await Seed.Key(app, "client", community)).Key;
        var otherStaff = (await Seed.Key(app, "staff", elsewhere)).Key;
        var auditor = (await Seed.Key(app, "auditor")).Key;
        var body = new { communityId = community, name = "钱阿姨", phone = "13912345678", echelon = "first" };
        var created = await app.Client(staff).RegisterVolunteer(body);
        var memberCode = created.GetProperty("memberCode").GetString()!;

        async Task<int> Found(string key, string q) =>
            (await app.Client(key).GetJson($"/api/v1/volunteers?q={Uri.EscapeDataString(q)}")).GetProperty("items").GetArrayLength();

        Assert.Multiple(async () =>
        {
            // What the auditor would try, digit by digit, around the masked 139****5678.
            foreach (var probe in new[] { "1391", "13912", "1391234", "12345678", "9123", "13912345678" })
            {
                Assert.That(await Found(auditor, probe), Is.Zero, $"auditor q={probe}");
                Assert.That(await Found(LedgerApp.AdminKey, probe), Is.Zero, $"admin q={probe}");
            }
            Assert.That(await Found(staff, "139-1234 5678"), Is.EqualTo(1), "staff, the whole number as typed");
            Assert.That(await Found(client, "13912345678"), Is.EqualTo(1), "client, the whole number");
            Assert.That(await Found(staff, "1391234567"), Is.Zero, "staff, all but a digit");
            Assert.That(await Found(staff, "5678"), Is.Zero, "staff, the last four");
            Assert.That(await Found(otherStaff, "13912345678"), Is.Zero, "staff of another community");
            Assert.That(await Found(auditor, "钱阿"), Is.EqualTo(1), "names still match for every role");
            Assert.That(await Found(auditor, memberCode.ToLowerInvariant()), Is.EqualTo(1), "member codes still match for every role");
            Assert.That(await Found(staff, "+86 139 1234 5678"), Is.EqualTo(1), "the same mainland number with +86");
        });
    }

    [Test]
    public async Task PhoneSearch_FindsANumberRegisteredWithPlus86_ByTheNumberAlone()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var staff = (await Seed.Key(app, "staff", community)).Key;
        await app.Client(staff).RegisterVolunteer(new { communityId = community, name = "周阿姨", phone = "+86 139 1234 5679", echelon = "first" });

        var found = await app.Client(staff).GetJson("/api/v1/volunteers?q=13912345679");

        Assert.That(found.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("name").GetString()), Is.EqualTo(new[] { "周阿姨" }));
    }

    [Test]
    public async Task OpenIds_AreMaskedForAuditors_AndInTheAuditTrail()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var auditor = (await Seed.Key(app, "auditor")).Key;
        const string openId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
        var id = (await Seed.Volunteer(app, staff, community, "孙阿姨", openId)).Id();
        await app.Client(staff).UpdateVolunteer(id, new { grid = "第二网格" });

        async Task<string?> OpenIdAs(string key) =>
            (await app.Client(key).GetJson($"/api/v1/volunteers/{id}")).GetProperty("wechatOpenId").GetString();

        Assert.That(await OpenIdAs(staff), Is.EqualTo(openId));
        Assert.That(await OpenIdAs(LedgerApp.AdminKey), Is.EqualTo(openId));
        Assert.That(await OpenIdAs(auditor), Is.EqualTo("oUp****S6o"));
        var list = await (await app.Client(auditor).GetAsync($"/api/v1/volunteers?communityId={community}")).Content.ReadAsStringAsync();
        var trail = await (await app.Client(auditor).GetAsync($"/api/v1/audit/events?subject=volunteer:{id}")).Content.ReadAsStringAsync();
        Assert.That(trail, Does.Contain("volunteer.created").And.Contain("volunteer.updated"));
        Assert.That(list + trail, Does.Not.Contain(openId[3..^3]));
    }
}
