using System.Data.Common;
using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>Submit → approve → summary with the numbers of PRODUCT.md, reversal, stars, and the reads of the books.</summary>
public sealed class HoursToPointsTests : ApiFixture
{
    private async Task<long> NewVolunteer() => (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();

    private Task<JsonElement> Summary(long volunteerId) => Staff.Summary(volunteerId);

    [Test]
    public async Task Submit_Approve_Summary_NinetyMinutesAreFifteenPoints()
    {
        var v = await NewVolunteer();
        var submitted = await Records.Submit(App, ClientKey, v, minutes: 90);
        Assert.That(submitted.GetProperty("status").GetString(), Is.EqualTo("pending"));
        Assert.That(submitted.GetProperty("minutes").GetInt32(), Is.EqualTo(90));
        Assert.That(submitted.GetProperty("points").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var approved = await Staff.Approve(submitted.Id(), 5);
        Assert.Multiple(() =>
        {
            Assert.That(approved.GetProperty("status").GetString(), Is.EqualTo("approved"));
            Assert.That(approved.GetProperty("points").GetInt64(), Is.EqualTo(15));
            Assert.That(approved.GetProperty("ruleVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(approved.GetProperty("transactionId").GetInt64(), Is.GreaterThan(0));
            Assert.That(approved.GetProperty("score").GetInt32(), Is.EqualTo(5));
        });

        var summary = await Summary(v);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("balance").GetInt64(), Is.EqualTo(15));
            Assert.That(summary.GetProperty("approvedMinutes").GetInt64(), Is.EqualTo(90));
            Assert.That(summary.GetProperty("stars").GetInt32(), Is.Zero);
            Assert.That(summary.GetProperty("nextStar").GetProperty("stars").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("nextStar").GetProperty("hoursToGo").GetDecimal(), Is.EqualTo(98.5m));
            Assert.That(summary.GetProperty("year").GetProperty("averageScore").GetDecimal(), Is.EqualTo(5m));
            Assert.That(summary.GetProperty("expiringSoon").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task SixtyMinutesOfAnAntiFraudCategory_AreFifteenPoints()
    {
        var v = await NewVolunteer();
        var record = await Records.Submit(App, StaffKey, v, minutes: 60, category: "anti-fraud", approveScore: 4);
        Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("approved"));
        Assert.That(record.GetProperty("points").GetInt64(), Is.EqualTo(15));
        Assert.That((await Summary(v)).GetProperty("balance").GetInt64(), Is.EqualTo(15));
    }

    [Test]
    public async Task Reversal_RestoresBalanceAndHours_WithACompensatingTransaction()
    {
        var v = await NewVolunteer();
        var record = await Records.Submit(App, StaffKey, v, minutes: 90, approveScore: 5);
        var accrual = record.GetProperty("transactionId").GetInt64();

        var reversed = await Staff.Reverse(record.Id(), "活动取消，误登记");
        Assert.That(reversed.GetProperty("status").GetString(), Is.EqualTo("reversed"));
        var reversal = reversed.GetProperty("transactionId").GetInt64();
        Assert.That(reversal, Is.Not.EqualTo(accrual));

        var summary = await Summary(v);
        Assert.That(summary.GetProperty("balance").GetInt64(), Is.Zero);
        Assert.That(summary.GetProperty("approvedMinutes").GetInt64(), Is.Zero);

        var transactions = await Staff.GetJson($"/api/v1/ledger/transactions?communityId={CommunityId}&kind=reversal");
        var item = transactions.GetProperty("items").EnumerateArray().Single(t => t.Id() == reversal);
        Assert.That(item.GetProperty("reversesId").GetInt64(), Is.EqualTo(accrual));
        Assert.That(item.GetProperty("postings").EnumerateArray().Select(p => (p.GetProperty("account").GetString(), p.GetProperty("amount").GetInt64())),
            Is.EquivalentTo(new[] { ($"community:{CommunityId}:issuance", 15L), ($"volunteer:{v}", -15L) }));
    }

    [TestCase("reverse", HttpStatusCode.Conflict, "record-not-approved")]
    [TestCase("approve", HttpStatusCode.Conflict, "record-not-pending")]
    [TestCase("reject", HttpStatusCode.Conflict, "record-not-pending")]
    public async Task AReversedRecord_TakesNoFurtherStep(string step, HttpStatusCode status, string code)
    {
        var id = (await Records.Submit(App, StaffKey, await NewVolunteer(), minutes: 90, approveScore: 5)).Id();
        await Staff.Reverse(id, "活动取消，误登记");
        object body = step switch
        {
            "reverse" => new { reason = "again" },
            "approve" => new { score = 3 },
            _ => new { reason = "x" },
        };
        await Seed.Problem(await Staff.PostJson($"/api/v1/service-records/{id}/{step}", body), status, code);
        var record = await Staff.GetJson($"/api/v1/service-records/{id}");
        Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("reversed"));
    }

    [Test]
    public async Task StatusConflicts_NameTheRecordsStatusInTheCallersLanguage()
    {
        var v = await NewVolunteer();
        var approved = (await Records.Submit(App, StaffKey, v, minutes: 60, approveScore: 4)).Id();
        var pending = (await Records.Submit(App, ClientKey, v, minutes: 30)).Id();

        var zh = await Seed.Problem(await Staff.PostJson($"/api/v1/service-records/{approved}/reject", new { reason = "重复" }),
            HttpStatusCode.Conflict, "record-not-pending");
        var en = await Seed.Problem(await App.Client(StaffKey, "en").PostJson($"/api/v1/service-records/{approved}/approve", new { score = 3 }),
            HttpStatusCode.Conflict, "record-not-pending");
        var notApproved = await Seed.Problem(await Staff.PostJson($"/api/v1/service-records/{pending}/reverse", new { reason = "误登记" }),
            HttpStatusCode.Conflict, "record-not-approved");

        Assert.Multiple(() =>
        {
            Assert.That(zh.GetProperty("detail").GetString(), Does.StartWith("该记录已通过").And.Not.Contain("approved"));
            Assert.That(en.GetProperty("detail").GetString(), Does.StartWith("The record is approved"));
            Assert.That(notApproved.GetProperty("detail").GetString(), Does.StartWith("该记录待审核").And.Not.Contain("pending"));
        });
    }

    [Test]
    public async Task Reversal_AfterSpending_LeavesTheBalanceNegative()
    {
        var giver = await NewVolunteer();
        var receiver = await NewVolunteer();
        var record = await Records.Submit(App, StaffKey, giver, minutes: 60, approveScore: 5);
        await Client.Give(giver, receiver, 8);
        await Staff.Reverse(record.Id(), "误登记");
        Assert.That((await Summary(giver)).GetProperty("balance").GetInt64(), Is.EqualTo(-8));
        Assert.That((await Summary(receiver)).GetProperty("balance").GetInt64(), Is.EqualTo(8), "the gift stays with the receiver");
    }

    [Test]
    public async Task Reject_NeedsAReason_AndLeavesNoPoints()
    {
        var v = await NewVolunteer();
        var id = (await Records.Submit(App, ClientKey, v, minutes: 60)).Id();
        await Seed.Problem(await Staff.PostJson($"/api/v1/service-records/{id}/reject", new { reason = "" }), HttpStatusCode.BadRequest, "validation");
        var rejected = await Staff.Reject(id, "未到场");
        Assert.That(rejected.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        Assert.That(rejected.GetProperty("reason").GetString(), Is.EqualTo("未到场"));
        Assert.That((await Summary(v)).GetProperty("balance").GetInt64(), Is.Zero);
        // A rejected record no longer blocks the same time.
        var again = await Client.PostJson("/api/v1/service-records",
            Records.Body(v, rejected.GetProperty("startedAt").GetDateTimeOffset(), 60));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task StarsAt104Hours_AreOne_With196HoursToGo()
    {
        var v = await NewVolunteer();
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        for (var day = 0; day < 13; day++)
        {
            // 13 local days of 8 hours (the daily cap), far from the other tests' slots.
            var start = new DateTimeOffset(today.Year, today.Month, today.Day, 0, 0, 0, today.Offset).AddDays(-85 + day).AddHours(1);
            await Records.Submit(App, StaffKey, v, minutes: 480, approveScore: 5, start: start);
        }
        var summary = await Summary(v);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("approvedMinutes").GetInt64(), Is.EqualTo(104 * 60));
            Assert.That(summary.GetProperty("balance").GetInt64(), Is.EqualTo(1040));
            Assert.That(summary.GetProperty("stars").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("nextStar").GetProperty("stars").GetInt32(), Is.EqualTo(2));
            Assert.That(summary.GetProperty("nextStar").GetProperty("hoursToGo").GetDecimal(), Is.EqualTo(196m));
        });
    }

    /// <summary>A record the rules refuse, each on its own: the answer names the rule, and nothing is recorded.</summary>
    [TestCase("29 minutes", HttpStatusCode.UnprocessableEntity, "too-short")]
    [TestCase("ending in the future", HttpStatusCode.UnprocessableEntity, "future-time")]
    [TestCase("91 days ago", HttpStatusCode.UnprocessableEntity, "too-old")]
    [TestCase("overlapping another", HttpStatusCode.Conflict, "overlapping-record")]
    public async Task ARecordBreakingARule_IsRefusedWithTheRulesCode(string record, HttpStatusCode status, string code)
    {
        var v = await NewVolunteer();
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var slot = Records.FreeSlot();
        if (record == "overlapping another")
            await Records.Submit(App, ClientKey, v, minutes: 60, start: slot);
        var body = record switch
        {
            "29 minutes" => Records.Body(v, slot, 29),
            "ending in the future" => Records.Body(v, minute.AddMinutes(-30), 60),
            "91 days ago" => Records.Body(v, minute.AddDays(-91), 60),
            _ => Records.Body(v, slot.AddMinutes(30), 60),
        };
        var before = Database.Count("service_records");

        await Seed.Problem(await Client.PostJson("/api/v1/service-records", body), status, code);

        Assert.That(Database.Count("service_records"), Is.EqualTo(before));
    }

    [Test]
    public async Task ADayOf450Minutes_Refuses31More_AndTakes30()
    {
        var v = await NewVolunteer();
        var day = Records.FreeSlot().AddDays(-5);
        var dayStart = new DateTimeOffset(day.Year, day.Month, day.Day, 0, 0, 0, TimeSpan.FromHours(8));
        await Records.Submit(App, ClientKey, v, minutes: 450, start: dayStart.AddHours(1));
        await Seed.Problem(await Client.PostJson("/api/v1/service-records", Records.Body(v, dayStart.AddHours(20), 31)), HttpStatusCode.Conflict, "daily-cap-exceeded");
        await Client.SubmitRecord(Records.Body(v, dayStart.AddHours(20), 30));
    }

    /// <summary>Times and categories no record can have are validation, whatever the rules say; so is an unknown volunteer's record a 404.</summary>
    [TestCase("ending before it starts", HttpStatusCode.BadRequest, "validation")]
    [TestCase("two days long", HttpStatusCode.BadRequest, "validation")]
    [TestCase("in a category with a space", HttpStatusCode.BadRequest, "validation")]
    [TestCase("of an unknown volunteer", HttpStatusCode.NotFound, "not-found")]
    public async Task ARecordNoRuleCouldTake_IsRefused(string record, HttpStatusCode status, string code)
    {
        var v = await NewVolunteer();
        var slot = Records.FreeSlot();
        object body = record switch
        {
            "ending before it starts" => new { volunteerId = v, category = "x", startedAt = slot, endedAt = slot.AddMinutes(-60) },
            "two days long" => new { volunteerId = v, category = "x", startedAt = slot.AddDays(-2), endedAt = slot },
            "in a category with a space" => new { volunteerId = v, category = "防疫 活动", startedAt = slot, endedAt = slot.AddMinutes(60) },
            _ => Records.Body(987654, slot, 60),
        };
        await Seed.Problem(await Client.PostJson("/api/v1/service-records", body), status, code);
    }

    [Test]
    public async Task Seconds_AreNotRefused_AndTheMinutesAreWhole()
    {
        var v = await NewVolunteer();
        var slot = Records.FreeSlot();
        // Seconds were refused (whole minutes only) until mini-programs sent toISOString(): 59 minutes 40 seconds are 59 minutes.
        var withSeconds = await Client.SubmitRecord(new { volunteerId = v, category = "x", startedAt = slot.AddSeconds(20), endedAt = slot.AddMinutes(60) });
        Assert.That(withSeconds.GetProperty("minutes").GetInt32(), Is.EqualTo(59));
    }

    [Test]
    public async Task AClientMayNotApprove()
    {
        var v = await NewVolunteer();
        var response = await Client.PostJson("/api/v1/service-records", Records.Body(v, Records.FreeSlot(), 60, approveScore: 5));
        await Seed.Problem(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Test]
    public async Task AnInactiveVolunteer_CannotRecord()
    {
        var v = await NewVolunteer();
        await Staff.UpdateVolunteer(v, new { status = "inactive" });
        var response = await Staff.PostJson("/api/v1/service-records", Records.Body(v, Records.FreeSlot(), 60));
        await Seed.Problem(response, HttpStatusCode.Conflict, "volunteer-inactive");
    }

    [Test]
    public async Task ARecordIsValuedByTheRuleVersionInForceAtItsStart()
    {
        var community = await Seed.Community(App, "规则切换社区");
        var staff = (await Seed.Key(App, "staff", community)).Key;
        var v = (await Seed.Volunteer(App, staff, community)).Id();
        var day = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddDays(-3);
        var switchAt = new DateTimeOffset(day.Year, day.Month, day.Day, 12, 0, 0, day.Offset);
        await Admin.PutRules(community, new { pointsPerHour = 20, effectiveFrom = switchAt });

        var before = await Records.Submit(App, staff, v, minutes: 60, approveScore: 5, start: switchAt.AddMinutes(-60));
        var at = await Records.Submit(App, staff, v, minutes: 60, approveScore: 5, start: switchAt);
        Assert.That((before.GetProperty("points").GetInt64(), before.GetProperty("ruleVersion").GetInt32()), Is.EqualTo((10L, 1)));
        Assert.That((at.GetProperty("points").GetInt64(), at.GetProperty("ruleVersion").GetInt32()), Is.EqualTo((20L, 2)));
    }

    [Test]
    public async Task VolunteerLedger_ShowsEachMoveWithTheBalanceAfter()
    {
        var v = await NewVolunteer();
        var other = await NewVolunteer();
        await Records.Submit(App, StaffKey, v, minutes: 90, approveScore: 5);
        await Staff.Adjust(v, 10, "补录上月活动");
        await Client.Give(v, other, 5, "给妈妈");

        var ledger = await Staff.GetJson($"/api/v1/volunteers/{v}/ledger");
        var items = ledger.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("amount").GetInt64(), i.GetProperty("balanceAfter").GetInt64()))
            .ToList();
        Assert.That(items, Is.EqualTo(new[] { ("transfer", -5L, 20L), ("adjustment", 10L, 25L), ("accrual", 15L, 15L) }));

        var onlyAccruals = await Staff.GetJson($"/api/v1/volunteers/{v}/ledger?kind=accrual");
        Assert.That(onlyAccruals.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        await Seed.Problem(await Staff.GetAsync($"/api/v1/volunteers/{v}/ledger?kind=bonus"), HttpStatusCode.BadRequest, "validation");
    }

    [TestCase(2, new[] { 2, 2, 1 })]
    [TestCase(4, new[] { 4, 1 })]
    [TestCase(5, new[] { 5 })]
    [TestCase(50, new[] { 5 })]
    public async Task VolunteerLedger_PagesEveryMoveOnce_NewestFirst(int limit, int[] pageSizes)
    {
        var v = await NewVolunteer();
        for (var amount = 1; amount <= 5; amount++)
            await Staff.Adjust(v, amount, $"第{amount}次");

        var client = Staff;
        var seen = new List<long>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await client.GetJson($"/api/v1/volunteers/{v}/ledger?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            sizes.Add(items.Count);
            seen.AddRange(items.Select(i => i.GetProperty("amount").GetInt64()));
            Assert.That(items.Select(i => i.GetProperty("at").GetString()), Has.All.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.That(sizes, Is.EqualTo(pageSizes));
        Assert.That(seen, Is.EqualTo(new long[] { 5, 4, 3, 2, 1 }));
        var accrualsOnly = await client.GetJson($"/api/v1/volunteers/{v}/ledger?kind=accrual&limit=1");
        Assert.That((accrualsOnly.GetProperty("items").GetArrayLength(), accrualsOnly.GetProperty("nextCursor").ValueKind), Is.EqualTo((0, JsonValueKind.Null)));
    }

    [Test]
    public async Task TrialBalance_IsZero_NowAndAsOfAnyTime()
    {
        var v = await NewVolunteer();
        await Records.Submit(App, StaffKey, v, minutes: 120, approveScore: 4);
        var client = Staff;
        var now = await client.GetJson($"/api/v1/ledger/trial-balance?communityId={CommunityId}");
        Assert.That(now.GetProperty("total").GetInt64(), Is.Zero);
        Assert.That(now.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == $"volunteer:{v}")
            .GetProperty("balance").GetInt64(), Is.EqualTo(20));
        var issuance = now.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == $"community:{CommunityId}:issuance");
        Assert.That(issuance.GetProperty("balance").GetInt64(), Is.LessThanOrEqualTo(-20));

        var past = await client.GetJson($"/api/v1/ledger/trial-balance?communityId={CommunityId}&asOf=2001-01-01T00:00:00Z");
        Assert.That(past.GetProperty("total").GetInt64(), Is.Zero);
        Assert.That(past.GetProperty("accounts").EnumerateArray().All(a => a.GetProperty("balance").GetInt64() == 0), Is.True);

        await Seed.Problem(await Admin.GetAsync("/api/v1/ledger/trial-balance"), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task ServiceRecordList_FiltersAndPages()
    {
        var v = await NewVolunteer();
        for (var i = 0; i < 3; i++)
            await Records.Submit(App, ClientKey, v, minutes: 30);
        await Records.Submit(App, StaffKey, v, minutes: 30, approveScore: 3);
        var client = Staff;
        var pending = await client.GetJson($"/api/v1/service-records?volunteerId={v}&status=pending&limit=2");
        Assert.That(pending.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
        var cursor = pending.GetProperty("nextCursor").GetString();
        Assert.That(cursor, Is.Not.Null);
        var rest = await client.GetJson($"/api/v1/service-records?volunteerId={v}&status=pending&limit=2&cursor={cursor}");
        Assert.That(rest.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        Assert.That(rest.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var approved = await client.GetJson($"/api/v1/service-records?volunteerId={v}&status=approved");
        Assert.That(approved.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        await Seed.Problem(await client.GetAsync("/api/v1/service-records?status=done"), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task Adjustments_AddPoints_AndTakeThemBackDownToZero()
    {
        var v = await NewVolunteer();
        var up = await Staff.Adjust(v, 20, "补录");
        Assert.That(up.GetProperty("balanceAfter").GetInt64(), Is.EqualTo(20));
        var down = await Staff.Adjust(v, -20, "更正");
        Assert.That(down.GetProperty("balanceAfter").GetInt64(), Is.Zero);
    }

    /// <summary>An adjustment of a volunteer holding 20 points that is refused, each on its own; the 20 points stay.</summary>
    [TestCase(-30, "更正", HttpStatusCode.Conflict, "insufficient-points", TestName = "{m}(overdrawing)")]
    [TestCase(0, "x", HttpStatusCode.BadRequest, "validation", TestName = "{m}(of zero)")]
    [TestCase(5, "", HttpStatusCode.BadRequest, "validation", TestName = "{m}(without a reason)")]
    [TestCase(long.MinValue, "x", HttpStatusCode.BadRequest, "validation", TestName = "{m}(of long.MinValue)")]
    public async Task AnAdjustment_Refused_ChangesNothing(long amount, string reason, HttpStatusCode status, string code)
    {
        var v = await NewVolunteer();
        await Staff.Adjust(v, 20, "补录");
        await Seed.Problem(await Staff.PostJson($"/api/v1/volunteers/{v}/adjustments", new { amount, reason }), status, code);
        Assert.That(await Staff.Balance(v), Is.EqualTo(20));
    }

    /// <summary>A gift of a volunteer holding 50 points that is refused, each on its own: gifts stay in the community, between active volunteers, within the points held.</summary>
    [TestCase("to the giver", 5, HttpStatusCode.BadRequest, "validation")]
    [TestCase("of nothing", 0, HttpStatusCode.BadRequest, "validation")]
    [TestCase("of more than held", 51, HttpStatusCode.Conflict, "insufficient-points")]
    [TestCase("to another community", 5, HttpStatusCode.BadRequest, "validation")]
    [TestCase("to an inactive volunteer", 5, HttpStatusCode.Conflict, "volunteer-inactive")]
    public async Task AGift_Refused_ChangesNothing(string gift, long amount, HttpStatusCode status, string code)
    {
        var giver = await NewVolunteer();
        var receiver = await NewVolunteer();
        await Staff.Adjust(giver, 50, "初始");
        switch (gift)
        {
            case "to the giver":
                receiver = giver;
                break;
            case "to another community":
                var elsewhere = await Seed.Community(App, "外社区");
                receiver = (await Seed.Volunteer(App, LedgerApp.AdminKey, elsewhere)).Id();
                break;
            case "to an inactive volunteer":
                await Staff.UpdateVolunteer(receiver, new { status = "inactive" });
                break;
        }

        await Seed.Problem(await Client.PostJson($"/api/v1/volunteers/{giver}/transfers", new { toVolunteerId = receiver, amount }), status, code);

        Assert.That(await Staff.Balance(giver), Is.EqualTo(50));
    }

    [Test]
    public async Task PostingsAndTransactions_CannotBeEditedOrDeleted()
    {
        var v = await NewVolunteer();
        await Records.Submit(App, StaffKey, v, minutes: 60, approveScore: 5);
        var db = Database;
        Assert.That(() => db.Execute("UPDATE postings SET amount = amount + 1"), Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
        Assert.That(() => db.Execute("DELETE FROM postings"), Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
        Assert.That(() => db.Execute("UPDATE ledger_transactions SET memo = 'x'"), Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
        Assert.That(() => db.Execute("DELETE FROM ledger_transactions"), Throws.InstanceOf<DbException>().With.Message.Contains("append-only"));
    }

    [Test]
    public async Task Activities_AreListedPerCommunity()
    {
        var start = Records.FreeSlot();
        await Staff.CreateActivity(CommunityId, start, 90, "anti-fraud", "反诈宣传");
        var list = await Staff.GetJson("/api/v1/activities");
        Assert.That(list.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("title").GetString()), Does.Contain("反诈宣传"));
        await Seed.Problem(await Staff.PostJson("/api/v1/activities",
            new { communityId = CommunityId, title = "x", category = "x", startsAt = start, endsAt = start }), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task EveryChange_WritesAnAuditEvent()
    {
        var v = await NewVolunteer();
        var record = await Records.Submit(App, StaffKey, v, minutes: 60, approveScore: 5);
        var actions = Database.Query<string>("SELECT action FROM audit_events WHERE subject = @S ORDER BY id",
            new { S = $"service-record:{record.Id()}" });
        Assert.That(actions, Is.EqualTo(new[] { "service-record.submitted", "service-record.approved" }));
    }
}
