using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Http;
using Ledger.Api.Rules;
using Ledger.Api.Storage;
using Ledger.Core.Rules;
using Ledger.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Api;

/// <summary>
/// The community contexts kept in memory (zone and rule versions, read on nearly every write) never value a record by
/// rules that are not the committed ones: not after another node stored a version, not after a batch that stored one
/// failed.
/// </summary>
public sealed class CommunityContextsTests
{
    private static readonly DateTimeOffset LongAgo = DateTimeOffset.UtcNow.AddDays(-85);

    /// <summary>Submits and approves an hour of elderly care: (points, rule version) says which rules valued it.</summary>
    private static async Task<(long Points, int Version)> ValueAnHour(HttpClient client, long volunteer)
    {
        var response = await client.PostJson("/api/v1/service-records", Records.Body(volunteer, Records.FreeSlot(), 60, approveScore: 5));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var record = await response.Read<JsonElement>();
        return (record.GetProperty("points").GetInt64(), record.GetProperty("ruleVersion").GetInt32());
    }

    private static async Task PutRules(HttpClient admin, long community, int pointsPerHour)
    {
        var response = await admin.PutAsJsonAsync($"/api/v1/communities/{community}/rules", new { pointsPerHour, effectiveFrom = LongAgo });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Hours still to go to the next star, by the star thresholds in force now.</summary>
    private static async Task<decimal> HoursToNextStar(HttpClient client, long volunteer)
    {
        var summary = await (await client.GetAsync($"/api/v1/volunteers/{volunteer}/summary")).Read<JsonElement>();
        return summary.GetProperty("nextStar").GetProperty("hoursToGo").GetDecimal();
    }

    /// <remarks>
    /// Only this node's reads follow the other node's write: the writer's own chain heads still assume one writer per
    /// database (the PostgreSQL port takes locks for them), so the two nodes do not both write here.
    /// </remarks>
    [Test]
    public async Task ARuleVersionStoredByAnotherNode_IsInForceHere_OnTheNextRead()
    {
        await using var here = new LedgerApp();
        var community = await Seed.Community(here);
        var volunteer = (await Seed.Volunteer(here, LedgerApp.AdminKey, community)).GetProperty("id").GetInt64();
        Assert.That(await ValueAnHour(here.Admin(), volunteer), Is.EqualTo((10L, 1)));
        Assert.That(await HoursToNextStar(here.Admin(), volunteer), Is.EqualTo(99m), "the first star at 100 hours, as version 1 has it");

        // The other node is the built service in a process of its own on the same database: nothing it does reaches
        // this process's memory.
        await using (var other = new ServiceProcess(here.Database.Path))
        {
            await other.Start();
            using var otherAdmin = new HttpClient { BaseAddress = other.Address };
            otherAdmin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", LedgerApp.AdminKey);
            var response = await otherAdmin.PutAsJsonAsync($"/api/v1/communities/{community}/rules", new { starThresholdsHours = new[] { 3, 10, 30, 100, 300 } });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        }

        Assert.That(await HoursToNextStar(here.Admin(), volunteer), Is.EqualTo(2m));
    }

    /// <remarks>
    /// Two communities, one failed batch that stores a version 3 of each at 100 points an hour and reads each back.
    /// Afterwards the first still values by its committed version 2; the second commits a version 3 of its own — the
    /// very number the failed batch used — and values by that, not by the one that never was.
    /// </remarks>
    [Test]
    public async Task ABatchThatFails_LeavesNoRuleVersionInMemory_ThatWasNeverCommitted()
    {
        await using var app = new LedgerApp();
        var writer = app.Services.GetRequiredService<Writer>();
        var communities = new[] { await Seed.Community(app, "甲"), await Seed.Community(app, "乙") };
        var volunteers = new List<long>();
        foreach (var community in communities)
        {
            volunteers.Add((await Seed.Volunteer(app, LedgerApp.AdminKey, community)).GetProperty("id").GetInt64());
            await PutRules(app.Admin(), community, pointsPerHour: 20);
        }

        var entered = new TaskCompletionSource();
        using var release = new ManualResetEventSlim();
        var blocker = writer.Run<bool>(Caller.System("blocker"), _ =>
        {
            entered.SetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return true;
        });
        await entered.Task;
        var failing = new List<Task>();
        foreach (var community in communities)
        {
            failing.Add(writer.Run<bool>(Caller.System("store-rules"), w =>
            {
                RuleVersions.Insert(w, community, 3, LongAgo, RuleSet.Default with { PointsPerHour = 100 });
                return true;
            }));
            failing.Add(writer.Run<int>(Caller.System("read-community"), w => w.Community(community)!.Version));
        }
        // A foreign key left dangling is checked only at COMMIT, so the whole batch fails there.
        failing.Add(writer.Run<bool>(Caller.System("dangling"), w =>
        {
            w.Connection.Execute("PRAGMA defer_foreign_keys = ON");
            w.Connection.Execute(
                "INSERT INTO rule_versions (community_id, version, effective_from, rules, created_at) VALUES (-1, 1, '2000-01-01T00:00:00.000Z', '{}', @At)",
                new { At = w.NowText });
            return true;
        }));
        release.Set();
        await blocker;
        foreach (var unit in failing)
            Assert.That(async () => await unit, Throws.Exception, "the batch was meant to fail");

        Assert.That(await ValueAnHour(app.Admin(), volunteers[0]), Is.EqualTo((20L, 2)), "valued by a version that was never committed");
        await PutRules(app.Admin(), communities[1], pointsPerHour: 30);
        Assert.That(await ValueAnHour(app.Admin(), volunteers[1]), Is.EqualTo((30L, 3)), "valued by the version 3 that was never committed");
        Invariants.Check(app);
    }

    [Test]
    public async Task TheVersionCheck_IsOneSeekOnTheRuleVersionsKey()
    {
        await using var app = new LedgerApp();
        await Seed.Community(app);
        var plan = app.Database.QueryPlan(CommunityContexts.NewestVersion);
        // The key's own index, read backwards from the community's last entry: no table row, no sort.
        Assert.That(plan, Is.EqualTo(new[] { "SEARCH rule_versions USING COVERING INDEX sqlite_autoindex_rule_versions_1 (community_id=?)" }));
    }
}
