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
    internal static readonly DateTimeOffset LongAgo = DateTimeOffset.UtcNow.AddDays(-85);

    /// <summary>Submits and approves an hour of elderly care: (points, rule version) says which rules valued it.</summary>
    internal static async Task<(long Points, int Version)> ValueAnHour(HttpClient client, long volunteer)
    {
        var response = await client.PostJson("/api/v1/service-records", Records.Body(volunteer, Records.FreeSlot(), 60, approveScore: 5));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var record = await response.Read<JsonElement>();
        return (record.GetProperty("points").GetInt64(), record.GetProperty("ruleVersion").GetInt32());
    }

    internal static async Task PutRules(HttpClient admin, long community, int pointsPerHour)
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
        await using (var other = new ServiceProcess(here.Database, here.Folder))
        {
            await other.Start();
            using var otherAdmin = new HttpClient { BaseAddress = other.Address };
            otherAdmin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", LedgerApp.AdminKey);
            var response = await otherAdmin.PutAsJsonAsync($"/api/v1/communities/{community}/rules", new { starThresholdsHours = new[] { 3, 10, 30, 100, 300 } });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        }

        Assert.That(await HoursToNextStar(here.Admin(), volunteer), Is.EqualTo(2m));
    }
}
