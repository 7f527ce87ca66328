using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>A year of service in 2026, recorded month by month, then graded, ranked, reported and certified.</summary>
public sealed class YearEndTests() : ApiFixture("桃浦新村第三居民区")
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private readonly Dictionary<string, long> _v = new();
    private readonly Dictionary<int, long> _issued = new();
    private long _redeemed;

    protected override LedgerApp CreateApp()
    {
        var app = new LedgerApp();
        app.Clock.Set(new DateTimeOffset(2026, 1, 1, 9, 0, 0, Shanghai));
        return app;
    }

    [OneTimeSetUp]
    public async Task AYearOfServiceIn2026()
    {
        foreach (var (key, echelon) in new[] { ("A", "second"), ("B", "first"), ("C", "first"), ("D", "reserve"), ("E", "second") })
        {
            var body = new { communityId = CommunityId, name = $"志愿者{key}", phone = "13912345678", grid = key == "E" ? "第二网格" : "第一网格", echelon };
            _v[key] = (await Staff.RegisterVolunteer(body)).Id();
        }
        var reward = (await Staff.CreateReward(CommunityId, 15, 10, "毛巾")).Id();

        for (var month = 1; month <= 12; month++)
        {
            App.Clock.Set(new DateTimeOffset(2026, month, 20, 18, 0, 0, Shanghai));
            DateTimeOffset Day(int day, int hour = 8) => new(2026, month, day, hour, 0, 0, Shanghai);
            // A and B: 600 minutes a month, every month, scored 5; B starts earlier in the month, so earlier in the year.
            await Approve("A", Day(14), 300, 5);
            await Approve("A", Day(15), 300, 5);
            await Approve("B", Day(10), 300, 5);
            await Approve("B", Day(11), 300, 5, category: "anti-fraud");
            // C: 500 minutes a month in the first half, scored 4.
            if (month <= 6)
            {
                await Approve("C", Day(12), 250, 4);
                await Approve("C", Day(13), 250, 4);
            }
            // D: 20 hours in February, scored 3.
            if (month == 2)
            {
                await Approve("D", Day(3), 480, 3);
                await Approve("D", Day(4), 480, 3);
                await Approve("D", Day(5), 240, 3);
            }
            if (month == 3)
            {
                await Staff.Redeem(_v["A"], reward, quantity: 2);
                _redeemed += 30;
            }
            if (month == 5)
                await Staff.Adjust(_v["D"], 20, "补录");
            if (month == 6)
                await Staff.Adjust(_v["D"], -10, "更正");
        }
        App.Clock.Set(new DateTimeOffset(2027, 1, 5, 10, 0, 0, Shanghai));
    }

    private async Task Approve(string who, DateTimeOffset start, int minutes, int score, string category = "elderly-care")
    {
        var record = await Records.Submit(App, StaffKey, _v[who], minutes, category, score, start);
        _issued[start.Month] = _issued.GetValueOrDefault(start.Month) + record.GetProperty("points").GetInt64();
    }

    private async Task<JsonElement> Get(string url) => await Staff.GetJson(url);

    [Test]
    public async Task Grades_WithTheirReasons()
    {
        var a = await Get($"/api/v1/volunteers/{_v["A"]}/grade?year=2026");
        Assert.Multiple(() =>
        {
            Assert.That(a.GetProperty("grade").GetString(), Is.EqualTo("excellent"));
            Assert.That(a.GetProperty("approvedMinutes").GetInt64(), Is.EqualTo(7200));
            Assert.That(a.GetProperty("activeMonths").GetInt32(), Is.EqualTo(12));
            Assert.That(a.GetProperty("averageScore").GetDecimal(), Is.EqualTo(5m));
            Assert.That(a.GetProperty("promotionCandidate").GetBoolean(), Is.True, "second echelon, excellent");
            Assert.That(a.GetProperty("reasons")[0].GetString(), Is.EqualTo("全年服务 120 小时，达到优秀所需的 100 小时"));
        });
        var b = await Get($"/api/v1/volunteers/{_v["B"]}/grade?year=2026");
        Assert.That((b.GetProperty("grade").GetString(), b.GetProperty("promotionCandidate").GetBoolean()), Is.EqualTo(("excellent", false)));

        var c = await Get($"/api/v1/volunteers/{_v["C"]}/grade?year=2026");
        Assert.That(c.GetProperty("grade").GetString(), Is.EqualTo("good"));
        Assert.That(c.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Does.Contain("全年服务 50 小时，距优秀所需的 100 小时还差 50 小时"));

        var en = await App.Client(StaffKey, "en").GetJson($"/api/v1/volunteers/{_v["D"]}/grade?year=2026");
        Assert.That(en.GetProperty("grade").GetString(), Is.EqualTo("qualified"));
        Assert.That(en.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Does.Contain("20 hours served, at least the 20 needed for qualified"));

        var e = await Get($"/api/v1/volunteers/{_v["E"]}/grade?year=2026");
        Assert.That(e.GetProperty("grade").GetString(), Is.EqualTo("needs-improvement"));
        Assert.That(e.GetProperty("reasons")[0].GetString(), Is.EqualTo("全年服务 0 小时，距合格所需的 20 小时还差 20 小时"));
    }

    [Test]
    public async Task Rankings_HoursThenScoreThenEarlierFirstRecord()
    {
        var ranking = await Get($"/api/v1/communities/{CommunityId}/rankings?year=2026");
        var order = ranking.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("rank").GetInt32(), i.GetProperty("name").GetString(), i.GetProperty("grade").GetString())).ToList();
        Assert.That(order, Is.EqualTo(new[]
        {
            (1, "志愿者B", "excellent"), (2, "志愿者A", "excellent"), (3, "志愿者C", "good"), (4, "志愿者D", "qualified"), (5, "志愿者E", "needs-improvement"),
        }));
        var grid = await Get($"/api/v1/communities/{CommunityId}/rankings?year=2026&grid=第二网格");
        Assert.That(grid.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()), Is.EqualTo(new[] { "志愿者E" }));
    }

    [Test]
    public async Task Rankings_ArePagedLikeEveryList()
    {
        var names = new List<string?>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Get($"/api/v1/communities/{CommunityId}/rankings?year=2026&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);
        Assert.That(pages, Is.EqualTo(3));
        Assert.That(names, Is.EqualTo(new[] { "志愿者B", "志愿者A", "志愿者C", "志愿者D", "志愿者E" }));
    }

    [TestCase("limit=0")]
    [TestCase("limit=201")]
    [TestCase("cursor=xyz")]
    public async Task Rankings_WithAPageNoListTakes_Is400Validation(string page) =>
        await Seed.Problem(await Staff.GetAsync($"/api/v1/communities/{CommunityId}/rankings?year=2026&{page}"), HttpStatusCode.BadRequest, "validation");

    [Test]
    public async Task MonthlyReport_HasExactTotals_ThatReconcileWithTheLedger()
    {
        var report = await Get($"/api/v1/communities/{CommunityId}/reports/monthly?year=2026");
        var months = report.GetProperty("months").EnumerateArray().ToList();
        Assert.That(months, Has.Count.EqualTo(12));
        var feb = months[1];
        Assert.Multiple(() =>
        {
            Assert.That(feb.GetProperty("approvedMinutes").GetInt64(), Is.EqualTo(600 + 600 + 500 + 1200));
            Assert.That(feb.GetProperty("volunteers").GetInt32(), Is.EqualTo(4));
            Assert.That(months[11].GetProperty("volunteers").GetInt32(), Is.EqualTo(2));
            Assert.That(months.Select(m => m.GetProperty("pointsIssued").GetInt64()), Is.EqualTo(Enumerable.Range(1, 12).Select(m => _issued[m])));
            Assert.That(months[2].GetProperty("pointsRedeemed").GetInt64(), Is.EqualTo(30));
            Assert.That(months[4].GetProperty("pointsAdjusted").GetInt64(), Is.EqualTo(20));
            Assert.That(months[5].GetProperty("pointsAdjusted").GetInt64(), Is.EqualTo(-10));
            Assert.That(months.Sum(m => m.GetProperty("pointsExpired").GetInt64()), Is.Zero);
        });

        var issued = months.Sum(m => m.GetProperty("pointsIssued").GetInt64());
        var redeemed = months.Sum(m => m.GetProperty("pointsRedeemed").GetInt64());
        var adjusted = months.Sum(m => m.GetProperty("pointsAdjusted").GetInt64());
        var opening = report.GetProperty("openingOutstanding").GetInt64();
        var closing = report.GetProperty("closingOutstanding").GetInt64();
        Assert.That(opening + issued - redeemed + adjusted, Is.EqualTo(closing));
        var balances = 0L;
        foreach (var v in _v.Values)
            balances += (await Get($"/api/v1/volunteers/{v}/summary")).GetProperty("balance").GetInt64();
        Assert.That(closing, Is.EqualTo(balances));
        Assert.That(redeemed, Is.EqualTo(_redeemed));
    }

    [Test]
    public async Task Certificate_PrintsTheYear_AndItsCodeVerifies()
    {
        var html = await Staff.GetStringAsync($"/api/v1/volunteers/{_v["B"]}/certificate?year=2026");
        Assert.That(html, Does.Contain("志愿服务证明").And.Contain("志愿者B").And.Contain("桃浦新村第三居民区").And.Contain("120"));
        Assert.That(html, Does.Contain("反诈宣传").And.Contain("为老服务").And.Contain("size: A4"));
        var code = System.Text.RegularExpressions.Regex.Match(html, @"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value;
        Assert.That(code, Is.Not.Empty);

        var again = await Staff.GetStringAsync($"/api/v1/volunteers/{_v["B"]}/certificate?year=2026");
        Assert.That(again, Does.Contain(code), "the same figures keep their certificate");

        var verified = await App.Client().GetAsync($"/api/v1/certificates/{code}");
        Assert.That(verified.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await verified.Content.ReadAsStringAsync();
        var c = JsonDocument.Parse(body).RootElement;
        Assert.That((c.GetProperty("volunteer").GetString(), c.GetProperty("year").GetInt32(), c.GetProperty("hours").GetDecimal(), c.GetProperty("stars").GetInt32()),
            Is.EqualTo(("志愿者B", 2026, 120m, 1)));
        Assert.That(body, Does.Not.Contain("13912345678").And.Not.Contain("volunteerId").And.Not.Contain("phone"));

        await Seed.Problem(await App.Client().GetAsync("/api/v1/certificates/AAAA-BBBB-CCCC"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task CertificateNames_AreHtmlEncoded()
    {
        var elsewhere = await Seed.Community(App, "<b>社区</b>");
        var body = new { communityId = elsewhere, name = "<script>alert(1)</script>", phone = "13912345678", echelon = "first" };
        var v = (await Admin.RegisterVolunteer(body)).Id();
        await Records.Submit(App, LedgerApp.AdminKey, v, 60, approveScore: 4, start: new DateTimeOffset(2026, 12, 20, 9, 0, 0, Shanghai));
        var html = await Admin.GetStringAsync($"/api/v1/volunteers/{v}/certificate?year=2026");
        Assert.That(html, Does.Not.Contain("<script>").And.Contain("&lt;script&gt;").And.Not.Contain("<b>"));
    }
}
