using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Api.Http;
using Microsoft.Extensions.Configuration;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// Certificates (志愿服务证明): only a begun year with approved hours; issued by POST or by a writing key's first view,
/// never by an auditor's view; a full check address and its QR code; the check page for browsers, JSON for programs.
/// The service's clock stands at 2026-06-15 in Shanghai.
/// </summary>
public sealed partial class CertificatesTests() : ApiFixture("桃浦新村第一居民区")
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private const string PublicBase = "https://ledger.taopu.example.cn/jifen";

    private static readonly DateTimeOffset Today = new(2026, 6, 15, 10, 0, 0, Shanghai);

    protected override LedgerApp CreateApp()
    {
        var app = new LedgerApp(settings: new Dictionary<string, string> { [PublicAddress.Setting] = PublicBase + "/" });
        app.Clock.Set(Today);
        return app;
    }

    private async Task<long> VolunteerWithHours(string name, params (int Month, int Day, int Minutes, string Category)[] records)
    {
        var id = (await Seed.Volunteer(App, StaffKey, CommunityId, name)).Id();
        foreach (var (month, day, minutes, category) in records)
            await Approve(id, month, day, minutes, category);
        return id;
    }

    /// <summary>Recorded the day after, as staff would (records more than 90 days back are refused).</summary>
    private async Task Approve(long id, int month, int day, int minutes, string category)
    {
        var start = new DateTimeOffset(2026, month, day, 9, 0, 0, Shanghai);
        App.Clock.Set(start.AddDays(1));
        try
        {
            await Records.Submit(App, StaffKey, id, minutes, category, 5, start);
        }
        finally
        {
            App.Clock.Set(Today);
        }
    }

    private long Count(string sql, object? parameters = null) => Database.Scalar<long>(sql, parameters);

    private static string CodeIn(string html) => CodePattern().Match(html).Value;

    [GeneratedRegex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")]
    private static partial Regex CodePattern();

    [Test]
    public async Task Certificate_ForAYearWithoutApprovedHours_Is422NoHoursInYear_AndWritesNothing()
    {
        var id = (await Seed.Volunteer(App, StaffKey, CommunityId, "周无时")).Id();
        await Records.Submit(App, StaffKey, id, 60, start: new DateTimeOffset(2026, 6, 1, 9, 0, 0, Shanghai)); // pending: certifies nothing
        var (certificates, events) = (Count("SELECT COUNT(*) FROM certificates"), Count("SELECT COUNT(*) FROM audit_events"));

        var url = $"/api/v1/volunteers/{id}/certificate";
        foreach (var year in new int?[] { 2026, null, 2025 })
        {
            var problem = await Seed.Problem(await Staff.GetAsync(url + (year is null ? "" : $"?year={year}")),
                HttpStatusCode.UnprocessableEntity, "no-hours-in-year");
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain($"{year ?? 2026} 年没有经审核的服务时长"));
            await Seed.Problem(await Client.PostJson(url, new { year }), HttpStatusCode.UnprocessableEntity, "no-hours-in-year");
        }
        await Seed.Problem(await Client.PostAsync(url, null), HttpStatusCode.UnprocessableEntity, "no-hours-in-year");
        Assert.That((Count("SELECT COUNT(*) FROM certificates"), Count("SELECT COUNT(*) FROM audit_events")), Is.EqualTo((certificates, events)));
    }

    [Test]
    public async Task Certificate_ForAFutureYear_Is422NoHoursInYear_EvenWithHoursElsewhere()
    {
        var id = await VolunteerWithHours("吴未来", (3, 2, 120, "patrol"));
        var problem = await Seed.Problem(await App.Client(StaffKey, "en").GetAsync($"/api/v1/volunteers/{id}/certificate?year=2027"),
            HttpStatusCode.UnprocessableEntity, "no-hours-in-year");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("2027 has not begun"));
        await Seed.Problem(await Staff.PostJson($"/api/v1/volunteers/{id}/certificate", new { year = 2027 }),
            HttpStatusCode.UnprocessableEntity, "no-hours-in-year");
        await Seed.Problem(await Staff.GetAsync($"/api/v1/volunteers/{id}/certificate?year=1999"), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task Certificate_ShowsTheFullCheckAddress_AndAQrCodeOfIt()
    {
        var id = await VolunteerWithHours("郑秀兰", (1, 5, 240, "elderly-care"), (5, 6, 120, "anti-fraud"));
        var html = await Staff.GetStringAsync($"/api/v1/volunteers/{id}/certificate?year=2026");
        var code = CodeIn(html);
        var url = $"{PublicBase}/api/v1/certificates/{code}";
        Assert.That(html, Does.Contain(url), "the configured public address, without its trailing slash, and the code with dashes");
        Assert.That(html, Does.Contain($"src=\"{QrCodes.DataUri(url, 6)}\""), "the QR code holds exactly that address, inline");
        Assert.That(html, Does.Contain("2026 年 1 月 1 日至").And.Contain("2026 年 6 月 15 日期间"), "the running year up to the day of issue");
        Assert.That(html, Does.Not.Contain("http://localhost"));
    }

    [Test]
    public async Task CheckAddress_WithoutAConfiguredPublicBase_IsTheRequestsOwn()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var v = (await Seed.Volunteer(app, LedgerApp.AdminKey, community)).Id();
        var record = await Records.Submit(app, LedgerApp.AdminKey, v, 60, approveScore: 5);
        var year = record.GetProperty("startedAt").GetDateTimeOffset().ToOffset(Shanghai).Year;
        var issued = await app.Admin().PostJson($"/api/v1/volunteers/{v}/certificate", new { year });
        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created), await issued.Content.ReadAsStringAsync());
        var body = await issued.Read<JsonElement>();
        var code = body.GetProperty("code").GetString()!;
        Assert.That(body.GetProperty("checkUrl").GetString(), Is.EqualTo($"http://localhost/api/v1/certificates/{code[..4]}-{code[4..8]}-{code[8..]}"));
        Assert.That(issued.Headers.Location?.ToString(), Is.EqualTo(body.GetProperty("checkUrl").GetString()));
    }

    [Test]
    public void PublicBaseUrl_ThatIsNotAnHttpAddress_StopsTheStart()
    {
        var error = Assert.Throws<Ledger.Api.Hosting.StartRefusedException>(() => new PublicAddress(
            new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [PublicAddress.Setting] = "ledger.example.org/x?y=1" }).Build()));
        Assert.That(error!.Message, Does.Contain(PublicAddress.Setting));
    }

    [Test]
    public async Task Issue_IsAPost_AndViewingWritesNothingOnceIssued_AndAnAuditorMayView()
    {
        var id = await VolunteerWithHours("冯建华", (2, 3, 180, "patrol"));
        var url = $"/api/v1/volunteers/{id}/certificate?year=2026";
        var certificates = $"SELECT COUNT(*) FROM certificates WHERE volunteer_id = {id}";
        var events = $"SELECT COUNT(*) FROM audit_events WHERE action = 'certificate.issued' AND subject = 'volunteer:{id}'";

        await Seed.Problem(await Auditor.GetAsync(url), HttpStatusCode.NotFound, "not-found");
        Assert.That(Count(certificates), Is.Zero, "an auditor's view writes nothing");

        var issued = await Staff.PostJson($"/api/v1/volunteers/{id}/certificate", new { year = 2026 });
        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created), await issued.Content.ReadAsStringAsync());
        var first = await issued.Read<JsonElement>();
        var code = first.GetProperty("code").GetString()!;
        Assert.That((first.GetProperty("hours").GetDecimal(), first.GetProperty("checkUrl").GetString()), Is.EqualTo((3m, $"{PublicBase}/api/v1/certificates/{Certificates(code)}")));
        Assert.That((Count(certificates), Count(events)), Is.EqualTo((1, 1)));

        var again = await Client.PostAsync($"/api/v1/volunteers/{id}/certificate", null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the same figures are certified once (no body: the running year)");
        Assert.That((await again.Read<JsonElement>()).GetProperty("code").GetString(), Is.EqualTo(code));
        foreach (var key in new[] { StaffKey, ClientKey, LedgerApp.AdminKey, AuditorKey })
        {
            var page = await App.Client(key).GetAsync(url);
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(CodeIn(await page.Content.ReadAsStringAsync()), Is.EqualTo(Certificates(code)));
        }
        Assert.That((Count(certificates), Count(events)), Is.EqualTo((1, 1)), "views write nothing");

        // New figures: the auditor waits for an issue, a staff key's first view issues it (once), the old code still checks.
        await Approve(id, 2, 4, 60, "patrol");
        await Seed.Problem(await Auditor.GetAsync(url), HttpStatusCode.NotFound, "not-found");
        var reprinted = CodeIn(await Staff.GetStringAsync(url));
        Assert.That(reprinted, Is.Not.EqualTo(Certificates(code)));
        Assert.That(CodeIn(await Staff.GetStringAsync(url)), Is.EqualTo(reprinted));
        Assert.That(CodeIn(await Auditor.GetStringAsync(url)), Is.EqualTo(reprinted));
        Assert.That((Count(certificates), Count(events)), Is.EqualTo((2, 2)));
        var old = await App.Client().GetJson($"/api/v1/certificates/{code}");
        Assert.That(old.GetProperty("hours").GetDecimal(), Is.EqualTo(3m), "a certificate keeps what it certified");
    }

    private static string Certificates(string code) => $"{code[..4]}-{code[4..8]}-{code[8..]}";

    [Test]
    public async Task Check_ForABrowser_IsAChinesePageOfWhatItCertifies_AndJsonForAnythingElse()
    {
        var id = await VolunteerWithHours("陈桂英", (3, 10, 300, "elderly-care"), (4, 11, 120, "anti-fraud"));
        var issued = await Staff.IssueCertificate(id, 2026);
        var code = issued.GetProperty("code").GetString()!;

        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/certificates/{code.ToLowerInvariant()}");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8");
        var page = await App.Client().SendAsync(request);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(page.Headers.Vary, Does.Contain("Accept"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("志愿服务证明核验").And.Contain("陈桂英").And.Contain("普陀区桃浦镇桃浦新村第一居民区").And.Contain("2026 年")
            .And.Contain("7 小时").And.Contain("为老服务 5 小时").And.Contain("反诈宣传 2 小时").And.Contain("2026 年 6 月 15 日"));
        var phone = (await Staff.GetJson($"/api/v1/volunteers/{id}")).GetProperty("phone").GetString()!;
        var memberCode = (await Staff.GetJson($"/api/v1/volunteers/{id}")).GetProperty("memberCode").GetString()!;
        Assert.That(html, Does.Not.Contain(phone).And.Not.Contain(memberCode).And.Not.Contain("<script"), "nothing beyond what the certificate shows");

        foreach (var (accept, typed) in new[] { ((string?)null, $"{code[..4]} {code[4..8]} {code[8..]}"), ("*/*", code), ("application/json", Certificates(code)),
                     ("application/json, text/html;q=0.5", code.ToLowerInvariant()) })
        {
            var json = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/certificates/{Uri.EscapeDataString(typed)}");
            if (accept is not null)
                json.Headers.Accept.ParseAdd(accept);
            var response = await App.Client().SendAsync(json);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), $"Accept {accept ?? "(none)"}");
            var body = await response.Read<JsonElement>();
            Assert.That((body.GetProperty("volunteer").GetString(), body.GetProperty("hours").GetDecimal()), Is.EqualTo(("陈桂英", 7m)));
        }
    }

    [Test]
    public async Task CertificatePages_SendAContentSecurityPolicy_ThatAdmitsOnlyTheirOwnStylesheet_AndForbidFraming()
    {
        var id = await VolunteerWithHours("褚志强", (4, 20, 90, "environment"));
        var printable = await Staff.GetAsync($"/api/v1/volunteers/{id}/certificate?year=2026");
        var code = CodeIn(await printable.Content.ReadAsStringAsync());
        var check = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/certificates/{code}");
        check.Headers.Accept.ParseAdd("text/html");
        foreach (var response in new[] { printable, await App.Client().SendAsync(check) })
        {
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            var html = await response.Content.ReadAsStringAsync();
            var style = StyleElement().Match(html).Groups[1].Value;
            var hash = "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
            Assert.Multiple(() =>
            {
                Assert.That(csp, Does.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Contain("img-src data:"));
                Assert.That(csp, Does.Contain($"style-src '{hash}'"), "the page's own stylesheet, by the hash of its text");
                Assert.That(csp, Does.Not.Contain("unsafe-inline").And.Not.Contain("script-src"));
                Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }));
                Assert.That(html, Does.Not.Contain("style=\""), "no style attribute: the policy would drop it");
            });
        }
    }

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    [TestCase("/counter/")]
    [TestCase("/counter/counter.js")]
    [TestCase("/counter/counter.css")]
    [TestCase("/counter")]
    public async Task CounterPage_SendsAContentSecurityPolicy_AndForbidsFraming(string path)
    {
        var response = await App.Client().GetAsync(path);
        Assert.That((int)response.StatusCode, Is.InRange(200, 399));
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.That(csp, Does.Contain("default-src 'self'").And.Contain("frame-ancestors 'none'").And.Not.Contain("unsafe-inline").And.Not.Contain("unsafe-eval"));
        Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }));
    }

    [Test]
    public async Task ARenamedVolunteer_KeepsTheOldNameOnEarlierCertificates_AndGetsANewOne()
    {
        var id = await VolunteerWithHours("卫小明", (5, 5, 120, "culture"));
        var old = (await Staff.IssueCertificate(id, 2026)).GetProperty("code").GetString()!;
        await Staff.UpdateVolunteer(id, new { name = "卫晓明" });

        var reissued = await Staff.PostJson($"/api/v1/volunteers/{id}/certificate", new { year = 2026 });
        Assert.That(reissued.StatusCode, Is.EqualTo(HttpStatusCode.Created), "a new name is new figures");
        var fresh = await reissued.Read<JsonElement>();
        Assert.That(fresh.GetProperty("volunteer").GetString(), Is.EqualTo("卫晓明"));
        Assert.That(fresh.GetProperty("code").GetString(), Is.Not.EqualTo(old));
        var check = await App.Client().GetJson($"/api/v1/certificates/{old}");
        Assert.That(check.GetProperty("volunteer").GetString(), Is.EqualTo("卫小明"), "what was certified stays certified");
    }

    [Test]
    public async Task ACertificateWhoseHoursChanged_ChecksAsSuperseded_WithoutGivingTheNewCode()
    {
        var id = await VolunteerWithHours("郑小红", (6, 1, 120, "patrol"), (6, 2, 60, "patrol"));
        var old = (await Staff.IssueCertificate(id, 2026)).GetProperty("code").GetString()!;
        var before = await App.Client().GetJson($"/api/v1/certificates/{old}");
        Assert.That(before.GetProperty("supersededOn").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var records = await Staff.GetJson($"/api/v1/service-records?volunteerId={id}");
        var last = records.GetProperty("items")[0].Id();
        await Staff.Reverse(last, "重复登记");
        var fresh = (await Staff.IssueCertificate(id, 2026)).GetProperty("code").GetString()!;

        var check = await App.Client().GetJson($"/api/v1/certificates/{old}");
        Assert.That(check.GetProperty("supersededOn").GetString(), Is.EqualTo(Today.ToOffset(Shanghai).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(check.GetProperty("hours").GetDecimal(), Is.EqualTo(3m), "what was certified stays as it was");
        var page = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/certificates/{old}");
        page.Headers.Accept.ParseAdd("text/html");
        var html = await (await App.Client().SendAsync(page)).Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("被一份更新的证明取代").And.Not.Contain(fresh).And.Not.Contain(Ledger.Api.Reports.Certificates.Display(fresh)));
        var current = await App.Client().GetJson($"/api/v1/certificates/{fresh}");
        Assert.That(current.GetProperty("supersededOn").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }
}
