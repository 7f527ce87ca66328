using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Tests.Builders;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Api;

/// <summary>
/// Every endpoint that writes, called the way it succeeds: its change commits with an audit event, and a POST sent
/// again with its Idempotency-Key is answered exactly as the first time. The endpoint list comes from the running app,
/// so a new write endpoint fails the test until it has a row here.
/// </summary>
public sealed class WriteEndpointsTests
{
    private sealed record Call(HttpMethod Method, string Url, object? Body = null);

    private sealed class Fixture(LedgerApp app)
    {
        public LedgerApp App { get; } = app;
        public long CommunityId { get; set; }
        public long VolunteerId { get; set; }

        public HttpClient Admin => App.Admin();

        public async Task<long> Volunteer() => (await Seed.Volunteer(App, LedgerApp.AdminKey, CommunityId)).GetProperty("id").GetInt64();

        public async Task<long> Record(int? approveScore = null) =>
            (await Records.Submit(App, LedgerApp.AdminKey, VolunteerId, approveScore: approveScore)).GetProperty("id").GetInt64();

        public async Task<long> Created(string url, object body)
        {
            var response = await Admin.PostJson(url, body);
            Assert.That((int)response.StatusCode, Is.InRange(200, 299), await response.Content.ReadAsStringAsync());
            return (await response.Read<JsonElement>()).GetProperty("id").GetInt64();
        }

        public Task<long> Reward() => Created("/api/v1/rewards", new { communityId = CommunityId, name = "香皂", pointsCost = 5, stock = 100 });

        public Task<long> Activity()
        {
            var start = Records.FreeSlot();
            return Created("/api/v1/activities", new { communityId = CommunityId, title = "垃圾分类宣传", category = "environment", startsAt = start, endsAt = start.AddMinutes(60) });
        }

