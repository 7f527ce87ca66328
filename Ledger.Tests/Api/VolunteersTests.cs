using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Core.Volunteers;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class VolunteersTests : ApiFixture
{
    [Test]
    public async Task Create_GivesAPrintableMemberCode_AndNormalizesThePhone()
    {
        var v = await Staff.RegisterVolunteer(new
        {
            communityId = CommunityId, name = " 张阿姨 ", phone = "139-1234 5678", grid = "第三网格", skills = new[] { "编织", "编织" }, echelon = "second",
        });
        Assert.Multiple(() =>
        {
            Assert.That(MemberCode.Normalize(v.GetProperty("memberCode").GetString()), Is.EqualTo(v.GetProperty("memberCode").GetString()));
            Assert.That(v.GetProperty("name").GetString(), Is.EqualTo("张阿姨"));
            Assert.That(v.GetProperty("phone").GetString(), Is.EqualTo("13912345678"));
            Assert.That(v.GetProperty("skills").GetArrayLength(), Is.EqualTo(1));
            Assert.That(v.GetProperty("echelon").GetString(), Is.EqualTo("second"));
            Assert.That(v.GetProperty("status").GetString(), Is.EqualTo("active"));
            Assert.That(v.GetProperty("buildingGroup").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE action = 'volunteer.created' AND subject = @S",
            new { S = $"volunteer:{v.Id()}" }), Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> InvalidBodies()
    {
        object Body(Action<Dictionary<string, object?>> change)
        {
            var body = new Dictionary<string, object?>
            {
                ["communityId"] = 0L, ["name"] = "李四", ["phone"] = "13912345678", ["echelon"] = "first",
            };
            change(body);
            return body;
        }
        yield return new TestCaseData(Body(b => b["name"] = ""), "name").SetName("Name empty");
        yield return new TestCaseData(Body(b => b["name"] = new string('名', 51)), "name").SetName("Name over 50");
        yield return new TestCaseData(Body(b => b["name"] = "a\u0000b"), "name").SetName("Name with control character");
        yield return new TestCaseData(Body(b => b["phone"] = "abc"), "phone").SetName("Phone not digits");
        yield return new TestCaseData(Body(b => b["phone"] = "123456"), "phone").SetName("Phone of 6 digits");
        yield return new TestCaseData(Body(b => b["phone"] = "1234567890123456"), "phone").SetName("Phone of 16 digits");
        yield return new TestCaseData(Body(b => b["echelon"] = "third"), "echelon").SetName("Echelon unknown");
        yield return new TestCaseData(Body(b => b["skills"] = Enumerable.Range(0, 21).Select(i => $"s{i}").ToArray()), "skills").SetName("21 skills");
        yield return new TestCaseData(Body(b => b["skills"] = new[] { "" }), "skills[0]").SetName("Empty skill");
        yield return new TestCaseData(Body(b => b["wechatOpenId"] = new string('o', 129)), "wechatOpenId").SetName("Openid over 128");
        yield return new TestCaseData(Body(b => b["wechatOpenId"] = "o 1"), "wechatOpenId").SetName("Openid with a space");
        yield return new TestCaseData(Body(b => b["grid"] = new string('g', 51)), "grid").SetName("Grid over 50");
        yield return new TestCaseData(Body(b => b["communityId"] = -1L), "communityId").SetName("Community id negative");
    }

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Create_WithAnInvalidField_Is400WithThatField(Dictionary<string, object?> body, string field)
    {
        if (body["communityId"] is 0L)
            body["communityId"] = CommunityId;
        var response = await Admin.PostAsJsonAsync("/api/v1/volunteers", body);
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Create_InAnUnknownCommunity_Is400()
    {
        var response = await Admin.PostJson("/api/v1/volunteers", Seed.VolunteerBody(987654));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty("communityId", out _), Is.True);
    }

    [Test]
    public async Task DuplicateOpenId_Is409_AndTheSecondIsNotStored()
    {
        await Seed.Volunteer(App, StaffKey, CommunityId, openId: "o-dup");
        var before = Database.Count("volunteers");
        var response = await Staff.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId, openId: "o-dup"));
        await Seed.Problem(response, HttpStatusCode.Conflict, "duplicate-openid");
        Assert.That(Database.Count("volunteers"), Is.EqualTo(before));
    }

    [Test]
    public async Task DuplicateOpenId_FromAnotherCommunitysKey_DoesNotSayWhoHoldsIt()
    {
        var holder = await Seed.Volunteer(App, StaffKey, CommunityId, openId: "o-elsewhere");
        var other = await Seed.Community(App, "另一个居民区");
        var otherClient = (await Seed.Key(App, "client", other)).Key;

        var response = await App.Client(otherClient).PostJson("/api/v1/volunteers", Seed.VolunteerBody(other, openId: "o-elsewhere"));
        var problem = await Seed.Problem(response, HttpStatusCode.Conflict, "duplicate-openid");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Not.Contain(holder.Id().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("其他社区"));
    }

    [Test]
    public async Task Lookups_ByIdOpenIdAndCode()
    {
        var v = await Seed.Volunteer(App, StaffKey, CommunityId, "孙八", "o-lookup");
        var id = v.Id();
        var code = v.GetProperty("memberCode").GetString()!;
        var client = Staff;

        var byId = await client.GetJson($"/api/v1/volunteers/{id}");
        var byOpenId = await client.GetJson("/api/v1/volunteers/by-openid/o-lookup");
        var typed = code.ToLowerInvariant().Insert(4, "-");
        var byCode = await client.GetJson($"/api/v1/volunteers/by-code/{typed}");
        Assert.That(new[] { byId, byOpenId, byCode }.Select(x => x.Id()), Is.All.EqualTo(id));

        await Seed.Problem(await client.GetAsync("/api/v1/volunteers/by-openid/o-nobody"), HttpStatusCode.NotFound, "not-found");
        await Seed.Problem(await client.GetAsync("/api/v1/volunteers/by-code/NOTACODE"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task Search_ByNamePhoneOrCode_StaysInTheCommunity()
    {
        var other = await Seed.Community(App, "别的社区");
        var otherStaff = (await Seed.Key(App, "staff", other)).Key;
        var mine = await Seed.Volunteer(App, StaffKey, CommunityId, "欧阳娜娜");
        await Seed.Volunteer(App, otherStaff, other, "欧阳修");
        var phone = mine.GetProperty("phone").GetString()!;
        var client = Staff;

        async Task<string[]> Names(string q) =>
            (await client.GetJson($"/api/v1/volunteers?q={Uri.EscapeDataString(q)}"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray();

        Assert.Multiple(async () =>
        {
            Assert.That(await Names("欧阳"), Is.EqualTo(new[] { "欧阳娜娜" }));
            Assert.That(await Names(phone), Is.EqualTo(new[] { "欧阳娜娜" }));
            Assert.That(await Names(phone[^4..]), Is.Empty, "only the whole number finds by phone");
            Assert.That(await Names(mine.GetProperty("memberCode").GetString()!), Is.EqualTo(new[] { "欧阳娜娜" }));
            Assert.That(await Names("100%_"), Is.Empty);
        });
    }

    [Test]
    public async Task List_PagesWithACursor_NewestFirst()
    {
        var community = await Seed.Community(App, "分页社区");
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add((await Seed.Volunteer(App, LedgerApp.AdminKey, community)).Id());
        var client = Admin;
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/volunteers?communityId={community}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await client.GetJson(url);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.Id()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Is.EqualTo(ids.AsEnumerable().Reverse().ToList()));
    }

    [TestCase("limit=0")]
    [TestCase("limit=201")]
    [TestCase("cursor=%%%")]
    [TestCase("cursor=bm90LWFuLWlk")]
    public async Task List_WithBadPaging_Is400(string query)
    {
        var response = await Admin.GetAsync($"/api/v1/volunteers?communityId={CommunityId}&{query}");
        await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task Patch_ChangesOnlyWhatIsGiven_AndAnEmptyStringClears()
    {
        var v = await Seed.Volunteer(App, StaffKey, CommunityId, "周九");
        var id = v.Id();
        var after = await Staff.UpdateVolunteer(id, new { grid = "第二网格", buildingGroup = "", status = "inactive", echelon = "reserve" });
        Assert.Multiple(() =>
        {
            Assert.That(after.GetProperty("grid").GetString(), Is.EqualTo("第二网格"));
            Assert.That(after.GetProperty("buildingGroup").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(after.GetProperty("status").GetString(), Is.EqualTo("inactive"));
            Assert.That(after.GetProperty("echelon").GetString(), Is.EqualTo("reserve"));
            Assert.That(after.GetProperty("phone").GetString(), Is.EqualTo(v.GetProperty("phone").GetString()));
            Assert.That(after.GetProperty("skills").GetArrayLength(), Is.EqualTo(2));
        });
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE action = 'volunteer.updated' AND subject = @S",
            new { S = $"volunteer:{id}" }), Is.EqualTo(1));
    }

    [TestCase("{}", "body")]
    [TestCase("{\"status\":\"gone\"}", "status")]
    [TestCase("{\"echelon\":\"zero\"}", "echelon")]
    [TestCase("{\"phone\":\"12\"}", "phone")]
    public async Task Patch_WithNothingOrInvalid_Is400(string body, string field)
    {
        var v = await Seed.Volunteer(App, StaffKey, CommunityId);
        var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await Staff.PatchAsync($"/api/v1/volunteers/{v.Id()}", content);
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Patch_UnknownVolunteer_Is404()
    {
        var response = await Staff.PatchAsJsonAsync("/api/v1/volunteers/424242", new { grid = "x" });
        await Seed.Problem(response, HttpStatusCode.NotFound, "not-found");
    }
}

public sealed class MemberCardTests
{
    [Test]
    public async Task TheCard_IsAnSvgWithNameCommunityAndTheCodeAsQr()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app, "桃浦新村第一居民区");
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var v = await Seed.Volunteer(app, staff, community, "李<建>国");
        var response = await app.Client(staff).GetAsync($"/api/v1/volunteers/{v.Id()}/card");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/svg+xml"));
        var svg = await response.Content.ReadAsStringAsync();
        var code = v.GetProperty("memberCode").GetString()!;
        Assert.That(svg, Does.StartWith("<svg").And.Contain("李&lt;建&gt;国").And.Contain("桃浦新村第一居民区")
            .And.Contain($"{code[..4]} {code[4..]}").And.Contain("data:image/png;base64,"));
        System.Xml.Linq.XDocument.Parse(svg);

        var other = await Seed.Community(app, "别处");
        var otherStaff = (await Seed.Key(app, "staff", other)).Key;
        await Seed.Problem(await app.Client(otherStaff).GetAsync($"/api/v1/volunteers/{v.Id()}/card"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task TheCounterPage_IsServedWithoutAKey()
    {
        await using var app = new LedgerApp();
        var page = await app.Client().GetAsync("/counter/");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("积分超市"));
        var redirect = await app.Client().GetAsync("/counter");
        Assert.That(redirect.RequestMessage!.RequestUri!.AbsolutePath, Is.EqualTo("/counter/"));
        Assert.That((await app.Client().GetAsync("/counter/counter.js")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var home = await app.Client().GetAsync("/");
        Assert.That(home.RequestMessage!.RequestUri!.AbsolutePath, Is.EqualTo("/counter/"), "the service's bare address opens the counter");
        Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
