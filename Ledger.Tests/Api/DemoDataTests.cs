using System.Net;
using System.Text.Json;
using Ledger.Api.Demo;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class DemoDataTests
{
    [Test]
    public async Task TheDemo_BuildsALivingCommunity_UnderTheProductionRateLimit()
    {
        // The production default (200 a second, burst 400): the seeder must wait on 429s, not lose records to them.
        await using var app = new LedgerApp(kestrel: true, rateLimit: 200);
        var demo = await DemoData.Seed(app.Services, app.Address.ToString().TrimEnd('/'));

        Assert.That(demo.Volunteers, Is.EqualTo(24));
        Assert.That(demo.Rewards, Is.EqualTo(6));
        Assert.That(demo.Records, Is.GreaterThan(500), "a year of approved hours");
        var staff = app.Client(demo.StaffKey);
        var found = await (await staff.GetAsync($"/api/v1/volunteers/by-code/{demo.SampleCode}")).Read<JsonElement>();
        Assert.That(found.GetProperty("name").GetString(), Is.EqualTo(demo.SampleName));
        var summary = await (await staff.GetAsync($"/api/v1/volunteers/{found.GetProperty("id").GetInt64()}/summary")).Read<JsonElement>();
        Assert.That(summary.GetProperty("approvedMinutes").GetInt64(), Is.GreaterThan(0));
        var redemptions = await (await staff.GetAsync("/api/v1/redemptions")).Read<JsonElement>();
        Assert.That(redemptions.GetProperty("items").GetArrayLength(), Is.EqualTo(10));
        Assert.That((await app.Client(demo.AuditorKey).GetAsync("/api/v1/audit/verify")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Invariants.Check(app);
    }
}
