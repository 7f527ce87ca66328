using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// Times as clients send them: any precision (a mini-program's toISOString, QR sign-in times with milliseconds),
/// always with an offset, read one way in bodies and query strings; attendance within its activity's time.
/// </summary>
public sealed class TimesTests : ApiFixture
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private async Task<long> NewVolunteer() => (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();

    /// <summary>A local date in Shanghai some days back, as yyyy-MM-dd.</summary>
    private static string DaysAgo(int days) => DateTimeOffset.UtcNow.ToOffset(Shanghai).AddDays(-days).ToString("yyyy-MM-dd");

    private static string RecordJson(long volunteerId, string startedAt, string endedAt, bool approve = false) =>
        $$"""{"volunteerId":{{volunteerId}},"category":"elderly-care","startedAt":"{{startedAt}}","endedAt":"{{endedAt}}"{{(approve ? ",\"approve\":true,\"score\":5" : "")}}}""";

    private long Count(string table) => Database.Count(table);

    [Test]
    public async Task Record_WithSecondsAndMilliseconds_Is201_StoredAndAnsweredWithThem_72MinutesAnd12Points()
    {
        var v = await NewVolunteer();
        var day = DaysAgo(3);
        var response = await Staff.PostRaw("/api/v1/service-records",
            RecordJson(v, $"{day}T09:03:27.512+08:00", $"{day}T10:15:41.512+08:00", approve: true));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var record = await response.Read<JsonElement>();

        var start = new DateTimeOffset(DateTime.Parse(day + "T09:03:27.512"), Shanghai);
        Assert.Multiple(() =>
        {
            Assert.That(record.GetProperty("minutes").GetInt32(), Is.EqualTo(72));
            Assert.That(record.GetProperty("points").GetInt64(), Is.EqualTo(12));
            Assert.That(record.GetProperty("startedAt").GetString(), Is.EqualTo(start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")));
            Assert.That(record.GetProperty("endedAt").GetString(), Does.EndWith(":15:41.512Z"));
        });
        var stored = Database.Single<(string StartedAt, string EndedAt, long Minutes)>(
            "SELECT started_at, ended_at, minutes FROM service_records WHERE id = @Id", new { Id = record.Id() });
        Assert.That(stored, Is.EqualTo((start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            start.AddMinutes(72).AddSeconds(14).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), 72L)));
    }

    [Test]
    public async Task Record_InWholeMinutes_AsTheCounterPageSendsThem_Is201()
    {
        var v = await NewVolunteer();
        // The counter page sends new Date(input).toISOString(): UTC, whole minutes, ".000Z".
        var start = DateTimeOffset.UtcNow.AddDays(-4);
        var startText = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var endText = DateTimeOffset.Parse(startText).AddMinutes(90).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var response = await Staff.PostRaw("/api/v1/service-records", RecordJson(v, startText, endText, approve: true));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var record = await response.Read<JsonElement>();
        Assert.That(record.GetProperty("minutes").GetInt32(), Is.EqualTo(90));
        Assert.That(record.GetProperty("startedAt").GetString(), Is.EqualTo(startText));
    }

    [Test]
    public async Task Record_FinerThanAMillisecond_IsTruncatedToTheMillisecond()
    {
        var v = await NewVolunteer();
        var day = DaysAgo(5);
        var response = await Staff.PostRaw("/api/v1/service-records",
            RecordJson(v, $"{day}T09:00:00.0009999+08:00", $"{day}T09:30:00.123456789+08:00"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var record = await response.Read<JsonElement>();
        Assert.That(record.GetProperty("startedAt").GetString(), Does.EndWith(":00:00.000Z"));
        Assert.That(record.GetProperty("endedAt").GetString(), Does.EndWith(":30:00.123Z"));
        Assert.That(record.GetProperty("minutes").GetInt32(), Is.EqualTo(30));
    }

    [Test]
    public async Task ARecordWithoutItsTimes_Is400_SayingEachIsMissing_NotThatYearOneIsOutOfRange()
    {
        var v = await NewVolunteer();
        var response = await Staff.PostRaw("/api/v1/service-records", $$"""{"volunteerId":{{v}},"category":"patrol"}""");
        var errors = (await Seed.Problem(response, HttpStatusCode.BadRequest, "validation")).GetProperty("errors");
        Assert.That(errors.GetProperty("startedAt")[0].GetString(), Does.Contain("请填写时间"));
        Assert.That(errors.GetProperty("endedAt")[0].GetString(), Does.Contain("请填写时间"));
    }

    [Test]
    public async Task ABodyTimeWithoutOffset_Is400Validation_SayingToAddOne_AndWritesNothing()
    {
        var v = await NewVolunteer();
        var day = DaysAgo(6);
        var before = Count("service_records");
        var response = await Staff.PostRaw("/api/v1/service-records", RecordJson(v, $"{day}T09:00:00", $"{day}T10:00:00+08:00"));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("startedAt")[0].GetString(), Is.EqualTo("时间须带时区，如 2026-11-30T09:00:00+08:00。"));
        Assert.That(Count("service_records"), Is.EqualTo(before));

        var english = await App.Client(StaffKey, "en").PostRaw("/api/v1/service-records", RecordJson(v, $"{day}T09:00:00+08:00", $"{day}T10:00:00"));
        problem = await Seed.Problem(english, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("endedAt")[0].GetString(), Is.EqualTo("A time needs its offset, e.g. 2026-11-30T09:00:00+08:00."));
        Assert.That(Count("service_records"), Is.EqualTo(before));
    }

    [TestCase("yesterday")]
    [TestCase("2026-11-30 09:00:00+08:00")]
    [TestCase("2026-11-30T09:00:00+0800")]
    [TestCase("2026-11-31T09:00:00+08:00")]
    [TestCase("2026-11-30T24:00:00Z")]
    [TestCase("2026-11-30T09:00:00+15:00")]
    [TestCase("0001-01-01T00:00:00+01:00")]
    public async Task AMalformedBodyTime_Is400Validation_NamingTheField(string startedAt)
    {
        var v = await NewVolunteer();
        var response = await Staff.PostRaw("/api/v1/service-records", RecordJson(v, startedAt, $"{DaysAgo(6)}T10:00:00+08:00"));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("startedAt")[0].GetString(), Does.Contain("ISO-8601"));
    }

    private static IEnumerable<TestCaseData> BodiesWithoutOffset()
    {
        yield return new TestCaseData("activity", "startsAt");
        yield return new TestCaseData("activity", "endsAt");
        yield return new TestCaseData("rules", "effectiveFrom");
        yield return new TestCaseData("expiry", "asOf");
    }

    [TestCaseSource(nameof(BodiesWithoutOffset))]
    public async Task EveryBodyTimeWithoutOffset_Is400Validation_NamingItsField(string what, string field)
    {
        var day = DaysAgo(7);
        var times = new Dictionary<string, string>
        {
            ["startsAt"] = $"{day}T07:00:00+08:00", ["endsAt"] = $"{day}T09:00:00+08:00",
            ["effectiveFrom"] = $"{day}T00:00:00+08:00", ["asOf"] = $"{day}T00:00:00+08:00",
        };
        times[field] = times[field][..^6];
        var (url, body, table) = what switch
        {
            "activity" => ("/api/v1/activities",
                $$"""{"communityId":{{CommunityId}},"title":"晨练","category":"patrol","startsAt":"{{times["startsAt"]}}","endsAt":"{{times["endsAt"]}}"}""", "activities"),
            "rules" => ($"/api/v1/communities/{CommunityId}/rules", $$"""{"pointsPerHour":12,"effectiveFrom":"{{times["effectiveFrom"]}}"}""", "rule_versions"),
            _ => ($"/api/v1/communities/{CommunityId}/expire-points", $$"""{"asOf":"{{times["asOf"]}}"}""", "ledger_transactions"),
        };
        var before = Count(table);
        var request = new HttpRequestMessage(what == "rules" ? HttpMethod.Put : HttpMethod.Post, url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        var client = what == "activity" ? Staff : Admin;
        var problem = await Seed.Problem(await client.SendAsync(request), HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty(field)[0].GetString(), Does.Contain("+08:00"));
        Assert.That(Count(table), Is.EqualTo(before));
    }

    [Test]
    public async Task AnAttendanceEntryWithoutOffset_RefusesTheCall_NamingTheEntry()
    {
        var (activity, day) = await Activity();
        var v = await NewVolunteer();
        var before = Count("service_records");
        var body = $$"""{"entries":[{"volunteerId":{{v}},"score":5},{"volunteerId":{{v}},"startedAt":"{{day}}T07:30:00","score":5}]}""";
        var problem = await Seed.Problem(await Staff.PostRaw($"/api/v1/activities/{activity}/attendance", body),
            HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("entries[1].startedAt")[0].GetString(), Does.Contain("+08:00"));
        Assert.That(Count("service_records"), Is.EqualTo(before));
    }

    /// <summary>Every list that filters by time, and the as-of of the trial balance, through the query string.</summary>
    private static IEnumerable<TestCaseData> QueryTimes()
    {
        foreach (var field in new[] { "from", "to" })
        {
            yield return new TestCaseData("/api/v1/service-records?communityId={c}&", field);
            yield return new TestCaseData("/api/v1/volunteers/{v}/ledger?", field);
            yield return new TestCaseData("/api/v1/ledger/transactions?communityId={c}&", field);
            yield return new TestCaseData("/api/v1/redemptions?communityId={c}&", field);
            yield return new TestCaseData("/api/v1/audit/events?", field);
        }
        yield return new TestCaseData("/api/v1/ledger/trial-balance?communityId={c}&", "asOf");
    }

    private async Task<string> Url(string template, string field, string value)
    {
        var url = template.Replace("{c}", CommunityId.ToString());
        if (url.Contains("{v}"))
            url = url.Replace("{v}", (await NewVolunteer()).ToString());
        return url + field + "=" + value;
    }

    [TestCaseSource(nameof(QueryTimes))]
    public async Task AQueryTimeWithoutOffset_Is400Validation_NamingTheParameter(string template, string field)
    {
        var response = await Auditor.GetAsync(await Url(template, field, "2026-11-30T09:00:00"));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty(field)[0].GetString(), Is.EqualTo("时间须带时区，如 2026-11-30T09:00:00+08:00。"));
    }

    [TestCaseSource(nameof(QueryTimes))]
    public async Task AMalformedQueryTime_Is400Validation_NamingTheParameter(string template, string field)
    {
        var response = await Auditor.GetAsync(await Url(template, field, "yesterday"));
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty(field)[0].GetString(), Does.Contain("ISO-8601"));
    }

    [TestCaseSource(nameof(QueryTimes))]
    public async Task AQueryTimeWithOffset_IsAnswered(string template, string field)
    {
        var response = await Auditor.GetAsync(await Url(template, field, Uri.EscapeDataString("2026-11-30T09:00:00.5+08:00")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task AnUnencodedPlusInTheQuery_Is400_SayingToWriteItAs2B()
    {
        var response = await App.Client(AuditorKey, "en").GetAsync($"/api/v1/service-records?communityId={CommunityId}&from=2026-11-30T09:00:00+08:00");
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").GetProperty("from")[0].GetString(), Does.Contain("%2B"));
    }

    [Test]
    public async Task QueryTimes_FilterOnTheExactInstant_WhateverTheOffset()
    {
        var v = await NewVolunteer();
        var day = DaysAgo(8);
        var created = await Staff.PostRaw("/api/v1/service-records", RecordJson(v, $"{day}T09:03:27.512+08:00", $"{day}T10:00:00+08:00"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var start = new DateTimeOffset(DateTime.Parse(day + "T09:03:27.512"), Shanghai);

        async Task<int> Listed(string parameter, DateTimeOffset at, string format)
        {
            var url = $"/api/v1/service-records?volunteerId={v}&{parameter}={Uri.EscapeDataString(at.ToString(format))}";
            var page = await Staff.GetJson(url);
            return page.GetProperty("items").GetArrayLength();
        }

        const string Local = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";
        Assert.That(await Listed("from", start, Local), Is.EqualTo(1));
        Assert.That(await Listed("from", start.AddMilliseconds(1), Local), Is.Zero);
        Assert.That(await Listed("from", start.ToUniversalTime(), "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), Is.EqualTo(1));
        Assert.That(await Listed("from", start.ToOffset(TimeSpan.FromHours(-5)), Local), Is.EqualTo(1));
        Assert.That(await Listed("to", start, Local), Is.Zero);
        Assert.That(await Listed("to", start.AddMilliseconds(1), Local), Is.EqualTo(1));
    }

    /// <summary>An activity from 07:00 to 09:00, local time, some days back.</summary>
    private async Task<(long Id, string Day)> Activity(int daysAgo = 2)
    {
        var day = DaysAgo(daysAgo);
        var response = await Staff.PostRaw("/api/v1/activities",
            $$"""{"communityId":{{CommunityId}},"title":"早高峰护学岗","category":"patrol","startsAt":"{{day}}T07:00:00+08:00","endsAt":"{{day}}T09:00:00+08:00"}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return ((await response.Read<JsonElement>()).Id(), day);
    }

    [Test]
    public async Task AttendanceOutsideTheActivity_RejectsThatEntryAlone_WithOutsideActivity()
    {
        var (activity, day) = await Activity();
        var early = await NewVolunteer();
        var onTime = await NewVolunteer();
        var part = await NewVolunteer();
        var body = $$"""
            {"entries":[
              {"volunteerId":{{early}},"startedAt":"{{day}}T06:00:00+08:00","endedAt":"{{day}}T10:00:00+08:00","score":5},
              {"volunteerId":{{onTime}},"score":5},
              {"volunteerId":{{part}},"startedAt":"{{day}}T07:30:12.345+08:00","endedAt":"{{day}}T08:45:00+08:00","score":4}
            ]}
            """;
        var response = await Staff.PostRaw($"/api/v1/activities/{activity}/attendance", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var result = await response.Read<JsonElement>();

        var rejected = result.GetProperty("rejected").EnumerateArray().Single();
        Assert.That(rejected.GetProperty("index").GetInt32(), Is.Zero);
        Assert.That(rejected.GetProperty("code").GetString(), Is.EqualTo("outside-activity"));
        Assert.That(rejected.GetProperty("detail").GetString(), Does.Contain($"{day} 07:00").And.Contain($"{day} 09:00"), "on the community's clock, as a worker reads it");

        var recorded = result.GetProperty("recorded").EnumerateArray().ToList();
        Assert.That(recorded.Select(r => r.GetProperty("volunteerId").GetInt64()), Is.EqualTo(new[] { onTime, part }));
        // 120 minutes of patrol at 10 an hour are 20 points; 07:30:12.345 to 08:45 is 74 minutes (74.8), 12 points.
        Assert.That(recorded.Select(r => r.GetProperty("points").GetInt64()), Is.EqualTo(new[] { 20L, 12L }));
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM service_records WHERE volunteer_id = @V", new { V = early }), Is.Zero);
        Assert.That(Database.Scalar<string>("SELECT started_at FROM service_records WHERE volunteer_id = @V", new { V = part }), Does.EndWith(":30:12.345Z"));
    }

    [Test]
    public async Task ATooLongAttendanceEntry_IsRefusedAsASingleRecordIs()
    {
        var (activity, day) = await Activity(daysAgo: 4);
        var v = await NewVolunteer();
        var start = $"{DateTime.Parse(day).AddDays(-2):yyyy-MM-dd}T07:00:00+08:00";
        var end = $"{day}T09:00:00+08:00";

        var single = await Seed.Problem(await Staff.PostRaw("/api/v1/service-records", RecordJson(v, start, end)),
            HttpStatusCode.BadRequest, "validation");
        var message = single.GetProperty("errors").GetProperty("endedAt")[0].GetString();
        Assert.That(message, Is.EqualTo("单条记录不能超过 1440 分钟。"));

        var response = await Staff.PostRaw($"/api/v1/activities/{activity}/attendance",
            $$"""{"entries":[{"volunteerId":{{v}},"startedAt":"{{start}}","endedAt":"{{end}}","score":5}]}""");
        var rejected = (await response.Read<JsonElement>()).GetProperty("rejected").EnumerateArray().Single();
        Assert.That((rejected.GetProperty("code").GetString(), rejected.GetProperty("detail").GetString()), Is.EqualTo(("validation", message)));
    }
}
