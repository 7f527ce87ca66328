using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class ErrorTests : ApiFixture
{
    [TestCase("{\"name\":")]
    [TestCase("{\"name\": \"a\",}")]
    [TestCase("not json")]
    [TestCase("[1,2,3]")]
    [TestCase("{\"communityId\": \"seven\", \"name\": \"a\", \"phone\": \"13912345678\", \"echelon\": \"first\"}")]
    [TestCase("{\"communityId\": 1e40, \"name\": \"a\", \"phone\": \"13912345678\", \"echelon\": \"first\"}")]
    [TestCase("{\"communityId\": 1, \"name\": 5, \"phone\": \"13912345678\", \"echelon\": \"first\"}")]
    [TestCase("{\"communityId\": 1, \"name\": \"a\", \"phone\": \"13912345678\", \"echelon\": \"first\", \"skills\": \"x\"}")]
    [TestCase("")]
    [TestCase("null")]
    public async Task MalformedOrMistypedJson_Is400Problem_AndWritesNothing(string body)
    {
        var before = Database.Count("volunteers");
        var response = await Admin.PostRaw("/api/v1/volunteers", body);
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").EnumerateObject().Single().Value[0].GetString(), Is.Not.Empty,
            "a validation failure names its field (API.md): the wrong one, or the body");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Not.Contain("parameter").And.Not.Contain("Service"), "no framework wording");
        Assert.That(Database.Count("volunteers"), Is.EqualTo(before));
    }

    [TestCase("{\"communityId\": \"seven\", \"name\": \"a\", \"phone\": \"13912345678\", \"echelon\": \"first\"}", "communityId")]
    [TestCase("{\"communityId\": 1, \"name\": \"a\", \"phone\": \"13912345678\", \"echelon\": \"first\", \"skills\": \"x\"}", "skills")]
    [TestCase("", "body")]
    [TestCase("null", "body")]
    public async Task AMistypedField_OrNoBody_IsNamedInErrors(string body, string field)
    {
        var response = await Admin.PostRaw("/api/v1/volunteers", body);
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [TestCase("communityId=abc", "communityId")]
    [TestCase("limit=abc", "limit")]
    public async Task AQueryValueOfTheWrongType_Is400_NamingTheParameter_WithoutFrameworkWording(string query, string field)
    {
        var response = await Admin.GetAsync($"/api/v1/volunteers?{query}");
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty(field)[0].GetString(), Does.Contain("abc"));
        Assert.That(problem.ToString(), Does.Not.Contain("Failed to bind").And.Not.Contain("Nullable"));
    }

    [TestCase("application/json; charset=gbk")]
    [TestCase("application/json; charset=GB2312")]
    [TestCase("application/json; charset=bogus")]
    [TestCase("application/json; charset=utf-16")]
    [TestCase("application/json; charset=utf8")]
    public async Task ABodyInAnotherCharsetThanUtf8_Is415Problem_NotA500_AndWritesNothing(string contentType)
    {
        var before = Database.Count("volunteers");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/volunteers")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"communityId\":{CommunityId},\"name\":\"张三\",\"phone\":\"13912345678\",\"echelon\":\"first\"}}")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await Admin.SendAsync(request);
        var problem = await Seed.Problem(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("UTF-8"));
        Assert.That(Database.Count("volunteers"), Is.EqualTo(before));
    }

    [Test]
    public async Task ABodyDeclaredUtf8_QuotedOrInAnyCase_IsTaken()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/volunteers")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"communityId\":{CommunityId},\"name\":\"张三\",\"phone\":\"13912345678\",\"echelon\":\"first\"}}")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"UTF-8\"");
        Assert.That((await Admin.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task BodyOver64KiB_Is413Problem()
    {
        var big = "{\"name\":\"" + new string('x', 70_000) + "\",\"street\":\"s\",\"district\":\"d\"}";
        var response = await Admin.PostRaw("/api/v1/communities", big);
        await Seed.Problem(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Test]
    public async Task ChunkedBodyOver64KiB_Is413Problem()
    {
        var big = Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 70_000) + "\",\"street\":\"s\",\"district\":\"d\"}");
        var content = new StreamContent(new NoLengthStream(big));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await Admin.PostAsync("/api/v1/communities", content);
        await Seed.Problem(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Test]
    public async Task WrongContentType_Is415Problem()
    {
        var response = await Admin.PostRaw("/api/v1/communities", "name=x", "text/plain");
        await Seed.Problem(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Test]
    public async Task UnknownRoute_Is404Problem()
    {
        var response = await Admin.GetAsync("/api/v1/nothing-here");
        await Seed.Problem(response, HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task UnknownId_Is404Problem_InChineseByDefault()
    {
        var response = await Admin.GetAsync("/api/v1/volunteers/999999");
        var problem = await Seed.Problem(response, HttpStatusCode.NotFound, "not-found");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("志愿者"));
    }

    [Test]
    public async Task Messages_AreEnglish_WithAcceptLanguageEn()
    {
        var response = await App.Client(LedgerApp.AdminKey, "en").PostJson("/api/v1/volunteers",
            new { communityId = CommunityId, name = "", phone = "abc", echelon = "third" });
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        var errors = problem.GetProperty("errors");
        Assert.That(errors.GetProperty("phone")[0].GetString(), Does.StartWith("Give a valid phone number"));
        Assert.That(errors.GetProperty("echelon")[0].GetString(), Is.EqualTo("Must be one of: first, second, reserve."));
        Assert.That(errors.GetProperty("name")[0].GetString(), Does.Contain("must not be empty"));
    }

    [Test]
    public async Task Messages_AreChinese_ByDefault()
    {
        var response = await Admin.PostJson("/api/v1/volunteers",
            new { communityId = CommunityId, name = "", phone = "abc", echelon = "third" });
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("echelon")[0].GetString(), Is.EqualTo("须为以下之一：first, second, reserve。"));
        Assert.That(problem.GetProperty("errors").GetProperty("name")[0].GetString(), Does.Contain("不能为空"));
    }

    /// <summary>A body whose length the client does not announce, so it goes chunked.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
