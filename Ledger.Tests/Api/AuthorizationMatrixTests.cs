using System.Net;
using System.Net.Http.Json;
using Ledger.Tests.Builders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Api;

/// <summary>
/// Every /api/v1 endpoint × {no key, unknown key, revoked key, each role, a key of another community}. The endpoint
/// list comes from the running app, so a new endpoint without a row here fails the test until someone decides who
/// may call it.
/// </summary>
[TestFixture]
public sealed class AuthorizationMatrixTests() : ApiFixture("社区甲")
{
    private enum Elsewhere
    {
        /// <summary>A key of another community gets the same answer as one of this community (its own data).</summary>
        Allowed,
        Forbidden,
        NotFound,

        /// <summary>No key needed at all (the public certificate check).</summary>
        Public,
    }

    private sealed record Rule(string[] Roles, Func<Fixture, string> Url, Func<Fixture, object?> Body, Elsewhere OtherCommunity);

    private sealed class Fixture
    {
        public long CommunityId;
        public long VolunteerId;
        public string OpenId = "";
        public string MemberCode = "";
        public long VictimKeyId;
        public long OtherVolunteerId;
        public long ActivityId;
        public long RecordId;
        public readonly Queue<long> Pending = new();
        public readonly Queue<long> Approved = new();
        public readonly Queue<long> Redemptions = new();
        public long RewardId;
        public string CertificateCode = "";
        public int CertificateYear;
    }

    private static readonly string[] AdminOnly = ["admin"];
    private static readonly string[] Read = ["admin", "auditor", "staff", "client"];
    private static readonly string[] Write = ["admin", "staff", "client"];
    private static readonly string[] Manage = ["admin", "staff"];
    private static readonly string[] Audit = ["admin", "auditor"];

