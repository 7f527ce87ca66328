using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>Names people read (on certificates, cards, receipts): something visible, nothing that reorders the text; staff correct them.</summary>
public sealed class NamesTests : ApiFixture
{
    [TestCase("\u200B\u200B", TestName = "Zero-width spaces")]
    [TestCase("\u200D\u200C\u2060", TestName = "Zero-width joiners and a word joiner")]
    [TestCase("\uFEFF\u00AD", TestName = "A BOM and a soft hyphen")]
    [TestCase("\u202E", TestName = "A right-to-left override alone")]
    [TestCase("\u2066\u2069", TestName = "An isolate and its end")]
    [TestCase("\u3164\u3164", TestName = "Hangul fillers")]
    [TestCase("\u2800", TestName = "A blank braille pattern")]
    [TestCase("\u0301\u0308", TestName = "Combining marks with nothing to combine with")]
    [TestCase("\u3000\u200B ", TestName = "An ideographic space and a zero-width space")]
    public async Task CreateVolunteer_WithANameOfInvisibleCharactersOnly_Is400(string name)
    {
        var response = await Staff.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId, name));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty("name", out _), Is.True);
    }

    [TestCase("张\u202E三")]
    [TestCase("Ali\u2067ce\u2069")]
    [TestCase("\u202D王秀英")]
    public async Task CreateVolunteer_WithABidiOverrideOrIsolateInsideTheName_Is400(string name)
    {
        var response = await Staff.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId, name));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("name")[0].GetString(), Does.Contain("U+202A"));
    }

    [TestCase("欧阳娜娜")]
    [TestCase("阿依古丽·买买提")]
    [TestCase("Zoë O'Neil")]
    [TestCase("محمد\u200F")]
    [TestCase("👩‍👩‍👧 家庭志愿队")]
    public async Task CreateVolunteer_WithOrdinaryNames_IsAccepted(string name)
    {
        var response = await Staff.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId, name));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        Assert.That((await response.Read<JsonElement>()).GetProperty("name").GetString(), Is.EqualTo(name));
    }

    [Test]
    public async Task CommunityAndRewardNames_OfInvisibleCharactersOnly_Are400()
    {
        var community = await Admin.PostJson("/api/v1/communities", new { name = "\u200B", street = "桃浦镇", district = "普陀\u202E区" });
        var problem = await Seed.Problem(community, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty("name", out _) && problem.GetProperty("errors").TryGetProperty("district", out _), Is.True);
        var reward = await Staff.PostJson("/api/v1/rewards", new { communityId = CommunityId, name = "\u2060\u200B", pointsCost = 5, stock = 1 });
        await Seed.Problem(reward, HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task Staff_CorrectAName_AndTheAuditEventKeepsTheOldOne()
    {
        var id = (await Seed.Volunteer(App, ClientKey, CommunityId, "王秀瑛")).Id();

        var renamed = await Staff.UpdateVolunteer(id, new { name = " 王秀英 " });
        Assert.That(renamed.GetProperty("name").GetString(), Is.EqualTo("王秀英"));
        var read = await Client.GetJson($"/api/v1/volunteers/{id}");
        Assert.That(read.GetProperty("name").GetString(), Is.EqualTo("王秀英"));

        var events = await Admin.GetJson($"/api/v1/audit/events?subject=volunteer:{id}&action=volunteer.updated");
        var detail = events.GetProperty("items")[0].GetProperty("detail");
        if (detail.ValueKind == JsonValueKind.String)
            detail = JsonDocument.Parse(detail.GetString()!).RootElement;
        Assert.That((detail.GetProperty("before").GetProperty("name").GetString(), detail.GetProperty("after").GetProperty("name").GetString()),
            Is.EqualTo(("王秀瑛", "王秀英")));

        var admin = await Admin.PatchAsync($"/api/v1/volunteers/{id}", JsonContent.Create(new { name = "王秀英（楼组长）" }));
        Assert.That(admin.StatusCode, Is.EqualTo(HttpStatusCode.OK), "admin keys may correct a name too");
    }

    [Test]
    public async Task Client_MayNotChangeAName_Is403_AndNothingChanges()
    {
        var id = (await Seed.Volunteer(App, ClientKey, CommunityId, "李建国")).Id();
        var response = await Client.PatchAsync($"/api/v1/volunteers/{id}", JsonContent.Create(new { name = "李建军", grid = "第九网格" }));
        await Seed.Problem(response, HttpStatusCode.Forbidden, "forbidden");
        var read = await Staff.GetJson($"/api/v1/volunteers/{id}");
        Assert.That((read.GetProperty("name").GetString(), read.GetProperty("grid").GetString()), Is.EqualTo(("李建国", "第一网格")));
        var grid = await Client.PatchAsync($"/api/v1/volunteers/{id}", JsonContent.Create(new { grid = "第九网格" }));
        Assert.That(grid.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the client's other changes stay allowed");
    }

    [TestCase("")]
    [TestCase("\u200B")]
    [TestCase("张\u202E三")]
    public async Task Rename_ToAnInvisibleOrReorderingName_Is400(string name)
    {
        var id = (await Seed.Volunteer(App, StaffKey, CommunityId, "赵敏")).Id();
        var response = await Staff.PatchAsync($"/api/v1/volunteers/{id}", JsonContent.Create(new { name }));
        await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        var read = await Staff.GetJson($"/api/v1/volunteers/{id}");
        Assert.That(read.GetProperty("name").GetString(), Is.EqualTo("赵敏"));
    }
}
