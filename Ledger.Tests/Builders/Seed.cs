using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Api;

namespace Ledger.Tests.Builders;

/// <summary>Test data made through the API, as a client would.</summary>
public static class Seed
{
    private static int _counter;

    public static async Task<long> Community(LedgerApp app, string name = "桃浦新村")
    {
        var response = await app.Admin().PostJson("/api/v1/communities", new { name, street = "桃浦镇", district = "普陀区" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Read<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>Creates a key and returns (id, secret).</summary>
    public static async Task<(long Id, string Key)> Key(LedgerApp app, string role, long? communityId = null)
    {
        var response = await app.Admin().PostJson("/api/v1/api-keys", new { name = $"{role} key", role, communityId });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var body = await response.Read<JsonElement>();
        return (body.GetProperty("id").GetInt64(), body.GetProperty("key").GetString()!);
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

    public static async Task<JsonElement> Volunteer(LedgerApp app, string key, long communityId, string? name = null, string? openId = null)
    {
        var response = await app.Client(key).PostJson("/api/v1/volunteers", VolunteerBody(communityId, name, openId));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await response.Read<JsonElement>();
    }

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