    private static readonly Dictionary<string, Rule> Matrix = new()
    {
        ["POST /api/v1/communities"] = new(AdminOnly, _ => "/api/v1/communities",
            _ => new { name = "新社区", street = "桃浦镇", district = "普陀区" }, Elsewhere.Forbidden),
        ["GET /api/v1/communities"] = new(Read, _ => "/api/v1/communities", _ => null, Elsewhere.Allowed),
        ["GET /api/v1/communities/{id:long}"] = new(Read, f => $"/api/v1/communities/{f.CommunityId}", _ => null, Elsewhere.Forbidden),

        ["POST /api/v1/api-keys"] = new(AdminOnly, _ => "/api/v1/api-keys", _ => new { name = "k", role = "auditor" }, Elsewhere.Forbidden),
        ["GET /api/v1/api-keys"] = new(AdminOnly, _ => "/api/v1/api-keys", _ => null, Elsewhere.Forbidden),
        ["GET /api/v1/me"] = new(Read, _ => "/api/v1/me", _ => null, Elsewhere.Allowed),
        ["DELETE /api/v1/api-keys/{id:long}"] = new(AdminOnly, f => $"/api/v1/api-keys/{f.VictimKeyId}", _ => null, Elsewhere.Forbidden),

        ["PUT /api/v1/communities/{id:long}/rules"] = new(AdminOnly, f => $"/api/v1/communities/{f.CommunityId}/rules",
            _ => new { pointsPerHour = 10 }, Elsewhere.Forbidden),
        ["GET /api/v1/communities/{id:long}/rules"] = new(Read, f => $"/api/v1/communities/{f.CommunityId}/rules", _ => null, Elsewhere.Forbidden),

        ["POST /api/v1/volunteers"] = new(Write, _ => "/api/v1/volunteers", f => Seed.VolunteerBody(f.CommunityId), Elsewhere.Forbidden),
        ["GET /api/v1/volunteers"] = new(Read, f => $"/api/v1/volunteers?communityId={f.CommunityId}", _ => null, Elsewhere.Forbidden),
        ["GET /api/v1/volunteers/{id:long}"] = new(Read, f => $"/api/v1/volunteers/{f.VolunteerId}", _ => null, Elsewhere.NotFound),
        ["GET /api/v1/volunteers/by-openid/{openId}"] = new(Read, f => $"/api/v1/volunteers/by-openid/{f.OpenId}", _ => null, Elsewhere.NotFound),
        ["GET /api/v1/volunteers/by-code/{memberCode}"] = new(Read, f => $"/api/v1/volunteers/by-code/{f.MemberCode}", _ => null, Elsewhere.NotFound),
        ["PATCH /api/v1/volunteers/{id:long}"] = new(Write, f => $"/api/v1/volunteers/{f.VolunteerId}", _ => new { grid = "第二网格" }, Elsewhere.NotFound),

        ["POST /api/v1/service-records"] = new(Write, _ => "/api/v1/service-records",
            f => Records.Body(f.VolunteerId, Records.FreeSlot(), 30), Elsewhere.NotFound),
        ["POST /api/v1/service-records/{id:long}/approve"] = new(Manage, f => $"/api/v1/service-records/{f.Pending.Dequeue()}/approve",
            _ => new { score = 4 }, Elsewhere.NotFound),
        ["POST /api/v1/service-records/{id:long}/reject"] = new(Manage, f => $"/api/v1/service-records/{f.Pending.Dequeue()}/reject",
            _ => new { reason = "重复提交" }, Elsewhere.NotFound),
        ["POST /api/v1/service-records/{id:long}/reverse"] = new(Manage, f => $"/api/v1/service-records/{f.Approved.Dequeue()}/reverse",
            _ => new { reason = "登记错误" }, Elsewhere.NotFound),
        ["GET /api/v1/service-records/{id:long}"] = new(Read, f => $"/api/v1/service-records/{f.RecordId}", _ => null, Elsewhere.NotFound),
        ["GET /api/v1/service-records"] = new(Read, f => $"/api/v1/service-records?communityId={f.CommunityId}", _ => null, Elsewhere.Forbidden),

        ["POST /api/v1/activities"] = new(Manage, _ => "/api/v1/activities", f =>
        {
            var start = Records.FreeSlot();
            return new { communityId = f.CommunityId, title = "垃圾分类宣传", category = "environment", startsAt = start, endsAt = start.AddMinutes(60) };
        }, Elsewhere.Forbidden),
        ["GET /api/v1/activities"] = new(Read, f => $"/api/v1/activities?communityId={f.CommunityId}", _ => null, Elsewhere.Forbidden),
        ["POST /api/v1/activities/{id:long}/attendance"] = new(Manage, f => $"/api/v1/activities/{f.ActivityId}/attendance", f =>
        {
            var start = Records.FreeSlot();
            return new { entries = new[] { new { volunteerId = f.VolunteerId, startedAt = start, endedAt = start.AddMinutes(30), score = 5 } } };
        }, Elsewhere.NotFound),

        ["GET /api/v1/volunteers/{id:long}/summary"] = new(Read, f => $"/api/v1/volunteers/{f.VolunteerId}/summary", _ => null, Elsewhere.NotFound),
        ["GET /api/v1/volunteers/{id:long}/ledger"] = new(Read, f => $"/api/v1/volunteers/{f.VolunteerId}/ledger", _ => null, Elsewhere.NotFound),
        ["POST /api/v1/volunteers/{id:long}/adjustments"] = new(Manage, f => $"/api/v1/volunteers/{f.VolunteerId}/adjustments",
            _ => new { amount = 5, reason = "补录" }, Elsewhere.NotFound),
        ["POST /api/v1/volunteers/{id:long}/transfers"] = new(Write, f => $"/api/v1/volunteers/{f.VolunteerId}/transfers",
            f => new { toVolunteerId = f.OtherVolunteerId, amount = 1 }, Elsewhere.NotFound),
        ["GET /api/v1/ledger/transactions"] = new(Read, f => $"/api/v1/ledger/transactions?communityId={f.CommunityId}", _ => null, Elsewhere.Forbidden),
        ["POST /api/v1/communities/{id:long}/expire-points"] = new(AdminOnly, f => $"/api/v1/communities/{f.CommunityId}/expire-points",
            _ => new { asOf = DateTimeOffset.UtcNow.AddMinutes(-1) }, Elsewhere.Forbidden),
        ["POST /api/v1/rewards"] = new(Manage, _ => "/api/v1/rewards", f => new { communityId = f.CommunityId, name = "香皂", pointsCost = 5, stock = 10 },
            Elsewhere.Forbidden),
        ["PATCH /api/v1/rewards/{id:long}"] = new(Manage, f => $"/api/v1/rewards/{f.RewardId}", _ => new { stockDelta = 1 }, Elsewhere.NotFound),
        ["GET /api/v1/rewards"] = new(Read, f => $"/api/v1/rewards?communityId={f.CommunityId}", _ => null, Elsewhere.Forbidden),
        ["POST /api/v1/redemptions"] = new(Manage, _ => "/api/v1/redemptions", f => new { volunteerId = f.VolunteerId, rewardId = f.RewardId, quantity = 1 },
            Elsewhere.NotFound),
        ["POST /api/v1/redemptions/{id:long}/cancel"] = new(Manage, f => $"/api/v1/redemptions/{f.Redemptions.Dequeue()}/cancel",
            _ => new { reason = "退货" }, Elsewhere.NotFound),
        ["GET /api/v1/redemptions"] = new(Read, f => $"/api/v1/redemptions?communityId={f.CommunityId}", _ => null, Elsewhere.Forbidden),
        ["GET /api/v1/audit/events"] = new(Audit, _ => "/api/v1/audit/events", _ => null, Elsewhere.Forbidden),
        ["GET /api/v1/audit/verify"] = new(Audit, _ => "/api/v1/audit/verify", _ => null, Elsewhere.Forbidden),
        ["GET /api/v1/volunteers/{id:long}/grade"] = new(Read, f => $"/api/v1/volunteers/{f.VolunteerId}/grade", _ => null, Elsewhere.NotFound),
        ["GET /api/v1/communities/{id:long}/rankings"] = new(Read, f => $"/api/v1/communities/{f.CommunityId}/rankings", _ => null, Elsewhere.Forbidden),
        ["GET /api/v1/communities/{id:long}/reports/monthly"] = new(Read, f => $"/api/v1/communities/{f.CommunityId}/reports/monthly", _ => null,
            Elsewhere.Forbidden),
        ["GET /api/v1/volunteers/{id:long}/certificate"] = new(Read, f => $"/api/v1/volunteers/{f.VolunteerId}/certificate?year={f.CertificateYear}", _ => null,
            Elsewhere.NotFound),
        ["POST /api/v1/volunteers/{id:long}/certificate"] = new(Write, f => $"/api/v1/volunteers/{f.VolunteerId}/certificate", f => new { year = f.CertificateYear },
            Elsewhere.NotFound),
        ["GET /api/v1/certificates/{code}"] = new(Read, f => $"/api/v1/certificates/{f.CertificateCode}", _ => null, Elsewhere.Public),
        ["GET /api/v1/volunteers/{id:long}/card"] = new(Read, f => $"/api/v1/volunteers/{f.VolunteerId}/card", _ => null, Elsewhere.NotFound),
        ["GET /api/v1/ledger/trial-balance"] = new(Read, f => $"/api/v1/ledger/trial-balance?communityId={f.CommunityId}", _ => null, Elsewhere.Forbidden),
    };

