using Ledger.Tests.Builders;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ledger.Tests.Api;

/// <summary>
/// The certificate and its check page in a real headless Chromium, under the pages' Content-Security-Policy: the
/// stylesheet the policy admits by hash is applied, the inline QR code shows, the browser reports no violation, and
/// the check address printed on the certificate opens the Chinese check page.
/// </summary>
[TestFixture, Category("Browser")]
public sealed class CertificatePageTests
{
    [Test]
    public async Task PrintedCertificate_AndItsCheckPage_RenderUnderTheirPolicy_InABrowser()
    {
        DebianChromium.Require("certificate page test");

        await using var app = new LedgerApp(kestrel: true);
        var community = await Seed.Community(app, "桃浦新村第三居民区");
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var id = (await Seed.Volunteer(app, staff, community, "王秀英")).Id();
        var record = await Records.Submit(app, staff, id, 90, "patrol", 5);
        var year = record.GetProperty("startedAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).Year;
        var client = new HttpClient { BaseAddress = app.Address };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", staff);
        var issued = await client.IssueCertificate(id, year);
        var checkUrl = issued.GetProperty("checkUrl").GetString()!;
        Assert.That(checkUrl, Does.StartWith(app.Address.ToString().TrimEnd('/')), "the request's own address when none is configured");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.Launch(playwright);
        var shots = DebianChromium.Screenshots();
        var violations = new List<string>();

        async Task<IPage> Open(Dictionary<string, string>? headers, string url)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ExtraHTTPHeaders = headers, ViewportSize = new ViewportSize { Width = 900, Height = 1300 } });
            var page = await context.NewPageAsync();
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                    violations.Add(message.Text);
            };
            var response = await page.GotoAsync(url);
            Assert.That(response!.Status, Is.EqualTo(200), url);
            return page;
        }

        var printed = await Open(new() { ["Authorization"] = $"Bearer {staff}" }, new Uri(app.Address, $"/api/v1/volunteers/{id}/certificate?year={year}").ToString());
        await Expect(printed.Locator("h1")).ToHaveTextAsync("志愿服务证明");
        Assert.That(await printed.EvalOnSelectorAsync<string>("h1", "e => getComputedStyle(e).color"), Is.EqualTo("rgb(178, 34, 34)"), "the inline stylesheet applies");
        Assert.That(await printed.EvalOnSelectorAsync<int>("img.qr", "e => e.complete ? e.naturalWidth : 0"), Is.GreaterThan(0), "the inline QR code shows");
        await Expect(printed.Locator(".url")).ToHaveTextAsync(checkUrl);
        await printed.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "certificate.png"), FullPage = true });

        // What a phone does after scanning: open the address, with the browser's own Accept header and no key.
        var check = await Open(null, checkUrl);
        await Expect(check.Locator("h1")).ToHaveTextAsync("志愿服务证明核验");
        await Expect(check.Locator("dl")).ToContainTextAsync("王秀英");
        await Expect(check.Locator("dl")).ToContainTextAsync("平安巡逻 1.5 小时");
        Assert.That(await check.EvalOnSelectorAsync<string>(".ok", "e => getComputedStyle(e).color"), Is.EqualTo("rgb(26, 127, 55)"));
        await check.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "certificate-check.png"), FullPage = true });

        Assert.That(violations, Is.Empty, "the browser reported a Content-Security-Policy violation");
    }
}
