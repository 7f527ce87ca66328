using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
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
        var found = await staff.GetJson($"/api/v1/volunteers/by-code/{demo.SampleCode}");
        Assert.That(found.GetProperty("name").GetString(), Is.EqualTo(demo.SampleName));
        var summary = await staff.GetJson($"/api/v1/volunteers/{found.Id()}/summary");
        Assert.That(summary.GetProperty("approvedMinutes").GetInt64(), Is.GreaterThan(0));
        var redemptions = await staff.GetJson("/api/v1/redemptions");
        Assert.That(redemptions.GetProperty("items").GetArrayLength(), Is.EqualTo(10));
        Assert.That((await app.Client(demo.AuditorKey).GetAsync("/api/v1/audit/verify")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Invariants.Check(app);
    }

    /// <summary>
    /// The command as a new user types it: flags in either order around --urls. It seeds, prints keys that work, and says it
    /// keeps serving; a second run on the same file refuses (exit code 2) unless forced.
    /// </summary>
    [Test]
    public async Task SeedDemoCommand_SeedsOnTheGivenUrls_ThenRefusesAFullDatabaseUnlessForced()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "ledger.db");
        try
        {
            await using (var first = new ServiceProcess(database))
            {
                first.Launch([DemoData.Flag, "--urls", first.Address.ToString().TrimEnd('/')]);
                await first.WaitForOutput("Ctrl+C", TimeSpan.FromMinutes(3));
                Assert.That(first.Output, Does.Contain($"keeps serving at {first.Address.ToString().TrimEnd('/')}"));
                var staffKey = Regex.Match(first.Output, @"staff key:\s+(lk_\S+)").Groups[1].Value;
                var communities = await first.Client(staffKey).GetFromJsonAsync<JsonElement>("/api/v1/communities");
                Assert.That(communities.GetProperty("items")[0].GetProperty("name").GetString(), Does.Contain("演示"));
            }

            await using (var refused = new ServiceProcess(database))
            {
                refused.Launch(["--urls", refused.Address.ToString().TrimEnd('/'), DemoData.Flag]);
                Assert.That(await refused.WaitForExit(TimeSpan.FromMinutes(1)), Is.EqualTo(2), refused.Output);
                Assert.That(refused.Output, Does.Contain("already holds 1 community").And.Contain(DemoData.ForceFlag));
            }
            Assert.That(new TestDatabase(database, pooling: false).Count("communities"), Is.EqualTo(1), "a refused run adds nothing");

            await using (var forced = new ServiceProcess(database))
            {
                forced.Launch(["--urls", forced.Address.ToString().TrimEnd('/'), DemoData.Flag, DemoData.ForceFlag]);
                await forced.WaitForOutput("Ctrl+C", TimeSpan.FromMinutes(3));
            }
            Assert.That(new TestDatabase(database, pooling: false).Count("communities"), Is.EqualTo(2));
        }
        finally
        {
            TestDatabase.ReleaseAll();
            Directory.Delete(folder, recursive: true);
        }
    }
}
