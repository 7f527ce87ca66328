using System.Net;
using System.Text.Json;
using Ledger.Tests.Api;

namespace Ledger.Tests.Builders;

/// <summary>Test data made through the API, as a client would.</summary>
public static class Seed
{
    /// <summary>The name a community gets when a test does not care.</summary>
    public const string CommunityName = "桃浦新村";

    private static int _counter;

    public static async Task<long> Community(LedgerApp app, string name = CommunityName) => (await app.Admin().CreateCommunity(name)).Id();

    /// <summary>Creates a key and returns (id, secret).</summary>
    public static async Task<(long Id, string Key)> Key(LedgerApp app, string role, long? communityId = null, string? name = null)
    {
        var body = await app.Admin().CreateKey(role, communityId, name);
        return (body.Id(), body.GetProperty("key").GetString()!);
    }

    public static object VolunteerBody(long communityId, string? name = null, string? openId = null, string echelon = "first") => new
    {
        communityId,
        name = name ?? $"志愿者{Interlocked.Increment(ref _counter)}",
        phone = $"139{Random.Shared.Next(10_000_000, 99_999_999)}",
        wechatOpenId = openId,
        grid = "第一网格",
        buildingGroup = "12号楼",
        skills = new[] { "理发", "测血压" },
        echelon,
    };

    public static Task<JsonElement> Volunteer(LedgerApp app, string key, long communityId, string? name = null, string? openId = null) =>
        app.Client(key).RegisterVolunteer(VolunteerBody(communityId, name, openId));

    public static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code), text);
        Assert.That(text, Does.Not.Contain("   at ").And.Not.Contain("SELECT").And.Not.Contain("Exception"));
        return problem;
    }
}

/// <summary>Service records made through the API, in free time slots so tests never trip over their own overlaps.</summary>
public static class Records
{
    private static int _slot;

    /// <summary>A 30-minute-aligned start of local (Shanghai) time, some days back, never used before in this test run.</summary>
    public static DateTimeOffset FreeSlot()
    {
        var i = Interlocked.Increment(ref _slot);
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var day = new DateTimeOffset(today.Year, today.Month, today.Day, 0, 0, 0, today.Offset).AddDays(-1 - i / 8 % 80);
        return day.AddHours(8 + i % 8);
    }

    public static object Body(long volunteerId, DateTimeOffset start, int minutes, string category = "elderly-care", int? approveScore = null) =>
        approveScore is { } score
            ? new { volunteerId, category, startedAt = start, endedAt = start.AddMinutes(minutes), approve = true, score }
            : new { volunteerId, category, startedAt = start, endedAt = start.AddMinutes(minutes) };

    public static Task<JsonElement> Submit(LedgerApp app, string key, long volunteerId, int minutes = 30,
        string category = "elderly-care", int? approveScore = null, DateTimeOffset? start = null) =>
        app.Client(key).SubmitRecord(Body(volunteerId, start ?? FreeSlot(), minutes, category, approveScore));
}
