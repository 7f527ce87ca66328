using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// Thousands of hostile requests across every write endpoint. Whatever comes in: no 5xx, every error is problem+json
/// with a code, and a rejected request leaves the database byte-for-byte as it was (a checksum of every table).
/// </summary>
[TestFixture, Category("Hostile")]
public sealed class HostileInputTests() : ApiFixture("甲")
{
    private long _otherCommunity;
    private string _otherStaff = "";
    private long _volunteer;
    private long _otherVolunteer;
    private long _reward;
    private long _record;
    private long _activity;
    private long _redemption;

    [OneTimeSetUp]
    public async Task SomethingForEachWriteToAimAt()
    {
        _otherCommunity = await Seed.Community(App, "乙");
        _otherStaff = (await Seed.Key(App, "staff", _otherCommunity)).Key;
        _volunteer = (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();
        _otherVolunteer = (await Seed.Volunteer(App, _otherStaff, _otherCommunity)).Id();
        await Staff.PostJson($"/api/v1/volunteers/{_volunteer}/adjustments", new { amount = 50, reason = "初始" });
        _reward = (await (await Staff.PostJson("/api/v1/rewards", new { communityId = CommunityId, name = "毛巾", pointsCost = 10, stock = 5 }))
            .Read<JsonElement>()).Id();
        _record = (await Records.Submit(App, StaffKey, _volunteer, 60)).Id();
        var start = Records.FreeSlot();
        _activity = (await (await Staff.PostJson("/api/v1/activities",
            new { communityId = CommunityId, title = "巡逻", category = "patrol", startsAt = start, endsAt = start.AddMinutes(60) })).Read<JsonElement>()).Id();
        _redemption = (await (await Staff.PostJson("/api/v1/redemptions", new { volunteerId = _volunteer, rewardId = _reward, quantity = 1 }))
            .Read<JsonElement>()).Id();
    }

    private sealed record Target(string Method, string Url, Func<JsonObject> Body);

    private IEnumerable<Target> Targets()
    {
        var slot = Records.FreeSlot();
        yield return new("POST", "/api/v1/communities", () => new JsonObject { ["name"] = "x", ["street"] = "s", ["district"] = "d" });
        yield return new("POST", "/api/v1/api-keys", () => new JsonObject { ["name"] = "k", ["role"] = "staff", ["communityId"] = CommunityId });
        yield return new("DELETE", "/api/v1/api-keys/987654", () => new JsonObject());
        yield return new("PUT", $"/api/v1/communities/{CommunityId}/rules", () => new JsonObject { ["pointsPerHour"] = 10, ["minMinutes"] = 30 });
        yield return new("POST", "/api/v1/volunteers", () => new JsonObject { ["communityId"] = CommunityId, ["name"] = "n", ["phone"] = "13912345678", ["echelon"] = "first" });
        yield return new("PATCH", $"/api/v1/volunteers/{_volunteer}", () => new JsonObject { ["grid"] = "g", ["status"] = "active" });
        yield return new("POST", "/api/v1/service-records", () => new JsonObject
        {
            ["volunteerId"] = _volunteer, ["category"] = "patrol", ["startedAt"] = slot.ToString("O"), ["endedAt"] = slot.AddMinutes(45).ToString("O"),
        });
        yield return new("POST", $"/api/v1/service-records/{_record}/approve", () => new JsonObject { ["score"] = 4 });
        yield return new("POST", $"/api/v1/service-records/{_record}/reject", () => new JsonObject { ["reason"] = "r" });
        yield return new("POST", $"/api/v1/service-records/{_record}/reverse", () => new JsonObject { ["reason"] = "r" });
        yield return new("POST", "/api/v1/activities", () => new JsonObject
        {
            ["communityId"] = CommunityId, ["title"] = "t", ["category"] = "patrol", ["startsAt"] = slot.ToString("O"), ["endsAt"] = slot.AddMinutes(30).ToString("O"),
        });
        yield return new("POST", $"/api/v1/activities/{_activity}/attendance", () => new JsonObject
        {
            ["entries"] = new JsonArray(new JsonObject { ["volunteerId"] = _volunteer, ["score"] = 5 }),
        });
        yield return new("POST", $"/api/v1/volunteers/{_volunteer}/adjustments", () => new JsonObject { ["amount"] = 5, ["reason"] = "r" });
        yield return new("POST", $"/api/v1/volunteers/{_volunteer}/transfers", () => new JsonObject { ["toVolunteerId"] = _otherVolunteer, ["amount"] = 1 });
        yield return new("POST", "/api/v1/rewards", () => new JsonObject { ["communityId"] = CommunityId, ["name"] = "w", ["pointsCost"] = 1, ["stock"] = 1 });
        yield return new("PATCH", $"/api/v1/rewards/{_reward}", () => new JsonObject { ["stockDelta"] = 1 });
        yield return new("POST", "/api/v1/redemptions", () => new JsonObject { ["volunteerId"] = _volunteer, ["rewardId"] = _reward, ["quantity"] = 1 });
        yield return new("POST", $"/api/v1/redemptions/{_redemption}/cancel", () => new JsonObject { ["reason"] = "r" });
        yield return new("POST", $"/api/v1/communities/{CommunityId}/expire-points", () => new JsonObject { ["asOf"] = "2020-01-01T00:00:00Z" });
        yield return new("POST", $"/api/v1/volunteers/{_volunteer}/certificate", () => new JsonObject());
    }

    private static readonly JsonNode?[] HostileValues =
    [
        null, "", " ", "x", "'; DROP TABLE volunteers; --", "\" OR 1=1 --", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "\u0000", "a\u0000b", "\u001b[31m", "\r\n", "😀", "\uFFFF", "null", "true", "[]", "{}",
        new string('x', 5000), 0, -1, 1, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, -9_000_000_000_000_000_000m, 1e300,
        -1e300, 0.5, -0.000001, true, false, new JsonArray(), new JsonArray(1, 2, 3), new JsonObject(), new JsonObject { ["$gt"] = "" },
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-13-45T25:61:61Z", "1970-01-01T00:00:00+14:00", "NaN", "Infinity",
        "987654", 987654, 987654321012, "../../etc/passwd", "%00", "\\u0000", "ＡＢＣ",
    ];

    private static readonly string[] HostileBodies =
    [
        "", "{", "}", "{\"", "{\"a\":", "[", "[1,2", "null", "true", "0", "\"text\"", "{}", "[]", "{\"a\":1,}", "{'a':1}",
        "{\"a\":1}{\"b\":2}", "\u0000", "{\"communityId\":1,\"communityId\":2}", "{\"amount\":1,\"amount\":-1000}", "<xml/>", "a=1&b=2",
        "{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}", "{\"name\":\"\\ud800\"}",
    ];

    private IEnumerable<(string Key, Target Target, HttpContent? Content, string What)> Requests()
    {
        foreach (var key in new[] { LedgerApp.AdminKey, _otherStaff })
        foreach (var target in Targets())
        {
            foreach (var field in target.Body().Select(p => p.Key).Append("unexpected"))
            foreach (var value in HostileValues)
            {
                var body = target.Body();
                body[field] = value?.DeepClone();
                yield return (key, target, Json(body.ToJsonString()), $"{field}={value?.ToJsonString()}");
            }
            foreach (var raw in HostileBodies)
                yield return (key, target, Json(raw), $"raw {raw[..Math.Min(raw.Length, 30)]}");

            var valid = target.Body().ToJsonString();
            yield return (key, target, new StringContent(valid, Encoding.UTF8, "text/plain"), "text/plain");
            yield return (key, target, new StringContent(valid, Encoding.UTF8, "application/xml"), "application/xml");
            yield return (key, target, new ByteArrayContent(Encoding.UTF8.GetBytes(valid)), "no content type");
            var invalidUtf8 = new ByteArrayContent([.. "{\"name\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()]);
            invalidUtf8.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            yield return (key, target, invalidUtf8, "invalid UTF-8");
            yield return (key, target, Json("{\"name\":\"" + new string('x', 1024 * 1024) + "\"}"), "1 MB string");
            yield return (key, target, Json(valid[..(valid.Length / 2)]), "truncated");
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Test]
    public async Task ThousandsOfHostileRequests_NeverFail5xx_AlwaysExplain_AndRejectedOnesChangeNothing()
    {
        var fired = 0;
        var rejected = 0;
        var compared = 0;
        var before = Database.Checksum();
        var clients = new Dictionary<string, HttpClient>();
        foreach (var (key, target, content, what) in Requests())
        {
            var client = clients.TryGetValue(key, out var c) ? c : clients[key] = App.Client(key);
            using var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Url) { Content = content };
            using var response = await client.SendAsync(request);
            fired++;
            var status = (int)response.StatusCode;
            var label = $"{target.Method} {target.Url} with {what}";
            Assert.That(status, Is.LessThan(500), label + ": " + await response.Content.ReadAsStringAsync());
            if (status < 400)
            {
                before = Database.Checksum();
                continue;
            }
            rejected++;
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), label);
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(JsonDocument.Parse(text).RootElement.TryGetProperty("code", out _), Is.True, label + ": " + text);
            Assert.That(text, Does.Not.Contain("   at ").And.Not.Contain("SqliteException").And.Not.Contain("SELECT "), label);
            var after = Database.Checksum();
            compared++;
            Assert.That(after, Is.EqualTo(before), $"{label} was rejected ({status}) but changed the database");
        }
        TestContext.Out.WriteLine($"{fired} hostile requests fired, {rejected} rejected, {compared} database checksums compared");
        Assert.That(fired, Is.GreaterThanOrEqualTo(5000));
    }
}
