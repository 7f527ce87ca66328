using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ledger.Tests.Api;

/// <summary>
/// The counter page in a real headless Chromium (Debian's, driven by Playwright): only the login until a staff or admin
/// key works;
/// find a volunteer by the code on their card; a new search forgets the person served before; points are taken only
/// after a confirmation (a double tap redeems once) that offers nothing the page knows cannot go through; the receipt
/// names the community; cancel and reject with a reason asked in the page; an admin key
/// works inside one chosen community; every error in a counter worker's words — at tablet and desktop widths, with
/// screenshots for a person to look at.
/// </summary>
[TestFixture, Category("Browser")]
public sealed class CounterPageTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    // The page ignores taps on 确认兑换 in its first 0.4 s (the tail of the double tap that opened it); a worker reads first.
    private const int ReadingPauseMs = 500;

    private LedgerApp _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _shots = "";
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _browserDialogs = [];

    [OneTimeSetUp]
    public async Task StartBrowser()
    {
        DebianChromium.Require("counter page test");
        _app = new LedgerApp(kestrel: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.Launch(_playwright, "--lang=zh-CN");
        _shots = DebianChromium.Screenshots();
    }

    [OneTimeTearDown]
    public async Task StopBrowser()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            Invariants.Check(_app);
            await _app.DisposeAsync();
        }
    }

    [TearDown]
    public void NoBrowserDialogs()
    {
        Assert.That(_browserDialogs, Is.Empty, "the page opened a browser dialog");
        _browserDialogs.Clear();
    }

    private async Task<IPage> Open(int width = 820, int height = 1180)
    {
        // A counter tablet set to Chinese; its clock zone is left as the machine's, so the page must use the community's own.
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "zh-CN",
        });
        var page = await context.NewPageAsync();
        // window.prompt, alert and confirm are blocked by kiosk browsers: the page must never open one.
        page.Dialog += async (_, dialog) =>
        {
            _browserDialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        await page.GotoAsync(new Uri(_app.Address, "/counter/").ToString());
        return page;
    }

    private static async Task SignIn(IPage page, string key)
    {
        await page.FillAsync("#key", key);
        await page.ClickAsync("#login-form button");
    }

    /// <summary>The whole page from the top, or (with a dialog open) what the worker sees on the screen.</summary>
    private async Task Shot(IPage page, string name, bool fullPage = true)
    {
        if (fullPage)
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_shots, $"counter-{name}.png"), FullPage = fullPage });
    }

    private async Task<(long Community, string Staff)> Community(string name)
    {
        var community = await Seed.Community(_app, name);
        return (community, (await Seed.Key(_app, "staff", community, "柜台 1")).Key);
    }

    private async Task<JsonElement> Volunteer(string staff, long community, string name, long points)
    {
        var volunteer = await Seed.Volunteer(_app, staff, community, name);
        if (points > 0)
            await _app.Client(staff).Adjust(volunteer.Id(), points, "活动积分");
        return volunteer;
    }

    private Task Reward(string staff, long community, string name, long cost, long stock) => _app.Client(staff).CreateReward(community, cost, stock, name);

    private async Task<long> RewardId(string staff, long community, string name) =>
        (await _app.Client(staff).GetJson($"/api/v1/rewards?communityId={community}"))
            .GetProperty("items").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name).Id();

    private async Task<long> Balance(string staff, long volunteerId) =>
        (await _app.Client(staff).GetJson($"/api/v1/volunteers/{volunteerId}/summary")).GetProperty("balance").GetInt64();

    private async Task<int> Redemptions(string staff, long volunteerId) =>
        (await _app.Client(staff).GetJson($"/api/v1/redemptions?volunteerId={volunteerId}")).GetProperty("items").GetArrayLength();

    [TestCase(820, 1180, "tablet")]
    [TestCase(1366, 900, "desktop")]
    public async Task FindConfirmRedeemCancel_AndThePendingHours_AtTheCounter(int width, int height, string name)
    {
        var (community, staff) = await Community("桃浦新村第三居民区");
        // Points lapse at the end of the year after they are earned, and the community has a category of its own.
        await _app.Admin().PutRules(community, new
        {
            expiry = "endOfFollowingYear",
            categoryMultipliers = new Dictionary<string, decimal> { ["tree-planting"] = 1.2m },
        });
        var volunteer = await Volunteer(staff, community, "王秀英", 100);
        var id = volunteer.Id();
        await Reward(staff, community, "食用油 1.8L", 30, 5);
        await Reward(staff, community, "毛巾", 20, 0);
        var li = (await Seed.Volunteer(_app, staff, community, "李建国")).Id();
        var antiFraud = (await Records.Submit(_app, staff, li, minutes: 60, category: "anti-fraud")).Id();
        var trees = (await Records.Submit(_app, staff, li, minutes: 90, category: "tree-planting")).Id();

        var page = await Open(width, height);
        await SignIn(page, staff);
        await Expect(page.Locator("#community")).ToHaveTextAsync("桃浦新村第三居民区");
        await Expect(page.Locator("#key-name")).ToHaveTextAsync("柜台 1");
        await Expect(page.Locator("#switch-community")).ToBeHiddenAsync();

        // Typed the way it is printed on the card, in lower case and with a space.
        var code = volunteer.GetProperty("memberCode").GetString()!;
        await page.FillAsync("#q", $"{code[..4].ToLowerInvariant()} {code[4..]}");
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#v-name")).ToHaveTextAsync("王秀英");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("100");
        var lapseYear = DateTimeOffset.UtcNow.ToOffset(Shanghai).Year + 1;
        await Expect(page.Locator("#v-expiring")).ToHaveTextAsync($"100 积分将于 {lapseYear} 年底到期");

        // A double tap on 兑换 opens one confirmation with everything the worker reads back to the volunteer.
        var oil = page.Locator(".reward", new PageLocatorOptions { HasText = "食用油" });
        await Expect(page.Locator(".reward", new PageLocatorOptions { HasText = "毛巾" }).Locator("button.redeem")).ToBeDisabledAsync();
        await oil.Locator("button.redeem").DblClickAsync();
        var confirm = page.Locator("#confirm");
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(page.Locator("#c-name")).ToHaveTextAsync("王秀英");
        await Expect(page.Locator("#c-code")).ToHaveTextAsync(code);
        await Expect(page.Locator("#c-reward")).ToHaveTextAsync("食用油 1.8L");
        await Expect(page.Locator("#c-quantity")).ToHaveTextAsync("1");
        await Expect(page.Locator("#c-points")).ToHaveTextAsync("30");
        await Expect(page.Locator("#c-after")).ToHaveTextAsync("70");
        Assert.That(await Balance(staff, id), Is.EqualTo(100), "nothing is taken before the confirmation");
        await Shot(page, $"{name}-confirm", fullPage: false);

        // 返回 takes nothing; 确认兑换 tapped twice takes the points once.
        await page.ClickAsync("#confirm-back");
        await Expect(confirm).ToBeHiddenAsync();
        Assert.That(await Redemptions(staff, id), Is.Zero);
        await oil.Locator("button.redeem").ClickAsync();
        await Expect(confirm).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(ReadingPauseMs);
        await page.Locator("#confirm-ok").DblClickAsync();
        await Expect(page.Locator("#receipt")).ToBeVisibleAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("70");
        await Expect(page.Locator("#v-expiring")).ToHaveTextAsync($"70 积分将于 {lapseYear} 年底到期");
        await Expect(page.Locator("#today tr")).ToHaveCountAsync(1);
        Assert.That(await Redemptions(staff, id), Is.EqualTo(1));
        await Expect(page.Locator("#r-time")).Not.ToContainTextAsync("Z");
        await Expect(page.Locator("#r-community")).ToHaveTextAsync("桃浦新村第三居民区");
        await Shot(page, $"{name}-redeemed");

        // Not enough points: the confirmation says so with the balance and what is needed, offers only 返回
        // (no "剩余积分 -20"), and nothing is taken — not even by a tap that reached the hidden 确认兑换.
        await oil.Locator("input").FillAsync("3");
        await oil.Locator("button.redeem").ClickAsync();
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-title")).ToHaveTextAsync("积分不够，不能兑换");
        await Expect(page.Locator("#confirm-short")).ToHaveTextAsync("积分余额 70，这次需要 90，还差 20。");
        await Expect(page.Locator("#c-points")).ToHaveTextAsync("90");
        await Expect(page.Locator("#c-after")).ToBeHiddenAsync();
        await Expect(page.Locator("#confirm-ok")).ToBeHiddenAsync();
        await Expect(page.Locator("#confirm-back")).ToBeVisibleAsync();
        await Shot(page, $"{name}-not-enough", fullPage: false);
        await page.WaitForTimeoutAsync(ReadingPauseMs);
        await page.EvaluateAsync("() => document.getElementById('confirm-ok').click()");
        await page.ClickAsync("#confirm-back");
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(page.Locator("#redeem-error")).ToBeEmptyAsync();
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("70");
        Assert.That(await Balance(staff, id), Is.EqualTo(70));
        Assert.That(await Redemptions(staff, id), Is.EqualTo(1));

        // Cancelling asks for the reason in the page (no window.prompt), and will not go without one.
        await page.Locator("#today button.danger").ClickAsync();
        await Expect(page.Locator("#reason")).ToBeVisibleAsync();
        await page.ClickAsync("#reason-ok");
        await Expect(page.Locator("#reason-error")).ToHaveTextAsync("请填写原因。");
        await Shot(page, $"{name}-cancel-reason", fullPage: false);
        await page.Locator("#reason-presets button", new PageLocatorOptions { HasText = "顾客退货" }).ClickAsync();
        await page.ClickAsync("#reason-ok");
        await Expect(page.Locator("#reason")).ToBeHiddenAsync();
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("100");
        await Expect(page.Locator("#today tr.cancelled")).ToHaveCountAsync(1);
        await Expect(page.Locator("#today tr.cancelled")).ToContainTextAsync("已取消");
        await Expect(oil.Locator(".stock")).ToContainTextAsync("5");

        // Pending hours: the volunteer's name and the category's label (a community's own category as recorded), never ids or slugs.
        var rows = page.Locator("#pending-list tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Filter(new LocatorFilterOptions { HasText = "反诈宣传" })).ToContainTextAsync("李建国");
        await Expect(rows.Filter(new LocatorFilterOptions { HasText = "tree-planting" })).ToContainTextAsync("李建国");
        await Expect(page.Locator("#pending-list")).Not.ToContainTextAsync("anti-fraud");

        // 驳回 asks for a reason in the page and rejects that record.
        await rows.Filter(new LocatorFilterOptions { HasText = "tree-planting" }).Locator("button.reject").ClickAsync();
        await Expect(page.Locator("#reason-what")).ToContainTextAsync("李建国");
        await page.FillAsync("#reason-text", "未参加该活动");
        await page.ClickAsync("#reason-ok");
        await Expect(rows).ToHaveCountAsync(1);
        var rejected = await _app.Client(staff).GetJson($"/api/v1/service-records/{trees}");
        Assert.That(rejected.GetProperty("status").GetString(), Is.EqualTo("rejected"));

        // Approved behind the page's back: 通过 says in words that someone already dealt with it, and the list catches up.
        var elsewhere = await _app.Client(staff).PostJson($"/api/v1/service-records/{antiFraud}/approve", new { score = 5 });
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await rows.Locator("button.approve").ClickAsync();
        await Expect(page.Locator("#toast")).ToHaveTextAsync("这条记录已经有人处理过了，列表已刷新。");
        await Expect(page.Locator("#pending-list td.empty")).ToHaveTextAsync("暂无");

        // Hours recorded at the counter: the date-time fields show a whole date and time, are read on the community's
        // clock, and go out as instants with an offset.
        await page.ClickAsync("#hours summary");
        foreach (var field in new[] { "#h-start", "#h-end" })
        {
            var box = await page.Locator(field).BoundingBoxAsync();
            Assert.That(box!.Width, Is.GreaterThanOrEqualTo(250), field);
        }
        var yesterday = DateTimeOffset.UtcNow.ToOffset(Shanghai).AddDays(-1);
        var start = new DateTimeOffset(yesterday.Year, yesterday.Month, yesterday.Day, 9, 0, 0, Shanghai);
        await page.SelectOptionAsync("#h-category", new SelectOptionValue { Label = "为老服务" });
        await page.FillAsync("#h-start", start.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.FillAsync("#h-end", start.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await Shot(page, $"{name}-hours");
        await page.ClickAsync("#hours-form button[type=submit]");
        await Expect(page.Locator("#hours-msg")).ToHaveTextAsync("已登记 60 分钟，获得 10 积分。");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("110");
        var recorded = await _app.Client(staff).GetJson($"/api/v1/service-records?volunteerId={id}");
        var record = recorded.GetProperty("items").EnumerateArray().Single();
        Assert.That(record.GetProperty("startedAt").GetDateTimeOffset(), Is.EqualTo(start));
        Assert.That(record.GetProperty("category").GetString(), Is.EqualTo("elderly-care"));
        await Shot(page, $"{name}-cancelled");

        // The English switch, the expiry included.
        await page.ClickAsync("#lang");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Points shop · Counter");
        await Expect(page.Locator("#v-expiring")).ToHaveTextAsync($"110 points expire at the end of {lapseYear}");
        await Expect(page.Locator("#pending-list")).ToContainTextAsync("None yet");
        await Shot(page, $"{name}-english");

        Assert.That(await Balance(staff, id), Is.EqualTo(110));
    }

    [Test]
    public async Task BeforeAKeyWorks_OnlyTheLoginShows_AndAWrongKeyGetsStaffWording()
    {
        foreach (var (width, height, name) in new[] { (820, 1180, "tablet"), (1366, 900, "desktop") })
        {
            var page = await Open(width, height);
            await Expect(page.Locator("#login")).ToBeVisibleAsync();
            await Expect(page.Locator("#desk")).ToBeHiddenAsync();
            await Expect(page.Locator("#choose")).ToBeHiddenAsync();
            await Expect(page.Locator("#logout")).ToBeHiddenAsync();
            await Expect(page.Locator("#find-form")).ToBeHiddenAsync();

            await SignIn(page, "lk_not-a-key-of-this-service");
            await Expect(page.Locator("#login-error")).ToHaveTextAsync("密钥不对，或已被停用。请核对后重新输入；仍不行请联系管理员。");
            await Expect(page.Locator("#login-error")).Not.ToContainTextAsync("Authorization");
            await Expect(page.Locator("#desk")).ToBeHiddenAsync();
            await Expect(page.Locator("#login")).ToBeVisibleAsync();
            await Shot(page, $"{name}-login-wrong-key");
            await page.Context.CloseAsync();
        }
    }

    [TestCase("client")]
    [TestCase("auditor")]
    public async Task AKeyThatCannotWorkTheCounter_StaysOnTheLogin_WithStaffWording(string role)
    {
        var community = await Seed.Community(_app, "长风新村第二居民区");
        // A mini-program backend's key belongs to one community; an auditor's to none.
        var (_, key) = await Seed.Key(_app, role, role == "client" ? community : null);
        foreach (var (width, height, name) in new[] { (820, 1180, "tablet"), (1366, 900, "desktop") })
        {
            var page = await Open(width, height);
            await SignIn(page, key);
            await Expect(page.Locator("#login-error")).ToHaveTextAsync("这个密钥不能用于柜台：请使用员工密钥。");
            await Expect(page.Locator("#login")).ToBeVisibleAsync();
            await Expect(page.Locator("#desk")).ToBeHiddenAsync();
            await Expect(page.Locator("#choose")).ToBeHiddenAsync();
            await Expect(page.Locator("#logout")).ToBeHiddenAsync();
            await Expect(page.Locator("#key-name")).ToBeEmptyAsync();
            Assert.That(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('ledgerKey')"), Is.Null, "the refused key is not kept for the tab");
            await Shot(page, $"{name}-login-{role}-key");

            await page.ClickAsync("#lang");
            await SignIn(page, key);
            await Expect(page.Locator("#login-error")).ToHaveTextAsync("This key cannot be used at the counter: use a staff key.");
            await Expect(page.Locator("#desk")).ToBeHiddenAsync();
            await page.Context.CloseAsync();
        }
    }

    [Test]
    public async Task TheConfirmation_RefusesWhatTheShelfCannotGive_AndLeavesABalanceSpentElsewhereToTheServer()
    {
        var (community, staff) = await Community("长征镇梅岭北居民区");
        var volunteer = await Volunteer(staff, community, "赵桂芳", 100);
        var id = volunteer.Id();
        await Reward(staff, community, "洗衣液", 20, 2);
        await Reward(staff, community, "大米 5kg", 90, 5);

        var page = await Open();
        await SignIn(page, staff);
        await page.FillAsync("#q", volunteer.GetProperty("memberCode").GetString()!);
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("100");
        var soap = page.Locator(".reward", new PageLocatorOptions { HasText = "洗衣液" });
        var confirm = page.Locator("#confirm");

        // Three wanted (60 of 100 points), two on the shelf: said with the numbers, only 返回 offered.
        await soap.Locator("input").FillAsync("3");
        await soap.Locator("button.redeem").ClickAsync();
        await Expect(page.Locator("#confirm-title")).ToHaveTextAsync("库存不够，不能兑换");
        await Expect(page.Locator("#confirm-short")).ToHaveTextAsync("库存只剩 2，这次要 3。请减少数量或换一件奖品。");
        await Expect(page.Locator("#confirm-ok")).ToBeHiddenAsync();
        await page.ClickAsync("#confirm-back");
        await Expect(confirm).ToBeHiddenAsync();

        // Spent at another counter after the page showed 100: the page cannot know, offers the confirmation, and the
        // server refuses with the real numbers; the balance on screen then catches up, and the next confirmation knows.
        var elsewhere = await _app.Client(staff).PostJson("/api/v1/redemptions", new { volunteerId = id, rewardId = await RewardId(staff, community, "大米 5kg"), quantity = 1 });
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.Created), await elsewhere.Content.ReadAsStringAsync());
        await soap.Locator("input").FillAsync("1");
        await soap.Locator("button.redeem").ClickAsync();
        await Expect(page.Locator("#confirm-title")).ToHaveTextAsync("请与志愿者核对后确认兑换");
        await Expect(page.Locator("#confirm-ok")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(ReadingPauseMs);
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#redeem-error")).ToHaveTextAsync("积分不足：余额 10，需要 20。");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("10");
        await soap.Locator("button.redeem").ClickAsync();
        await Expect(page.Locator("#confirm-short")).ToHaveTextAsync("积分余额 10，这次需要 20，还差 10。");
        await Expect(page.Locator("#confirm-ok")).ToBeHiddenAsync();
        await page.ClickAsync("#confirm-back");

        // Both short, in English.
        await page.ClickAsync("#lang");
        await soap.Locator("input").FillAsync("3");
        await soap.Locator("button.redeem").ClickAsync();
        await Expect(page.Locator("#confirm-title")).ToHaveTextAsync("Not enough points or stock to redeem");
        await Expect(page.Locator("#confirm-short p")).ToHaveTextAsync(new[]
        {
            "The balance is 10; this needs 60, 50 more.",
            "Only 2 left in stock; this needs 3. Lower the quantity or pick another reward.",
        });
        await Expect(page.Locator("#c-points-label")).ToHaveTextAsync("Points needed");
        await Expect(page.Locator("#confirm-ok")).ToBeHiddenAsync();
        await Shot(page, "tablet-not-enough-english", fullPage: false);
        await page.ClickAsync("#confirm-back");

        Assert.That(await Balance(staff, id), Is.EqualTo(10));
        Assert.That(await Redemptions(staff, id), Is.EqualTo(1), "only the one made elsewhere");
    }

    [Test]
    public async Task TheReceipt_NamesTheCommunity_OnScreenAndOnPaper()
    {
        var (community, staff) = await Community("宜川路街道中远两湾城居民区");
        var volunteer = await Volunteer(staff, community, "孙美华", 30);
        await Reward(staff, community, "酱油", 10, 5);

        var page = await Open();
        await SignIn(page, staff);
        await page.FillAsync("#q", volunteer.GetProperty("memberCode").GetString()!);
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("30");
        await page.Locator(".reward button.redeem").ClickAsync();
        await page.WaitForTimeoutAsync(ReadingPauseMs);
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#receipt")).ToBeVisibleAsync();
        await Expect(page.Locator("#r-community")).ToHaveTextAsync("宜川路街道中远两湾城居民区");

        // On paper the header bar (which also names the community) is not printed: the receipt must carry it itself.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Expect(page.Locator("header.bar")).ToBeHiddenAsync();
        await Expect(page.Locator("#receipt")).ToContainTextAsync("宜川路街道中远两湾城居民区");
        await Expect(page.Locator("#r-community")).ToBeVisibleAsync();
        await Shot(page, "tablet-receipt-print");
    }

    [Test]
    public async Task ANewSearch_ForgetsThePersonServedBefore_SoTheNextTapChargesNobody()
    {
        var (community, staff) = await Community("真如镇星光居民区");
        var wang = await Volunteer(staff, community, "王秀英", 100);
        var wangId = wang.Id();
        var li1 = await Volunteer(staff, community, "李建国", 50);
        await Volunteer(staff, community, "李建华", 50);
        await Reward(staff, community, "大米 5kg", 40, 10);

        var page = await Open();
        await SignIn(page, staff);
        await page.FillAsync("#q", wang.GetProperty("memberCode").GetString()!);
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#v-name")).ToHaveTextAsync("王秀英");
        var rice = page.Locator(".reward", new PageLocatorOptions { HasText = "大米" }).Locator("button.redeem");

        // Several found: nobody is selected until one is picked, and 兑换 charges nobody.
        await page.FillAsync("#q", "李建");
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#matches button")).ToHaveCountAsync(2);
        await Expect(page.Locator("#volunteer")).ToBeHiddenAsync();
        await rice.ClickAsync();
        await Expect(page.Locator("#redeem-error")).ToHaveTextAsync("请先查找并选中一位志愿者。");
        await Expect(page.Locator("#confirm")).ToBeHiddenAsync();

        // The pick list masks phones, even for a staff key that sees them whole.
        var phone = li1.GetProperty("phone").GetString()!;
        var pick = page.Locator("#matches button", new PageLocatorOptions { HasText = "李建国" });
        await Expect(pick).ToContainTextAsync($"{phone[..3]}****{phone[^4..]}");
        await Expect(page.Locator("#matches")).Not.ToContainTextAsync(phone);
        await Shot(page, "tablet-pick-list");

        // Nobody found: the same.
        await page.FillAsync("#q", "张三丰");
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#find-msg")).ToHaveTextAsync("没有找到这位志愿者，请核对后重新输入。");
        await rice.ClickAsync();
        await Expect(page.Locator("#redeem-error")).ToHaveTextAsync("请先查找并选中一位志愿者。");
        await Expect(page.Locator("#confirm")).ToBeHiddenAsync();
        Assert.That(await Balance(staff, wangId), Is.EqualTo(100));
        Assert.That(await Redemptions(staff, wangId), Is.Zero);

        // The one picked is the one the confirmation names and the one charged.
        await page.FillAsync("#q", "李建");
        await page.ClickAsync("#find-form button");
        await pick.ClickAsync();
        await Expect(page.Locator("#v-name")).ToHaveTextAsync("李建国");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("50");
        await rice.ClickAsync();
        await Expect(page.Locator("#c-name")).ToHaveTextAsync("李建国");
        await page.WaitForTimeoutAsync(ReadingPauseMs);
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#v-balance")).ToHaveTextAsync("10");
        Assert.That(await Balance(staff, wangId), Is.EqualTo(100));
        Assert.That(await Redemptions(staff, li1.Id()), Is.EqualTo(1));
    }

    [Test]
    public async Task AnAdminKey_WorksInsideOneChosenCommunity()
    {
        var (a, staffA) = await Community("曹杨新村第一居民区");
        var (b, staffB) = await Community("曹杨新村第二居民区");
        await Reward(staffA, a, "一居的洗衣液", 30, 5);
        await Reward(staffB, b, "二居的酱油", 10, 5);
        var fromA = await Volunteer(staffA, a, "赵阿姨", 50);

        var page = await Open();
        await SignIn(page, LedgerApp.AdminKey);
        await Expect(page.Locator("#choose")).ToBeVisibleAsync();
        await Expect(page.Locator("#desk")).ToBeHiddenAsync();
        await page.FillAsync("#choose-filter", "曹杨新村第二");
        await page.Locator("#choose-list button").ClickAsync();

        await Expect(page.Locator("#community")).ToHaveTextAsync("曹杨新村第二居民区");
        await Expect(page.Locator("#switch-community")).ToBeVisibleAsync();
        await Expect(page.Locator(".reward")).ToHaveCountAsync(1);
        await Expect(page.Locator(".reward")).ToContainTextAsync("二居的酱油");

        // A card of the other community is not served here.
        await page.FillAsync("#q", fromA.GetProperty("memberCode").GetString()!);
        await page.ClickAsync("#find-form button");
        await Expect(page.Locator("#find-msg")).ToHaveTextAsync("这张会员卡不属于本社区，不能在这里办理。");
        await Expect(page.Locator("#volunteer")).ToBeHiddenAsync();

        await page.ClickAsync("#switch-community");
        await page.FillAsync("#choose-filter", "曹杨新村第一");
        await page.Locator("#choose-list button").ClickAsync();
        await Expect(page.Locator("#community")).ToHaveTextAsync("曹杨新村第一居民区");
        await Expect(page.Locator(".reward")).ToHaveCountAsync(1);
        await Expect(page.Locator(".reward")).ToContainTextAsync("一居的洗衣液");
    }

    /// <summary>Every code a call of the page can get, as the API answers it.</summary>
    private static readonly (int Status, string Code, string[] Fields, string Detail)[] Failures =
    [
        (401, "unauthorized", [], "缺少有效的 API 密钥，请在 Authorization 头中使用 Bearer 密钥。"),
        (403, "forbidden", [], "此密钥无权执行该操作。"),
        (404, "not-found", [], "未找到志愿者（12）。"),
        (409, "insufficient-points", [], "积分不足：余额 70，需要 90。"),
        (409, "out-of-stock", [], "库存不足：现有 0，需要 1。"),
        (409, "reward-inactive", [], "该奖品已下架。"),
        (409, "volunteer-inactive", [], "志愿者 12 已停用。"),
        (409, "already-cancelled", [], "该兑换已于 2026-05-03 14:20 取消，不能重复取消。"),
        (409, "record-not-pending", [], "该记录已通过，只有待审核的记录才能审核或驳回。"),
        (409, "record-not-approved", [], "该记录待审核，只有已通过的记录才能撤销。"),
        (409, "overlapping-record", [], "与该志愿者已有的待审或已通过记录时间重叠。"),
        (409, "daily-cap-exceeded", [], "超过每日上限 480 分钟（按社区当地日期计）。"),
        (409, "idempotency-key-reused", [], "该 Idempotency-Key 已用于内容不同的请求。"),
        (422, "too-short", [], "服务时长 20 分钟，少于最低 30 分钟。"),
        (422, "future-time", [], "结束时间不能晚于现在。"),
        (422, "too-old", [], "开始时间不能早于 90 天前。"),
        (422, "validation", [], "记录开始时间早于社区第一个规则版本的生效时间。"),
        (422, "consent-required", [], ""),
        (422, "consent-invalid", [], ""),
        (400, "validation", ["quantity"], "请求内容有误，请检查后重试。"),
        (400, "validation", ["startedAt", "endedAt"], "请求内容有误，请检查后重试。"),
        (400, "validation", [], "请求体不是有效的 JSON，或字段类型不正确：$.quantity"),
        (413, "payload-too-large", [], "请求体超过 65536 字节的上限。"),
        (429, "rate-limited", [], "请求过于频繁，请 1 秒后重试。"),
        (500, "internal", [], "服务器内部错误，请稍后重试；如持续出现请联系管理员并提供请求编号。"),
        (503, "unavailable", [], "服务正在停止，请稍后重试。"),
    ];

    [Test]
    public async Task EveryErrorThePageCanGet_ReadsAsACounterWorkersSentence()
    {
        var page = await Open();
        foreach (var (status, code, fields, detail) in Failures)
        {
            foreach (var what in new[] { "redeem", "cancel", "decide", "record", "find", "load" })
            {
                var sentence = await page.EvaluateAsync<string>(
                    "([status, code, fields, detail, what]) => say({ ok: false, status, code, fields, detail }, what)",
                    new object[] { status, code, fields, detail, what });
                var label = $"{status} {code} [{string.Join(",", fields)}] for {what}: {sentence}";
                // Chinese sentences with the numbers and times a worker needs — no field names, codes, English status words or UTC times.
                Assert.That(sentence, Does.Match(@"^[^A-Za-z]+$"), label);
                Assert.That(sentence, Does.Not.Contain("没有办成"), label + " (the catch-all is for codes the API does not have)");
            }
        }
        var network = await page.EvaluateAsync<string>("() => say({ ok: false, network: true }, 'redeem')");
        Assert.That(network, Does.Contain("不会重复扣分"));
        var fieldNames = await page.EvaluateAsync<string>("() => say({ ok: false, status: 400, code: 'validation', fields: ['quantity'] }, 'redeem')");
        Assert.That(fieldNames, Does.Contain("数量"));

        await page.ClickAsync("#lang");
        foreach (var (status, code, fields, _) in Failures)
        {
            var sentence = await page.EvaluateAsync<string>(
                "([status, code, fields]) => say({ ok: false, status, code, fields, detail: '' }, 'redeem')", new object[] { status, code, fields });
            Assert.That(sentence, Does.Not.Contain("That did not work"), $"{status} {code}: {sentence}");
            if (code.Contains('-'))
                Assert.That(sentence, Does.Not.Contain(code), $"{status} {code}: {sentence}");
        }
    }
}
