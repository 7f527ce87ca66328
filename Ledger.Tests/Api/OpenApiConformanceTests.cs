using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// The check every HTTP test's answers pass through (<see cref="OpenApiConformance"/>) really catches an answer that
/// breaks the document: real answers from the service, altered the way a drifting handler would alter them.
/// </summary>
public sealed class OpenApiConformanceTests : ApiFixture
{
    private ApiDocument _document = null!;
    private JsonObject _volunteer = null!;

    [OneTimeSetUp]
    public async Task TheDocumentAndAVolunteer()
    {
        _document = ApiDocument.Parse(await App.Client().GetStringAsync(OpenApiConformance.DocumentPath));
        var created = await Seed.Volunteer(App, LedgerApp.AdminKey, CommunityId);
        _volunteer = JsonNode.Parse(created.GetRawText())!.AsObject();
    }

    private Task<string?> Check(string method, string path, HttpStatusCode status, JsonNode? body, string mediaType = "application/json")
    {
        var response = Answer(status, body?.ToJsonString() ?? "", mediaType);
        return _document.Check(new HttpMethod(method), path, response);
    }

    /// <summary>An answer as the service writes one, with the rate-limit header every answer carries.</summary>
    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        response.Headers.TryAddWithoutValidation("RateLimit", "\"key\";r=99;t=1");
        return response;
    }

    private JsonObject Volunteer() => _volunteer.DeepClone().AsObject();

    [Test]
    public async Task RealAnswer_Passes()
    {
        Assert.That(await Check("GET", $"/api/v1/volunteers/{_volunteer["id"]}", HttpStatusCode.OK, Volunteer()), Is.Null);
    }

    [Test]
    public async Task UndeclaredField_Fails_NamingTheOperation()
    {
        var body = Volunteer();
        body["nickname"] = "小王";
        var violation = await Check("GET", "/api/v1/volunteers/7", HttpStatusCode.OK, body);
        Assert.That(violation, Does.Contain("GetVolunteer").And.Contain("nickname"));
    }

    [Test]
    public async Task NullWhereTheTypeIsNotNullable_Fails()
    {
        var body = Volunteer();
        body["memberCode"] = null;
        Assert.That(await Check("GET", "/api/v1/volunteers/7", HttpStatusCode.OK, body), Does.Contain("/memberCode"));
    }

    [Test]
    public async Task MissingRequiredField_Fails()
    {
        var body = Volunteer();
        body.Remove("grid");
        Assert.That(await Check("GET", "/api/v1/volunteers/7", HttpStatusCode.OK, body), Does.Contain("grid"));
    }

    [Test]
    public async Task WordOutsideTheVocabulary_Fails()
    {
        var body = Volunteer();
        body["echelon"] = "third";
        Assert.That(await Check("GET", "/api/v1/volunteers/7", HttpStatusCode.OK, body), Does.Contain("/echelon"));
    }

    [Test]
    public async Task UndeclaredStatus_Fails()
    {
        Assert.That(await Check("GET", "/api/v1/volunteers/7", HttpStatusCode.Conflict, Volunteer()), Does.Contain("409 is not declared"));
    }

    [Test]
    public async Task UndeclaredContentType_Fails()
    {
        Assert.That(await Check("GET", "/api/v1/volunteers/7", HttpStatusCode.OK, Volunteer(), "text/csv"), Does.Contain("text/csv is not declared"));
    }

    [Test]
    public async Task ProblemWithAFieldProblemsDoNotHave_Fails()
    {
        var problem = new JsonObject
        {
            ["status"] = 404, ["title"] = "Not found", ["detail"] = "No volunteer with id 7.", ["code"] = "not-found", ["requestId"] = "0HN1", ["traceId"] = "00-ab",
        };
        Assert.That(await Check("GET", "/api/v1/volunteers/7", HttpStatusCode.NotFound, problem, "application/problem+json"), Does.Contain("traceId"));
    }

    [Test]
    public async Task AnswerFromAnOperationTheDocumentLacks_Fails()
    {
        Assert.That(await Check("GET", "/api/v1/volunteers/7/nicknames", HttpStatusCode.OK, new JsonObject()), Does.Contain("no operation"));
        Assert.That(await Check("PUT", "/api/v1/volunteers/7", HttpStatusCode.OK, Volunteer()), Does.Contain("no operation"));
    }

    [Test]
    public async Task TheServicesOwn404ForAnUnknownRoute_PassesAgainstTheProblemSchema()
    {
        var response = await Admin.GetAsync("/api/v1/nothing-here");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await _document.Check(HttpMethod.Get, "/api/v1/nothing-here", response), Is.Null);
    }

    [Test]
    public async Task LiteralSegmentsWinOverParameters()
    {
        // /volunteers/by-code/{memberCode} rather than /volunteers/{id}/card, and an id must be digits.
        Assert.That(await Check("GET", $"/api/v1/volunteers/by-code/{_volunteer["memberCode"]}", HttpStatusCode.OK, Volunteer()), Is.Null);
        Assert.That(await Check("GET", "/api/v1/volunteers/abc", HttpStatusCode.OK, Volunteer()), Does.Contain("no operation"));
    }

    [Test]
    public async Task PagesOfCsv_AreNotReadAsJson_ButTheirTypeMustBeDeclared()
    {
        Assert.That(await _document.Check(HttpMethod.Get, "/api/v1/service-records", Answer(HttpStatusCode.OK, "id\n1\n", "text/csv")), Is.Null);
        Assert.That(await _document.Check(HttpMethod.Get, "/api/v1/volunteers/7/card", Answer(HttpStatusCode.OK, "id\n1\n", "text/csv")),
            Does.Contain("not declared"));
    }

    [Test]
    public async Task MissingOrMalformedPromisedHeader_Fails()
    {
        var response = Answer(HttpStatusCode.OK, Volunteer().ToJsonString(), "application/json");
        response.Headers.Remove("RateLimit");
        Assert.That(await _document.Check(HttpMethod.Get, "/api/v1/volunteers/7", response), Does.Contain("RateLimit"));
        response.Headers.TryAddWithoutValidation("RateLimit", "plenty");
        Assert.That(await _document.Check(HttpMethod.Get, "/api/v1/volunteers/7", response), Does.Contain("RateLimit"));
    }

    [Test]
    public async Task EveryClientTheTestsUse_ChecksItsAnswers()
    {
        var before = OpenApiConformance.Checked;
        await App.Client().GetAsync("/health");
        await Admin.GetAsync($"/api/v1/volunteers/{_volunteer["id"]}");
        Assert.That(OpenApiConformance.Checked, Is.GreaterThanOrEqualTo(before + 2));
    }
}