        /// <summary>A volunteer with an approved record, and the local year of that record (early in January it may be last year's).</summary>
        public async Task<(long Volunteer, int Year)> Certifiable()
        {
            var volunteer = await Volunteer();
            var record = await Records.Submit(App, LedgerApp.AdminKey, volunteer, approveScore: 5);
            return (volunteer, record.GetProperty("startedAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).Year);
        }
    }

    /// <summary>Each row makes what its call needs, so the rows run in any order and any number of times.</summary>
    private static readonly Dictionary<string, Func<Fixture, Task<Call>>> Writes = new()
    {
        ["POST /api/v1/communities"] = _ => Task.FromResult(new Call(HttpMethod.Post, "/api/v1/communities",
            new { name = "新社区", street = "桃浦镇", district = "普陀区" })),
        ["POST /api/v1/api-keys"] = _ => Task.FromResult(new Call(HttpMethod.Post, "/api/v1/api-keys", new { name = "k", role = "auditor" })),
        ["DELETE /api/v1/api-keys/{id:long}"] = async f => new Call(HttpMethod.Delete, $"/api/v1/api-keys/{(await Seed.Key(f.App, "auditor")).Id}"),
        ["PUT /api/v1/communities/{id:long}/rules"] = f => Task.FromResult(new Call(HttpMethod.Put, $"/api/v1/communities/{f.CommunityId}/rules",
            new { pointsPerHour = 10 })),
        ["POST /api/v1/volunteers"] = f => Task.FromResult(new Call(HttpMethod.Post, "/api/v1/volunteers", Seed.VolunteerBody(f.CommunityId))),
        ["PATCH /api/v1/volunteers/{id:long}"] = async f => new Call(HttpMethod.Patch, $"/api/v1/volunteers/{await f.Volunteer()}", new { grid = "第二网格" }),
        ["POST /api/v1/service-records"] = f => Task.FromResult(new Call(HttpMethod.Post, "/api/v1/service-records",
            Records.Body(f.VolunteerId, Records.FreeSlot(), 30))),
        ["POST /api/v1/service-records/{id:long}/approve"] = async f => new Call(HttpMethod.Post, $"/api/v1/service-records/{await f.Record()}/approve",
            new { score = 4 }),
        ["POST /api/v1/service-records/{id:long}/reject"] = async f => new Call(HttpMethod.Post, $"/api/v1/service-records/{await f.Record()}/reject",
            new { reason = "重复提交" }),
        ["POST /api/v1/service-records/{id:long}/reverse"] = async f => new Call(HttpMethod.Post,
            $"/api/v1/service-records/{await f.Record(approveScore: 5)}/reverse", new { reason = "登记错误" }),
        ["POST /api/v1/activities"] = f =>
        {
            var start = Records.FreeSlot();
            return Task.FromResult(new Call(HttpMethod.Post, "/api/v1/activities",
                new { communityId = f.CommunityId, title = "敬老活动", category = "elderly-care", startsAt = start, endsAt = start.AddMinutes(60) }));
        },
        ["POST /api/v1/activities/{id:long}/attendance"] = async f =>
        {
            var activity = await f.Activity();
            var start = Records.FreeSlot();
            return new Call(HttpMethod.Post, $"/api/v1/activities/{activity}/attendance",
                new { entries = new[] { new { volunteerId = f.VolunteerId, startedAt = start, endedAt = start.AddMinutes(30), score = 5 } } });
        },
        ["POST /api/v1/volunteers/{id:long}/adjustments"] = f => Task.FromResult(new Call(HttpMethod.Post,
            $"/api/v1/volunteers/{f.VolunteerId}/adjustments", new { amount = 5, reason = "补录" })),
        ["POST /api/v1/volunteers/{id:long}/transfers"] = async f => new Call(HttpMethod.Post, $"/api/v1/volunteers/{f.VolunteerId}/transfers",
            new { toVolunteerId = await f.Volunteer(), amount = 1 }),
        ["POST /api/v1/communities/{id:long}/expire-points"] = async f =>
        {
            // Expiry changes something only when points are due: 2022's lapse at the start of 2024.
            var now = DateTimeOffset.UtcNow;
            f.App.Clock.Set(new DateTimeOffset(2022, 6, 1, 10, 0, 0, TimeSpan.FromHours(8)));
            try
            {
                var community = await Seed.Community(f.App, "到期社区");
                var rules = await f.Admin.PutAsJsonAsync($"/api/v1/communities/{community}/rules", new { expiry = "endOfFollowingYear", effectiveFrom = new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)) });
                Assert.That(rules.StatusCode, Is.EqualTo(HttpStatusCode.Created), await rules.Content.ReadAsStringAsync());
                var volunteer = (await Seed.Volunteer(f.App, LedgerApp.AdminKey, community)).GetProperty("id").GetInt64();
                await Records.Submit(f.App, LedgerApp.AdminKey, volunteer, approveScore: 5, start: new DateTimeOffset(2022, 5, 31, 8, 0, 0, TimeSpan.FromHours(8)));
                return new Call(HttpMethod.Post, $"/api/v1/communities/{community}/expire-points", new { asOf = now });
            }
            finally
            {
                f.App.Clock.Reset();
            }
        },
        ["POST /api/v1/rewards"] = f => Task.FromResult(new Call(HttpMethod.Post, "/api/v1/rewards",
            new { communityId = f.CommunityId, name = "牙膏", pointsCost = 5, stock = 10 })),
        ["PATCH /api/v1/rewards/{id:long}"] = async f => new Call(HttpMethod.Patch, $"/api/v1/rewards/{await f.Reward()}", new { stockDelta = 1 }),
        ["POST /api/v1/redemptions"] = async f => new Call(HttpMethod.Post, "/api/v1/redemptions",
            new { volunteerId = f.VolunteerId, rewardId = await f.Reward(), quantity = 1 }),
        ["POST /api/v1/redemptions/{id:long}/cancel"] = async f =>
        {
            var redemption = await f.Created("/api/v1/redemptions", new { volunteerId = f.VolunteerId, rewardId = await f.Reward(), quantity = 1 });
            return new Call(HttpMethod.Post, $"/api/v1/redemptions/{redemption}/cancel", new { reason = "退货" });
        },
        ["POST /api/v1/volunteers/{id:long}/certificate"] = async f =>
        {
            var (volunteer, year) = await f.Certifiable();
            return new Call(HttpMethod.Post, $"/api/v1/volunteers/{volunteer}/certificate", new { year });
        },
        // A GET that writes: printing a certificate not yet issued issues it.
        ["GET /api/v1/volunteers/{id:long}/certificate"] = async f =>
        {
            var (volunteer, year) = await f.Certifiable();
            return new Call(HttpMethod.Get, $"/api/v1/volunteers/{volunteer}/certificate?year={year}");
        },
    };

