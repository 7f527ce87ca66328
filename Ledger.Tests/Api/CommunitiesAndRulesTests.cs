using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class CommunitiesAndRulesTests
{
    private LedgerApp _app = null!;

    [OneTimeSetUp]
    public void SetUp() => _app = new LedgerApp();

    [OneTimeTearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task Create_DefaultsToShanghaiTime_AndStartsWithDefaultRules()
    {
        var community = await _app.Admin().CreateCommunity("桃浦新村第一居民区");
        Assert.That(community.GetProperty("timeZone").GetString(), Is.EqualTo("Asia/Shanghai"));
        var id = community.Id();

        var rules = await _app.Admin().GetJson($"/api/v1/communities/{id}/rules");
        var current = rules.GetProperty("current");
        Assert.Multiple(() =>
        {
            Assert.That(current.GetProperty("version").GetInt32(), Is.EqualTo(1));
            Assert.That(current.GetProperty("pointsPerHour").GetInt32(), Is.EqualTo(10));
            Assert.That(current.GetProperty("minMinutes").GetInt32(), Is.EqualTo(30));
            Assert.That(current.GetProperty("dailyCapMinutes").GetInt32(), Is.EqualTo(480));
            Assert.That(current.GetProperty("maxBackdateDays").GetInt32(), Is.EqualTo(90));
            Assert.That(current.GetProperty("expiry").GetString(), Is.EqualTo("never"));
            Assert.That(current.GetProperty("starThresholdsHours").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 100, 300, 600, 1000, 1500 }));
            Assert.That(current.GetProperty("grading").GetProperty("excellent").GetProperty("minAverageScore").GetDecimal(), Is.EqualTo(4.5m));
            Assert.That(rules.GetProperty("versions").GetArrayLength(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Create_WithUnknownTimeZone_Is400()
    {
        var response = await _app.Admin().PostJson("/api/v1/communities", new { name = "n", street = "s", district = "d", timeZone = "Mars/Olympus" });
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty("timeZone", out _), Is.True);
    }

    [Test]
    public async Task GetUnknownCommunity_Is404() =>
        await Seed.Problem(await _app.Admin().GetAsync("/api/v1/communities/77777"), HttpStatusCode.NotFound, "not-found");

    [Test]
    public async Task PutRules_MissingFieldsTakeTheDefaults_AndMakeANewVersion()
    {
        var id = await Seed.Community(_app);
        var created = await _app.Admin().PutRules(id,
            new { pointsPerHour = 12, categoryMultipliers = new Dictionary<string, decimal> { ["anti-fraud"] = 1.5m }, expiry = "endOfFollowingYear" });
        Assert.Multiple(() =>
        {
            Assert.That(created.GetProperty("version").GetInt32(), Is.EqualTo(2));
            Assert.That(created.GetProperty("pointsPerHour").GetInt32(), Is.EqualTo(12));
            Assert.That(created.GetProperty("minMinutes").GetInt32(), Is.EqualTo(30));
            Assert.That(created.GetProperty("expiry").GetString(), Is.EqualTo("endOfFollowingYear"));
            Assert.That(created.GetProperty("categoryMultipliers").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "anti-fraud" }));
        });

        var rules = await _app.Admin().GetJson($"/api/v1/communities/{id}/rules");
        Assert.That(rules.GetProperty("current").GetProperty("version").GetInt32(), Is.EqualTo(2));
        Assert.That(rules.GetProperty("versions").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task AFutureVersion_IsListedButNotCurrentYet()
    {
        var id = await Seed.Community(_app);
        await _app.Admin().PutRules(id, new { pointsPerHour = 20, effectiveFrom = DateTimeOffset.UtcNow.AddDays(30) });
        var rules = await _app.Admin().GetJson($"/api/v1/communities/{id}/rules");
        Assert.That(rules.GetProperty("current").GetProperty("version").GetInt32(), Is.EqualTo(1));
        Assert.That(rules.GetProperty("versions")[0].GetProperty("version").GetInt32(), Is.EqualTo(2));

        var earlier = await _app.Admin().PutAsJsonAsync($"/api/v1/communities/{id}/rules", new { pointsPerHour = 30 });
        var problem = await Seed.Problem(earlier, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty("effectiveFrom", out _), Is.True);
    }

    private static IEnumerable<TestCaseData> InvalidRules()
    {
        yield return new TestCaseData("{\"pointsPerHour\":0}", "pointsPerHour");
        yield return new TestCaseData("{\"pointsPerHour\":1001}", "pointsPerHour");
        yield return new TestCaseData("{\"minMinutes\":0}", "minMinutes");
        yield return new TestCaseData("{\"dailyCapMinutes\":20}", "dailyCapMinutes");
        yield return new TestCaseData("{\"maxBackdateDays\":-1}", "maxBackdateDays");
        yield return new TestCaseData("{\"starThresholdsHours\":[100,300,300,1000,1500]}", "starThresholdsHours");
        yield return new TestCaseData("{\"starThresholdsHours\":[100,300]}", "starThresholdsHours");
        yield return new TestCaseData("{\"expiry\":\"sometimes\"}", "expiry");
        yield return new TestCaseData("{\"categoryMultipliers\":{\"epidemic\":0}}", "categoryMultipliers.epidemic");
        yield return new TestCaseData("{\"categoryMultipliers\":{\"bad name\":1.5}}", "categoryMultipliers.bad name");
        yield return new TestCaseData("{\"grading\":{\"qualified\":{\"minHours\":80}}}", "grading");
        yield return new TestCaseData("{\"grading\":{\"good\":{\"minAverageScore\":6}}}", "grading.good.minAverageScore");
        yield return new TestCaseData("{\"effectiveFrom\":\"1999-12-31T00:00:00Z\"}", "effectiveFrom");
    }

    [TestCaseSource(nameof(InvalidRules))]
    public async Task PutRules_Invalid_Is400WithTheField_AndStoresNothing(string body, string field)
    {
        var id = await Seed.Community(_app);
        var response = await _app.Admin().PutAsync($"/api/v1/communities/{id}/rules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        var rules = await _app.Admin().GetJson($"/api/v1/communities/{id}/rules");
        Assert.That(rules.GetProperty("versions").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task PutRules_ForUnknownCommunity_Is404() =>
        await Seed.Problem(await _app.Admin().PutAsJsonAsync("/api/v1/communities/99999/rules", new { pointsPerHour = 10 }),
            HttpStatusCode.NotFound, "not-found");

    [Test]
    public async Task ScopedKeys_SeeOnlyTheirCommunity()
    {
        var mine = await Seed.Community(_app, "甲");
        await Seed.Community(_app, "乙");
        var staff = (await Seed.Key(_app, "staff", mine)).Key;
        var list = await _app.Client(staff).GetJson("/api/v1/communities");
        Assert.That(list.GetProperty("items").EnumerateArray().Select(i => i.Id()), Is.EqualTo(new[] { mine }));
    }
}
