using System.Text.Json;
using Ledger.Tests.Builders;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ledger.Tests.Api;

/// <summary>
/// The counter page in a real headless Chromium (Debian's, driven by Playwright): find a volunteer by the code on
/// their card, redeem (a double tap redeems once), see the balance drop, cancel, see it restored — at tablet and
/// desktop widths, with screenshots for a person to look at.
/// </summary>
[TestFixture, Category("Browser")]
public sealed class CounterPageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [TestCase(820, 1180, "tablet")]
    [TestCase(1366, 900, "desktop")]
    public async Task FindRedeemCancel_AtTheCounter(int width, int height, string name)
    {
        if (!File.Exists(Chromium))
        {
            if (Environment.GetEnvironmentVariable("CI") is not null)
                Assert.Fail($"CI must run the browser test, but {Chromium} is missing: .ci/run installs Debian's chromium.");
            Assert.Ignore($"No Chromium at {Chromium}: install Debian's chromium package to run the counter page test.");
        }

        await using var app = new LedgerApp(kestrel: true);
        var community = await Seed.Community(app, "桃浦新村第三居民区");
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var volunteer = await Seed.Volunteer(app, staff, community, "王秀英");
        var id = volunteer.GetProperty("id").GetInt64();
        await app.Client(staff).PostJson($"/api/v1/volunteers/{id}/adjustments", new { amount = 100, reason = "活动积分" });
        await app.Client(staff).PostJson("/api/v1/rewards", new { communityId = community, name = "食用油 1.8L", pointsCost = 30, stock = 5 });
        await app.Client(staff).PostJson("/api/v1/rewards", new { communityId = community, name = "毛巾", pointsCost = 20, stock = 0 });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var shots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(shots);

        await page.GotoAsync(new Uri(app.Address, "/counter/").ToString());
        await page.FillAsync("#key", staff);
        await page.ClickAsync("#login-form button");
        await Expect(page.Locator("#community")).ToHaveTextAsync("桃浦新村第三居民区");

        // Typed the way it is printed on the card, in lower case and with a space.
        var code = volunteer.GetProperty("memberCode").GetString()!;
        await page.FillAsync("#q", $"{code[..4].ToLowerInvariant()} {code[4..]}");
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#v-name")).ToHaveTextAsync("王秀英");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("100");

        var oil = page.Locator(".reward", new PageLocatorOptions { HasText = "食用油" });
        await Expect(page.Locator(".reward", new PageLocatorOptions { HasText = "毛巾" }).Locator("button.redeem")).ToBeDisabledAsync();
        await oil.Locator("button.redeem").DblClickAsync();
        await Expect(page.Locator("#receipt")).ToBeVisibleAsync();
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("70");
        await Expect(page.Locator("#today tr")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"counter-{name}-redeemed.png"), FullPage = true });

        // Not enough points says so in words, and changes nothing.
        await oil.Locator("input").FillAsync("3");
        await oil.Locator("button.redeem").ClickAsync();
        await Expect(page.Locator("#redeem-error")).ToContainTextAsync("积分不足");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("70");

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync("顾客退货");
        await page.Locator("#today button.danger").ClickAsync();
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("100");
        await Expect(page.Locator("#today tr.cancelled")).ToHaveCountAsync(1);
        await Expect(oil.Locator(".stock")).ToContainTextAsync("5");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"counter-{name}-cancelled.png"), FullPage = true });

        // The English switch.
        await page.ClickAsync("#lang");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Points shop · Counter");

        var summary = await (await app.Client(staff).GetAsync($"/api/v1/volunteers/{id}/summary")).Read<JsonElement>();
        Assert.That(summary.GetProperty("balance").GetInt64(), Is.EqualTo(100));
        Invariants.Check(app);
    }
}