    private LedgerApp _app = null!;
    private Fixture _f = null!;

    private Writer Writer => _app.Services.GetRequiredService<Writer>();

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _app = new LedgerApp();
        _f = new Fixture(_app) { CommunityId = await Seed.Community(_app) };
        _f.VolunteerId = await _f.Volunteer();
        await _f.Admin.PostJson($"/api/v1/volunteers/{_f.VolunteerId}/adjustments", new { amount = 10_000, reason = "初始积分" });
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        Invariants.Check(_app);
        await _app.DisposeAsync();
    }

    private static HttpRequestMessage Request(Call call, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(call.Method, call.Url);
        if (call.Body is not null)
            request.Content = JsonContent.Create(call.Body);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    private async Task<long> LastAuditEventId()
    {
        var page = await (await _f.Admin.GetAsync("/api/v1/audit/events?limit=1")).Read<JsonElement>();
        return page.GetProperty("items")[0].GetProperty("id").GetInt64();
    }

    [Test]
    public void EveryWriteEndpoint_HasARow_AndNoRowIsStale()
    {
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToHashSet();
        var writes = endpoints.Where(e => !e.StartsWith("GET ", StringComparison.Ordinal)).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(writes.Except(Writes.Keys), Is.Empty, "write endpoints without a row");
            Assert.That(Writes.Keys.Except(endpoints), Is.Empty, "rows without an endpoint");
        });
    }

    private static IEnumerable<string> Rows() => Writes.Keys;

    private static IEnumerable<string> Posts() => Writes.Keys.Where(k => k.StartsWith("POST ", StringComparison.Ordinal));

    [TestCaseSource(nameof(Rows))]
    public async Task WriteEndpoint_CommitsItsChange_WithAnAuditEvent(string row)
    {
        var call = await Writes[row](_f);
        var unaudited = Writer.Stats.Unaudited;
        var lastEvent = await LastAuditEventId();

        using var response = await _f.Admin.SendAsync(Request(call));

        Assert.That((int)response.StatusCode, Is.InRange(200, 299), await response.Content.ReadAsStringAsync());
        Assert.Multiple(async () =>
        {
            Assert.That(await LastAuditEventId(), Is.GreaterThan(lastEvent), $"{row} wrote no audit event");
            Assert.That(Writer.Stats.Unaudited, Is.EqualTo(unaudited), $"{row} committed a change without an audit event");
        });
    }

    /// <summary>The plain form stores no answer for a replay, so a request that carries a key cannot use it by mistake.</summary>
    [Test]
    public void ThePlainWriterRun_RefusesARequestWithAnIdempotencyKey()
    {
        var caller = Caller.System("keyed") with { Idempotency = new IdempotencyTicket(1, "some-key", "hash") };
        Assert.That(() => Writer.Run<bool>(caller, _ => true), Throws.InvalidOperationException);
    }

    [TestCaseSource(nameof(Posts))]
    public async Task PostEndpoint_SentAgainWithItsIdempotencyKey_IsAnsweredAsTheFirstTime(string row)
    {
        var call = await Writes[row](_f);
        var key = $"again-{Guid.NewGuid():N}";

        using var first = await _f.Admin.SendAsync(Request(call, key));
        var firstBody = await first.Content.ReadAsStringAsync();
        var lastEvent = await LastAuditEventId();
        using var again = await _f.Admin.SendAsync(Request(call, key));

        Assert.That((int)first.StatusCode, Is.InRange(200, 299), firstBody);
        Assert.Multiple(async () =>
        {
            Assert.That(again.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true", Is.True, "not a replay");
            Assert.That(again.StatusCode, Is.EqualTo(first.StatusCode));
            Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(firstBody));
            Assert.That(await LastAuditEventId(), Is.EqualTo(lastEvent), "the replay changed something");
        });
    }
}
