using System.Net;
using System.Text.Json;
using Ledger.Api.Http;
using Ledger.Api.Volunteers;
using Ledger.Core.Counter;
using Ledger.Core.Ledger;
using Ledger.Core.Records;
using Ledger.Tests.Builders;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Api;

/// <summary>
/// Exports a Chinese office can open in Excel: by default Chinese headers and words and times in the community's own
/// zone; with Accept-Language: en the machine form. Everything happens at 07:45 in Shanghai — still the previous day
/// in UTC, which is what put a morning's work on the wrong day before.
/// </summary>
public sealed class CsvExportTests : ApiFixture
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 7, 45, 0, Shanghai);

    private long _berlin;
    private long _volunteer;
    private string _phone = "";
    private long _approved;
    private long _pending;
    private long _berlinRecord;

    protected override LedgerApp CreateApp()
    {
        var app = new LedgerApp();
        app.Clock.Set(Now);
        return app;
    }

    [OneTimeSetUp]
    public async Task RecordsAdjustmentRedemptionsAndACommunityInBerlin()
    {
        var volunteer = await Staff.RegisterVolunteer(Seed.VolunteerBody(CommunityId, "张阿姨", echelon: "second"));
        _volunteer = volunteer.Id();
        _phone = volunteer.GetProperty("phone").GetString()!;

        // 07:00–07:30 on 2 March in Shanghai is 23:00–23:30 on 1 March in UTC.
        _approved = (await Records.Submit(App, StaffKey, _volunteer, minutes: 30, category: "elderly-care", approveScore: 5,
            start: new DateTimeOffset(2026, 3, 2, 7, 0, 0, Shanghai))).Id();
        _pending = (await Records.Submit(App, StaffKey, _volunteer, minutes: 60, category: "patrol",
            start: new DateTimeOffset(2026, 3, 1, 9, 0, 0, Shanghai))).Id();

        await Staff.Adjust(_volunteer, 100);
        var reward = (await Staff.CreateReward(CommunityId, 10, 5, "酱油")).Id();
        await Staff.Redeem(_volunteer, reward);
        var cancelled = (await Staff.Redeem(_volunteer, reward, quantity: 2)).Id();
        await Staff.CancelRedemption(cancelled, "拿错了");

        // A community an hour west of Greenwich in winter: its 07:00 is 06:00 UTC, the same calendar day.
        _berlin = (await Admin.CreateCommunity("柏林华人社区", "Europe/Berlin", street: "米特区", district: "柏林")).Id();
        var berlinStaff = (await Seed.Key(App, "staff", _berlin)).Key;
        var berliner = (await Seed.Volunteer(App, berlinStaff, _berlin, "王先生")).Id();
        _berlinRecord = (await Records.Submit(App, berlinStaff, berliner, minutes: 30, approveScore: 4,
            start: new DateTimeOffset(2026, 3, 1, 7, 0, 0, TimeSpan.FromHours(1)))).Id();
    }

    private static Dictionary<string, string> Row(CsvFile csv, string column, object value) =>
        csv.Records.Single(r => r[column] == Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));

    [Test]
    public async Task ServiceRecordsCsv_ByDefault_IsChineseWithTheVolunteersName_InTheCommunitysLocalTime()
    {
        var csv = await CsvFile.Get(Staff, $"/api/v1/service-records?volunteerId={_volunteer}&format=csv");

        Assert.That(csv.HasBom, Is.True, "UTF-8 BOM first, for Excel");
        Assert.That(csv.Header, Is.EqualTo(new[]
        {
            "记录编号", "社区编号", "志愿者编号", "志愿者姓名", "活动编号", "服务类别", "开始时间", "结束时间", "服务时长（分钟）", "状态", "评分", "积分",
            "规则版本", "积分交易编号", "撤销交易编号", "驳回或撤销原因", "服务内容", "提交时间", "审核时间", "撤销时间",
        }));
        var approved = Row(csv, "记录编号", _approved);
        Assert.That(approved["志愿者姓名"], Is.EqualTo("张阿姨"));
        Assert.That(approved["服务类别"], Is.EqualTo("为老服务"));
        Assert.That(approved["状态"], Is.EqualTo("已通过"));
        Assert.That(approved["开始时间"], Is.EqualTo("2026-03-02 07:00"), "the local day, not UTC's 1 March");
        Assert.That(approved["结束时间"], Is.EqualTo("2026-03-02 07:30"));
        Assert.That(approved["审核时间"], Is.EqualTo("2026-03-02 07:45"));
        Assert.That(approved["积分"], Is.EqualTo("5"));
        var pending = Row(csv, "记录编号", _pending);
        Assert.That(pending["状态"], Is.EqualTo("待审核"));
        Assert.That(pending["服务类别"], Is.EqualTo("平安巡逻"));
        Assert.That(pending["审核时间"], Is.Empty);
    }

    [Test]
    public async Task ServiceRecordsCsv_InEnglish_IsTheMachineForm()
    {
        var csv = await CsvFile.Get(App.Client(StaffKey, "en"), $"/api/v1/service-records?volunteerId={_volunteer}&format=csv");

        Assert.That(csv.HasBom, Is.True);
        Assert.That(csv.Header, Is.EqualTo(new[]
        {
            "id", "communityId", "volunteerId", "volunteerName", "activityId", "category", "startedAt", "endedAt", "minutes", "status", "score",
            "points", "ruleVersion", "transactionId", "reversalTransactionId", "reason", "description", "createdAt", "decidedAt", "reversedAt",
        }));
        var approved = Row(csv, "id", _approved);
        Assert.That(approved["volunteerName"], Is.EqualTo("张阿姨"));
        Assert.That(approved["category"], Is.EqualTo("elderly-care"));
        Assert.That(approved["status"], Is.EqualTo("approved"));
        Assert.That(approved["startedAt"], Is.EqualTo("2026-03-01T23:00:00.000Z"));
        Assert.That(approved["decidedAt"], Is.EqualTo("2026-03-01T23:45:00.000Z"));
        Assert.That(Row(csv, "id", _pending)["status"], Is.EqualTo("pending"));
    }

    [Test]
    public async Task ServiceRecordsCsv_AcrossCommunities_WritesEachRowInItsOwnCommunitysZone()
    {
        var csv = await CsvFile.Get(Admin, "/api/v1/service-records?format=csv");

        Assert.That(Row(csv, "记录编号", _approved)["开始时间"], Is.EqualTo("2026-03-02 07:00"));
        Assert.That(Row(csv, "记录编号", _berlinRecord)["开始时间"], Is.EqualTo("2026-03-01 07:00"));
        Assert.That(Row(csv, "记录编号", _berlinRecord)["志愿者姓名"], Is.EqualTo("王先生"));
    }

    [Test]
    public async Task LedgerTransactionsCsv_ByDefault_NamesKindsAccountsAndReferencesInChinese()
    {
        var csv = await CsvFile.Get(Staff, $"/api/v1/ledger/transactions?communityId={CommunityId}&format=csv");

        Assert.That(csv.Header, Is.EqualTo(new[] { "交易编号", "时间", "类型", "社区编号", "关联", "备注", "操作者", "所冲销交易编号", "账户", "积分", "变动后余额" }));
        Assert.That(csv.Column("类型").Distinct(), Is.EquivalentTo(new[] { "服务积分", "人工调整", "积分兑换", "取消兑换" }));
        var accrual = csv.Records.Where(r => r["类型"] == "服务积分").ToList();
        Assert.That(accrual.Select(r => r["账户"]), Is.EquivalentTo(new[] { $"志愿者 张阿姨（{_volunteer}）", "积分发放账户" }));
        Assert.That(accrual.Select(r => r["积分"]), Is.EquivalentTo(new[] { "5", "-5" }), "amounts stay numbers, negative ones too");
        Assert.That(accrual[0]["时间"], Is.EqualTo("2026-03-02 07:45"));
        Assert.That(accrual[0]["关联"], Is.EqualTo($"服务记录 {_approved}"));
        Assert.That(accrual[0]["备注"], Is.EqualTo("为老服务"));
        Assert.That(accrual[0]["操作者"], Is.EqualTo($"API 密钥 {StaffKeyId}"));
        Assert.That(csv.Column("账户"), Does.Contain("积分兑换账户"));
        Assert.That(csv.Column("关联").Where(r => r.StartsWith("兑换单 ", StringComparison.Ordinal)), Is.Not.Empty);
    }

    [Test]
    public async Task LedgerTransactionsCsv_InEnglish_KeepsCodesAccountNamesAndUtcTimes()
    {
        var csv = await CsvFile.Get(App.Client(StaffKey, "en"), $"/api/v1/ledger/transactions?communityId={CommunityId}&format=csv");

        Assert.That(csv.Header, Is.EqualTo(new[]
            { "transactionId", "at", "kind", "communityId", "reference", "memo", "actor", "reversesId", "account", "amount", "balanceAfter" }));
        Assert.That(csv.Column("kind").Distinct(), Is.EquivalentTo(new[] { "accrual", "adjustment", "redemption", "cancellation" }));
        var accrual = csv.Records.Where(r => r["kind"] == "accrual").ToList();
        Assert.That(accrual.Select(r => r["account"]), Is.EquivalentTo(new[] { $"volunteer:{_volunteer}", $"community:{CommunityId}:issuance" }));
        Assert.That(accrual[0]["at"], Is.EqualTo("2026-03-01T23:45:00.000Z"));
        Assert.That(accrual[0]["reference"], Is.EqualTo($"service-record:{_approved}"));
        Assert.That(accrual[0]["memo"], Is.EqualTo("elderly-care"));
        Assert.That(accrual[0]["actor"], Is.EqualTo($"api-key:{StaffKeyId}"));
    }

    [Test]
    public async Task RedemptionsCsv_HasChineseStatusesAndLocalTimes_AndCodesInEnglish()
    {
        var zh = await CsvFile.Get(Staff, $"/api/v1/redemptions?volunteerId={_volunteer}&format=csv");
        Assert.That(zh.Header, Is.EqualTo(new[]
        {
            "兑换编号", "兑换单号", "社区编号", "志愿者编号", "志愿者姓名", "奖品编号", "奖品", "数量", "消耗积分", "状态", "积分交易编号", "取消交易编号",
            "取消原因", "兑换时间", "取消时间",
        }));
        Assert.That(zh.Column("状态"), Is.EquivalentTo(new[] { "已兑换", "已取消" }));
        Assert.That(zh.Column("志愿者姓名").Distinct(), Is.EqualTo(new[] { "张阿姨" }));
        Assert.That(zh.Column("兑换时间").Distinct(), Is.EqualTo(new[] { "2026-03-02 07:45" }));
        Assert.That(zh.Records.Single(r => r["状态"] == "已取消")["取消原因"], Is.EqualTo("拿错了"));

        var en = await CsvFile.Get(App.Client(StaffKey, "en"), $"/api/v1/redemptions?volunteerId={_volunteer}&format=csv");
        Assert.That(en.Header[..3], Is.EqualTo(new[] { "id", "receiptNo", "communityId" }));
        Assert.That(en.Column("status"), Is.EquivalentTo(new[] { "completed", "cancelled" }));
        Assert.That(en.Column("createdAt").Distinct(), Is.EqualTo(new[] { "2026-03-01T23:45:00.000Z" }));
    }

    [Test]
    public async Task AuditEventsCsv_ByDefault_HasChineseActionsAndShanghaiTimes_AndInEnglishTheCodes()
    {
        var zh = await CsvFile.Get(Auditor, $"/api/v1/audit/events?subject=service-record:{_approved}&format=csv");
        Assert.That(zh.Header, Is.EqualTo(new[] { "事件编号", "时间", "操作者", "操作", "对象", "请求编号", "详情" }));
        Assert.That(zh.Column("操作"), Is.EquivalentTo(new[] { "提交服务记录", "审核通过服务记录" }));
        Assert.That(zh.Column("操作者").Distinct(), Is.EqualTo(new[] { $"API 密钥 {StaffKeyId}" }));
        Assert.That(zh.Column("对象").Distinct(), Is.EqualTo(new[] { $"服务记录 {_approved}" }));
        Assert.That(zh.Column("时间").Distinct(), Is.EqualTo(new[] { "2026-03-02 07:45" }));
        Assert.That(zh.Column("详情").All(d => JsonDocument.Parse(d).RootElement.ValueKind == JsonValueKind.Object), Is.True, "details survive quoting");

        var en = await CsvFile.Get(App.Client(AuditorKey, "en"), $"/api/v1/audit/events?subject=service-record:{_approved}&format=csv");
        Assert.That(en.Header, Is.EqualTo(new[] { "id", "at", "actor", "action", "subject", "requestId", "detail" }));
        Assert.That(en.Column("action"), Is.EquivalentTo(new[] { "service-record.submitted", "service-record.approved" }));
        Assert.That(en.Column("actor").Distinct(), Is.EqualTo(new[] { $"api-key:{StaffKeyId}" }));
        Assert.That(en.Column("at").Distinct(), Is.EqualTo(new[] { "2026-03-01T23:45:00.000Z" }));
    }

    [Test]
    public async Task VolunteerLedgerCsv_IsTheStatement_InBothForms()
    {
        var json = await Staff.GetJson($"/api/v1/volunteers/{_volunteer}/ledger?limit=200");
        var items = json.GetProperty("items").EnumerateArray().ToList();

        var zh = await CsvFile.Get(Staff, $"/api/v1/volunteers/{_volunteer}/ledger?format=csv");
        Assert.That(zh.Header, Is.EqualTo(new[] { "交易编号", "时间", "类型", "积分变动", "变动后余额", "关联", "备注" }));
        Assert.That(zh.Column("交易编号"), Is.EqualTo(items.Select(i => i.GetProperty("transactionId").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture))),
            "the same lines as the JSON, newest first");
        Assert.That(zh.Column("变动后余额"), Is.EqualTo(items.Select(i => i.GetProperty("balanceAfter").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(zh.Column("类型"), Is.EqualTo(new[] { "取消兑换", "积分兑换", "积分兑换", "人工调整", "服务积分" }));
        Assert.That(zh.Column("时间").Distinct(), Is.EqualTo(new[] { "2026-03-02 07:45" }));

        var en = await CsvFile.Get(App.Client(StaffKey, "en"), $"/api/v1/volunteers/{_volunteer}/ledger?kind=redemption&format=csv");
        Assert.That(en.Header, Is.EqualTo(new[] { "transactionId", "at", "kind", "amount", "balanceAfter", "reference", "memo" }));
        Assert.That(en.Column("kind"), Is.EqualTo(new[] { "redemption", "redemption" }), "the kind filter holds");
        Assert.That(en.Column("amount"), Is.EqualTo(new[] { "-20", "-10" }));
        Assert.That(en.Column("at").Distinct(), Is.EqualTo(new[] { "2026-03-01T23:45:00.000Z" }));
    }

    [Test]
    public async Task VolunteerLedgerCsv_OfAnotherCommunitysVolunteer_Is404()
    {
        var otherStaff = (await Seed.Key(App, "staff", _berlin)).Key;
        await Seed.Problem(await App.Client(otherStaff).GetAsync($"/api/v1/volunteers/{_volunteer}/ledger?format=csv"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task RosterCsv_RespectsQ_AndShowsPhonesAsTheJsonDoesForEachCaller()
    {
        var url = $"/api/v1/volunteers?communityId={CommunityId}&q=张阿姨";
        var staff = await CsvFile.Get(Staff, url + "&format=csv");
        Assert.That(staff.Header, Is.EqualTo(new[] { "志愿者编号", "社区编号", "志愿者卡号", "姓名", "电话", "网格", "楼组", "技能", "梯队", "状态", "登记时间", "更新时间" }));
        var row = staff.Records.Single();
        Assert.That(row["姓名"], Is.EqualTo("张阿姨"));
        Assert.That(row["电话"], Is.EqualTo(_phone), "the community's own staff see the whole number");
        Assert.That(row["梯队"], Is.EqualTo("第二梯队"));
        Assert.That(row["状态"], Is.EqualTo("在册"));
        Assert.That(row["技能"], Is.EqualTo("理发、测血压"));
        Assert.That(row["登记时间"], Is.EqualTo("2026-03-02 07:45"));

        var auditorJson = await Auditor.GetJson(url);
        var masked = auditorJson.GetProperty("items")[0].GetProperty("phone").GetString();
        Assert.That(masked, Is.Not.EqualTo(_phone).And.Contain("****"));
        var auditor = await CsvFile.Get(App.Client(AuditorKey, "en"), url + "&format=csv");
        Assert.That(auditor.Header, Is.EqualTo(new[]
            { "id", "communityId", "memberCode", "name", "phone", "grid", "buildingGroup", "skills", "echelon", "status", "createdAt", "updatedAt" }));
        var machine = auditor.Records.Single();
        Assert.That(machine["phone"], Is.EqualTo(masked), "an auditor's export is masked exactly as their JSON");
        Assert.That(machine["echelon"], Is.EqualTo("second"));
        Assert.That(machine["status"], Is.EqualTo("active"));
        Assert.That(machine["skills"], Is.EqualTo("[\"理发\",\"测血压\"]"), "readable, not \\u-escaped");

        var everyone = await CsvFile.Get(Staff, $"/api/v1/volunteers?communityId={CommunityId}&format=csv");
        Assert.That(everyone.Rows, Has.Count.EqualTo(1));
    }

    [TestCase("/api/v1/volunteers/{volunteer}/summary?format=csv")]
    [TestCase("/api/v1/communities?format=csv")]
    [TestCase("/api/v1/rewards?communityId={community}&format=csv")]
    [TestCase("/api/v1/ledger/trial-balance?communityId={community}&format=csv")]
    [TestCase("/api/v1/volunteers/{volunteer}?format=xml")]
    public async Task AFormatOnAnEndpointWithoutCsv_Is400Validation(string url)
    {
        var response = await Staff.GetAsync(Fill(url));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("format")[0].GetString(), Does.Contain("format="));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("json"));
    }

    [TestCase("/api/v1/service-records?format=xml")]
    [TestCase("/api/v1/volunteers?communityId={community}&format=xlsx")]
    [TestCase("/api/v1/volunteers/{volunteer}/ledger?format=")]
    [TestCase("/api/v1/redemptions?format=csv&format=json")]
    public async Task AnUnknownFormatOnACsvEndpoint_Is400Validation(string url)
    {
        var response = await App.Client(StaffKey, "en").GetAsync(Fill(url));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("it answers: json, csv"));
    }

    [TestCase("/api/v1/service-records?format=json")]
    [TestCase("/api/v1/volunteers/{volunteer}/ledger?format=JSON")]
    [TestCase("/api/v1/volunteers/{volunteer}/summary?format=json")]
    [TestCase("/api/v1/volunteers/{volunteer}/summary")]
    public async Task FormatJsonOrNone_AnswersJsonAsBefore(string url)
    {
        var response = await Staff.GetAsync(Fill(url));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
    }

    [Test]
    public async Task FormatCsv_InAnyCase_Exports()
    {
        var csv = await CsvFile.Get(Staff, $"/api/v1/volunteers/{_volunteer}/ledger?format=CSV");
        Assert.That(csv.Rows, Is.Not.Empty);
    }

    [Test]
    public async Task AFormat_WithoutAKey_IsStill401()
    {
        var response = await App.Client().GetAsync($"/api/v1/volunteers/{_volunteer}/summary?format=csv");
        await Seed.Problem(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    /// <summary>The document and the behaviour cannot part: an endpoint documents text/csv exactly when it answers it.</summary>
    [Test]
    public void EveryEndpointDocumentingCsv_AnswersIt_AndNoOtherDoes()
    {
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var documented = endpoints.Where(e => e.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Any(p => p.ContentTypes.Contains("text/csv")));
        var answering = endpoints.Where(e => e.Metadata.GetMetadata<Csv.CsvExport>() is not null);
        Assert.That(answering.Select(Name), Is.EquivalentTo(documented.Select(Name)));
        Assert.That(answering.Select(Name), Is.EquivalentTo(new[]
        {
            "ListServiceRecords", "ListRedemptions", "ListAuditEvents", "ListLedgerTransactions", "GetVolunteerLedger", "SearchVolunteers",
        }));

        static string? Name(RouteEndpoint e) => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
    }

    /// <summary>A later endpoint with a format of its own (an image, a workbook) is not refused by the check for CSV.</summary>
    [Test]
    public async Task AnEndpointBindingAFormatOfItsOwn_DecidesItself()
    {
        var ledger = App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == "GetVolunteerLedger");
        var parameters = ledger.Metadata.GetOrderedMetadata<IParameterBindingMetadata>();
        Assert.That(parameters.Select(p => p.Name), Does.Contain("format"), "minimal APIs describe the handler's parameters in the metadata");

        async Task<(bool Passed, int Status)> Check(Endpoint endpoint)
        {
            var http = new DefaultHttpContext { RequestServices = App.Services };
            http.Request.QueryString = new QueryString("?format=xlsx");
            http.SetEndpoint(endpoint);
            var passed = false;
            await Csv.CheckFormat(http, _ => { passed = true; return Task.CompletedTask; });
            return (passed, http.Response.StatusCode);
        }

        Assert.That(await Check(new Endpoint(null, new EndpointMetadataCollection(parameters), "a workbook")), Is.EqualTo((true, 200)));
        Assert.That(await Check(new Endpoint(null, new EndpointMetadataCollection(), "no format")), Is.EqualTo((false, 400)));
    }

    [Test]
    public void EveryStoredVocabulary_HasChineseWords()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RecordStatuses.All, Is.SubsetOf(Labels.RecordStatus.Codes));
            Assert.That(VolunteerStatuses.All, Is.SubsetOf(Labels.VolunteerStatus.Codes));
            Assert.That(Echelons.All, Is.SubsetOf(Labels.Echelon.Codes));
            Assert.That(TransactionKinds.All, Is.SubsetOf(Labels.TransactionKind.Codes));
            Assert.That(RedemptionStatuses.All, Is.SubsetOf(Labels.RedemptionStatus.Codes));
            foreach (var kind in Enum.GetValues<AccountKind>())
                Assert.That(Labels.Account(new AccountRef(1, kind, kind == AccountKind.Volunteer ? 7 : null), null), Does.Match(@"\p{IsCJKUnifiedIdeographs}"), kind.ToString());
        });
    }

    private string Fill(string url) => url
        .Replace("{volunteer}", _volunteer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{community}", CommunityId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
