using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Ledger.Api.Http;
using Ledger.Tests.Builders;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Tests.Api;

/// <summary>
/// Every error is application/problem+json whatever the caller says it accepts: a browser opening an API URL (text/html),
/// a spreadsheet tool (text/csv), an image tag (image/png). The framework's problem writer only writes for JSON-ish
/// Accept headers; these errors used to be a 500 or a text/plain body.
/// </summary>
public sealed class ProblemsForAnyAcceptTests : ApiFixture
{

    private static readonly string?[] Accepts =
    [
        "text/html",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "text/csv",
        "image/png",
        "*/*",
        "application/json",
        null,
    ];

    protected override LedgerApp CreateApp() => new(rateLimit: 1_000);

    [OneTimeSetUp]
    public async Task AVolunteerWithAnOpenId()
    {
        await Seed.Volunteer(App, StaffKey, CommunityId, openId: "o-taken");
    }

    public sealed record Case(string Name, Func<ProblemsForAnyAcceptTests, HttpRequestMessage> Request, string? Key, HttpStatusCode Status, string Code)
    {
        public override string ToString() => Name;
    }

    private static readonly Case[] Cases =
    [
        new("no key", _ => new(HttpMethod.Get, "/api/v1/communities"), null, HttpStatusCode.Unauthorized, "unauthorized"),
        new("unknown key", _ => new(HttpMethod.Get, "/api/v1/communities"), "lk_never-issued", HttpStatusCode.Unauthorized, "unauthorized"),
        new("unknown API path", _ => new(HttpMethod.Get, "/api/v1/nothing-here"), LedgerApp.AdminKey, HttpStatusCode.NotFound, "not-found"),
        new("unknown path outside the API", _ => new(HttpMethod.Get, "/nothing-here.png"), LedgerApp.AdminKey, HttpStatusCode.NotFound, "not-found"),
        new("unknown path without a key", _ => new(HttpMethod.Get, "/nothing-here.png"), null, HttpStatusCode.Unauthorized, "unauthorized"),
        new("role refused", _ => new(HttpMethod.Get, "/api/v1/api-keys"), "staff", HttpStatusCode.Forbidden, "forbidden"),
        new("method not allowed", _ => new(HttpMethod.Delete, "/api/v1/communities"), LedgerApp.AdminKey, HttpStatusCode.MethodNotAllowed, "method-not-allowed"),
        new("unknown id", _ => new(HttpMethod.Get, "/api/v1/volunteers/999999"), LedgerApp.AdminKey, HttpStatusCode.NotFound, "not-found"),
        new("bad query", _ => new(HttpMethod.Get, "/api/v1/volunteers?limit=0"), LedgerApp.AdminKey, HttpStatusCode.BadRequest, "validation"),
        new("invalid body", t => new(HttpMethod.Post, "/api/v1/volunteers") { Content = JsonContent.Create(new { communityId = t.CommunityId, name = "", phone = "x", echelon = "x" }) },
            LedgerApp.AdminKey, HttpStatusCode.BadRequest, "validation"),
        new("malformed body", _ => new(HttpMethod.Post, "/api/v1/volunteers") { Content = new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json") },
            LedgerApp.AdminKey, HttpStatusCode.BadRequest, "validation"),
        new("wrong content type", _ => new(HttpMethod.Post, "/api/v1/communities") { Content = new StringContent("name=x", System.Text.Encoding.UTF8, "text/plain") },
            LedgerApp.AdminKey, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type"),
        new("body too large", _ => new(HttpMethod.Post, "/api/v1/communities") { Content = new StringContent(new string('x', 70_000), System.Text.Encoding.UTF8, "application/json") },
            LedgerApp.AdminKey, HttpStatusCode.RequestEntityTooLarge, "payload-too-large"),
        new("refused by the domain", t => new(HttpMethod.Post, "/api/v1/volunteers") { Content = JsonContent.Create(Seed.VolunteerBody(t.CommunityId, openId: "o-taken")) },
            "staff", HttpStatusCode.Conflict, "duplicate-openid"),
        new("unknown certificate", _ => new(HttpMethod.Get, "/api/v1/certificates/AAAA-BBBB-CCCC"), null, HttpStatusCode.NotFound, "not-found"),
    ];

    private static IEnumerable<TestCaseData> Matrix() =>
        from c in Cases
        from accept in Accepts
        select new TestCaseData(c, accept).SetArgDisplayNames(c.Name, accept ?? "(none)");

    [TestCaseSource(nameof(Matrix))]
    public async Task Error_IsProblemJson_WhateverTheAcceptHeader(Case c, string? accept)
    {
        var request = c.Request(this);
        if (accept is not null)
            request.Headers.Accept.ParseAdd(accept);
        var key = c.Key == "staff" ? StaffKey : c.Key;
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await App.Client().SendAsync(request);
        var problem = await Seed.Problem(response, c.Status, c.Code);
        Assert.That(problem.GetProperty("requestId").GetString(), Is.Not.Empty, "every problem carries the request id");
    }

    [TestCase("text/html")]
    [TestCase("text/csv")]
    [TestCase("image/png")]
    [TestCase(null)]
    public async Task UnexpectedException_Is500ProblemJson_WhateverTheAcceptHeader(string? accept)
    {
        using var scope = App.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        if (accept is not null)
            http.Request.Headers.Accept = accept;
        http.Response.Body = new MemoryStream();
        var handler = new ErrorHandler(NullLogger<ErrorHandler>.Instance);

        Assert.That(await handler.TryHandleAsync(http, new InvalidOperationException("SELECT secret FROM somewhere"), CancellationToken.None), Is.True);
        http.Response.Body.Position = 0;
        var text = await new StreamReader(http.Response.Body).ReadToEndAsync();
        Assert.That((http.Response.StatusCode, http.Response.ContentType), Is.EqualTo((500, "application/problem+json")), text);
        Assert.That(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("code").GetString(), Is.EqualTo("internal"));
        Assert.That(text, Does.Not.Contain("SELECT").And.Not.Contain("InvalidOperationException"));
    }

    [TestCase("text/html")]
    [TestCase("image/png")]
    [TestCase(null)]
    public async Task RateLimited_IsProblemJson_WhateverTheAcceptHeader(string? accept)
    {
        await using var app = new LedgerApp(rateLimit: 3);
        var client = app.Client();
        if (accept is not null)
            client.DefaultRequestHeaders.Accept.ParseAdd(accept);
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
            responses.Add(await client.GetAsync("/api/v1/communities"));
        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.That(limited, Is.Not.Null, "12 quick calls against a burst of 3");
        await Seed.Problem(limited!, HttpStatusCode.TooManyRequests, "rate-limited");
    }
}