    private Fixture _f = null!;
    private readonly Dictionary<string, string> _keys = new();
    private string _revokedKey = "";

    [OneTimeSetUp]
    public async Task AKeyOfEachKind_AndSomethingToCallEachEndpointOn()
    {
        var a = CommunityId;
        var b = await Seed.Community(App, "社区乙");
        _keys["admin"] = LedgerApp.AdminKey;
        _keys["auditor"] = AuditorKey;
        _keys["staff"] = StaffKey;
        _keys["client"] = ClientKey;
        _keys["staff-elsewhere"] = (await Seed.Key(App, "staff", b)).Key;
        _keys["client-elsewhere"] = (await Seed.Key(App, "client", b)).Key;
        var revoked = await Seed.Key(App, "admin");
        Assert.That((await Admin.DeleteAsync($"/api/v1/api-keys/{revoked.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        _revokedKey = revoked.Key;

        var volunteer = await Seed.Volunteer(App, _keys["staff"], a, openId: "o-matrix");
        _f = new Fixture
        {
            CommunityId = a,
            VolunteerId = volunteer.Id(),
            OpenId = "o-matrix",
            MemberCode = volunteer.GetProperty("memberCode").GetString()!,
            VictimKeyId = (await Seed.Key(App, "auditor")).Id,
        };
        _f.OtherVolunteerId = (await Seed.Volunteer(App, _keys["staff"], a)).Id();
        await Admin.Adjust(_f.VolunteerId, 1000);
        _f.ActivityId = (await Admin.CreateActivity(a, Records.FreeSlot(), 60, "elderly-care", "敬老活动")).Id();
        for (var i = 0; i < 20; i++)
            _f.Pending.Enqueue((await Records.Submit(App, _keys["staff"], _f.VolunteerId)).Id());
        for (var i = 0; i < 10; i++)
            _f.Approved.Enqueue((await Records.Submit(App, _keys["staff"], _f.VolunteerId, approveScore: 5)).Id());
        _f.RecordId = _f.Approved.Peek();
        // The year of an approved record: early in January the running year may have none yet, and then nothing to certify.
        var approved = await Admin.GetJson($"/api/v1/service-records/{_f.RecordId}");
        _f.CertificateYear = approved.GetProperty("startedAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).Year;
        var certificate = await Admin.GetStringAsync($"/api/v1/volunteers/{_f.VolunteerId}/certificate?year={_f.CertificateYear}");
        _f.CertificateCode = System.Text.RegularExpressions.Regex.Match(certificate, @"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value;
        _f.RewardId = (await Admin.CreateReward(a, 1, 100, "牙膏")).Id();
        for (var i = 0; i < 10; i++)
            _f.Redemptions.Enqueue((await Admin.Redeem(_f.VolunteerId, _f.RewardId)).Id());
    }

    private static IEnumerable<string> ApiEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Distinct();

    [Test]
    public void EveryEndpoint_IsInTheMatrix_AndTheMatrixHasNoStaleRows()
    {
        var endpoints = ApiEndpoints(App.Services).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(endpoints.Except(Matrix.Keys), Is.Empty, "Endpoints without a row in the authorization matrix");
            Assert.That(Matrix.Keys.Except(endpoints), Is.Empty, "Matrix rows without an endpoint");
        });
    }

    [Test]
    public void EveryEndpoint_NamesAnExplicitPolicy()
    {
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true);
        foreach (var endpoint in endpoints.Where(e => !IsPublic(e)))
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null).ToList();
            Assert.That(policies, Is.Not.Empty, $"{endpoint.DisplayName} has no explicit authorization policy");
            Assert.That(endpoint.Metadata.GetMetadata<IAllowAnonymous>(), Is.Null, $"{endpoint.DisplayName} allows anonymous calls");
        }
    }

