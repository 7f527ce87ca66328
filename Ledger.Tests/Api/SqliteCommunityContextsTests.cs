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
/// What the community contexts do on SQLite alone: a batch made to fail at its COMMIT (a deferred foreign key, which
/// SQLite lets a unit switch on), and the version check's query plan.
/// </summary>
public sealed class SqliteCommunityContextsTests
{
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
            await CommunityContextsTests.PutRules(app.Admin(), community, pointsPerHour: 20);
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
                RuleVersions.Insert(w, community, 3, CommunityContextsTests.LongAgo, RuleSet.Default with { PointsPerHour = 100 });
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

        Assert.That(await CommunityContextsTests.ValueAnHour(app.Admin(), volunteers[0]), Is.EqualTo((20L, 2)), "valued by a version that was never committed");
        await CommunityContextsTests.PutRules(app.Admin(), communities[1], pointsPerHour: 30);
        Assert.That(await CommunityContextsTests.ValueAnHour(app.Admin(), volunteers[1]), Is.EqualTo((30L, 3)), "valued by the version 3 that was never committed");
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
