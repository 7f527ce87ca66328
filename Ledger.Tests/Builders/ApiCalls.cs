using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Api;

namespace Ledger.Tests.Builders;

/// <summary>
/// Typed calls of the API for a test that needs a call done on its way to what it checks: each asserts the status the
/// contract gives the call, fails the test with the answer's body (the problem) on any other, and returns the answer.
/// A test ABOUT a status or a body sends its request itself (<see cref="HttpExtensions.PostJson"/>) and looks.
/// </summary>
public static class ApiCalls
{
    public static long Id(this JsonElement answer) => answer.GetProperty("id").GetInt64();

    /// <summary>A 200 answer of a GET, parsed.</summary>
    public static Task<JsonElement> GetJson(this HttpClient http, string url) => Expect(http.GetAsync(url), HttpStatusCode.OK, $"GET {url}");

    /// <param name="timeZone">None: the default, Shanghai.</param>
    public static Task<JsonElement> CreateCommunity(this HttpClient admin, string name = Seed.CommunityName, string? timeZone = null,
        string street = "桃浦镇", string district = "普陀区") =>
        Expect(admin.PostJson("/api/v1/communities", timeZone is null ? new { name, street, district } : new { name, street, district, timeZone }),
            HttpStatusCode.Created, "create community");

    public static Task<JsonElement> PutRules(this HttpClient admin, long communityId, object rules) =>
        Expect(admin.PutAsJsonAsync($"/api/v1/communities/{communityId}/rules", rules), HttpStatusCode.Created, "put rules");

    public static Task<JsonElement> CreateKey(this HttpClient admin, string role, long? communityId = null, string? name = null) =>
        Expect(admin.PostJson("/api/v1/api-keys", new { name = name ?? $"{role} key", role, communityId }), HttpStatusCode.Created, "create API key");

    /// <param name="body">The volunteer as <see cref="Seed.VolunteerBody"/> makes one, or any body the contract takes.</param>
    public static Task<JsonElement> RegisterVolunteer(this HttpClient http, object body) =>
        Expect(http.PostJson("/api/v1/volunteers", body), HttpStatusCode.Created, "register volunteer");

    public static Task<JsonElement> UpdateVolunteer(this HttpClient http, long volunteerId, object change) =>
        Expect(http.PatchAsJsonAsync($"/api/v1/volunteers/{volunteerId}", change), HttpStatusCode.OK, "update volunteer");

    public static Task<JsonElement> Summary(this HttpClient http, long volunteerId) => http.GetJson($"/api/v1/volunteers/{volunteerId}/summary");

    public static async Task<long> Balance(this HttpClient http, long volunteerId) => (await http.Summary(volunteerId)).GetProperty("balance").GetInt64();

    /// <param name="body">The record as <see cref="Records.Body"/> makes one, or any body the contract takes.</param>
    public static Task<JsonElement> SubmitRecord(this HttpClient http, object body) =>
        Expect(http.PostJson("/api/v1/service-records", body), HttpStatusCode.Created, "submit service record");

    public static Task<JsonElement> Approve(this HttpClient http, long recordId, int score) =>
        Expect(http.PostJson($"/api/v1/service-records/{recordId}/approve", new { score }), HttpStatusCode.OK, "approve record");

    public static Task<JsonElement> Reject(this HttpClient http, long recordId, string reason) =>
        Expect(http.PostJson($"/api/v1/service-records/{recordId}/reject", new { reason }), HttpStatusCode.OK, "reject record");

    public static Task<JsonElement> Reverse(this HttpClient http, long recordId, string reason) =>
        Expect(http.PostJson($"/api/v1/service-records/{recordId}/reverse", new { reason }), HttpStatusCode.OK, "reverse record");

    public static Task<JsonElement> CreateActivity(this HttpClient http, long communityId, DateTimeOffset startsAt, int minutes,
        string category = "patrol", string title = "巡逻", string? location = null) =>
        Expect(http.PostJson("/api/v1/activities", location is null
                ? new { communityId, title, category, startsAt, endsAt = startsAt.AddMinutes(minutes) }
                : new { communityId, title, category, startsAt, endsAt = startsAt.AddMinutes(minutes), location }),
            HttpStatusCode.Created, "create activity");

    /// <summary>Records an activity's attendance: 200 with what was recorded and what was rejected, entry by entry.</summary>
    public static Task<JsonElement> RecordAttendance(this HttpClient http, long activityId, object body) =>
        Expect(http.PostJson($"/api/v1/activities/{activityId}/attendance", body), HttpStatusCode.OK, "record attendance");

    public static Task<JsonElement> Adjust(this HttpClient http, long volunteerId, long amount, string reason = "初始积分") =>
        Expect(http.PostJson($"/api/v1/volunteers/{volunteerId}/adjustments", new { amount, reason }), HttpStatusCode.Created, "adjust points");

    public static Task<JsonElement> Give(this HttpClient http, long fromVolunteerId, long toVolunteerId, long amount, string? memo = null) =>
        Expect(http.PostJson($"/api/v1/volunteers/{fromVolunteerId}/transfers", memo is null ? new { toVolunteerId, amount } : new { toVolunteerId, amount, memo }),
            HttpStatusCode.Created, "give points");

    public static Task<JsonElement> CreateReward(this HttpClient http, long communityId, long pointsCost, long stock, string name = "洗衣液") =>
        Expect(http.PostJson("/api/v1/rewards", new { communityId, name, pointsCost, stock }), HttpStatusCode.Created, "create reward");

    public static Task<JsonElement> UpdateReward(this HttpClient http, long rewardId, object change) =>
        Expect(http.PatchAsJsonAsync($"/api/v1/rewards/{rewardId}", change), HttpStatusCode.OK, "update reward");

    public static Task<JsonElement> Redeem(this HttpClient http, long volunteerId, long rewardId, int quantity = 1) =>
        Expect(http.PostJson("/api/v1/redemptions", new { volunteerId, rewardId, quantity }), HttpStatusCode.Created, "redeem");

    public static Task<JsonElement> ExpirePoints(this HttpClient admin, long communityId, DateTimeOffset asOf) =>
        Expect(admin.PostJson($"/api/v1/communities/{communityId}/expire-points", new { asOf }), HttpStatusCode.OK, "expire points");

    /// <summary>Issues a certificate of figures not certified before (201; the same figures again answer 200).</summary>
    public static Task<JsonElement> IssueCertificate(this HttpClient http, long volunteerId, int year) =>
        Expect(http.PostJson($"/api/v1/volunteers/{volunteerId}/certificate", new { year }), HttpStatusCode.Created, "issue certificate");

    public static Task<JsonElement> CancelRedemption(this HttpClient http, long redemptionId, string reason = "顾客退货") =>
        Expect(http.PostJson($"/api/v1/redemptions/{redemptionId}/cancel", new { reason }), HttpStatusCode.OK, "cancel redemption");

    private static async Task<JsonElement> Expect(Task<HttpResponseMessage> call, HttpStatusCode status, string what)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), $"{what}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }
}