    private static bool IsPublic(RouteEndpoint e) =>
        (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Any(m =>
            Matrix.TryGetValue($"{m} {e.RoutePattern.RawText!.TrimEnd('/')}", out var rule) && rule.OtherCommunity == Elsewhere.Public);

    private static IEnumerable<string> Rows() => Matrix.Keys;

    [TestCaseSource(nameof(Rows))]
    public async Task Endpoint_AnswersEachKindOfCaller_AsTheMatrixSays(string row)
    {
        var rule = Matrix[row];
        var method = new HttpMethod(row.Split(' ')[0]);
        if (rule.OtherCommunity == Elsewhere.Public)
        {
            foreach (var key in new[] { null, "lk_unknown-key-that-was-never-issued", _revokedKey }.Concat(_keys.Values))
            {
                var response = await App.Client(key).GetAsync(rule.Url(_f));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"public {row} with key {key}");
            }
            return;
        }

        async Task<HttpResponseMessage> Call(string? key)
        {
            // Each call gets its own record where the route changes one (approve, reject, reverse).
            var request = new HttpRequestMessage(method, rule.Url(_f));
            if (rule.Body(_f) is { } body)
                request.Content = JsonContent.Create(body);
            return await App.Client(key).SendAsync(request);
        }

        await Seed.Problem(await Call(null), HttpStatusCode.Unauthorized, "unauthorized");
        await Seed.Problem(await Call("lk_unknown-key-that-was-never-issued"), HttpStatusCode.Unauthorized, "unauthorized");
        await Seed.Problem(await Call(_revokedKey), HttpStatusCode.Unauthorized, "unauthorized");

        foreach (var role in new[] { "admin", "auditor", "staff", "client" })
        {
            var response = await Call(_keys[role]);
            if (rule.Roles.Contains(role))
                Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{role} on {row}: {await response.Content.ReadAsStringAsync()}");
            else
                await Seed.Problem(response, HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var role in new[] { "staff", "client" })
        {
            var response = await Call(_keys[$"{role}-elsewhere"]);
            var text = await response.Content.ReadAsStringAsync();
            if (!rule.Roles.Contains(role) || rule.OtherCommunity == Elsewhere.Forbidden)
                await Seed.Problem(response, HttpStatusCode.Forbidden, "forbidden");
            else if (rule.OtherCommunity == Elsewhere.NotFound)
                await Seed.Problem(response, HttpStatusCode.NotFound, "not-found");
            else
                Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{role} of another community on {row}: {text}");
        }
    }
}
