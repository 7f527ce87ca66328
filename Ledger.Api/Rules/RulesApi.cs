using System.Data;
using System.Text.Json;
using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;

namespace Ledger.Api.Rules;

public static class RulesApi
{
    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("communities/{id:long}/rules", "Rules");

        group.MapPut("/", Put)
            .WithName("PutRules")
            .WithRequestExample(now => new
            {
                pointsPerHour = 10,
                categoryMultipliers = new Dictionary<string, decimal> { ["epidemic"] = 2.0m, ["anti-fraud"] = 1.5m, ["flood-control"] = 1.5m },
                minMinutes = 30,
                dailyCapMinutes = 480,
                maxBackdateDays = 90,
                starThresholdsHours = new[] { 100, 300, 600, 1000, 1500 },
                expiry = RulesBody.ExpiryEndOfFollowingYear,
                grading = new
                {
                    excellent = new { minHours = 100, minAverageScore = 4.5m, minActiveMonths = 10 },
                    good = new { minHours = 50, minAverageScore = 4.0m, minActiveMonths = 6 },
                    qualified = new { minHours = 20, minAverageScore = 0m, minActiveMonths = 0 },
                },
                effectiveFrom = RequestExample.Time(now),
            })
            .WithSummary("Store a new rule version; missing fields take the defaults. It applies to records starting at or after effectiveFrom.")
            .RequireAuthorization(Policies.Admin);
        group.MapGet("/", Get)
            .WithName("GetRules")
            .WithSummary("The rule version in force now, and every version.")
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Results<Created<RulesResponse>, ProblemHttpResult>> Put(
        long id, PutRulesRequest request, Caller caller, Writer writer)
    {
        var rules = request.ToRuleSet();
        return await writer.Create<RulesResponse>(caller, w =>
        {
            var latest = w.Connection.QuerySingleOrDefault<RuleVersionRow>(
                """
                SELECT community_id, version, effective_from, rules, created_at FROM rule_versions
                WHERE community_id = @Id ORDER BY version DESC LIMIT 1
                """, new { Id = id });
            if (latest is null)
                return Failure.NotFound("community", id);

            // Versions are ordered in time as in number, so "the version in force at t" is one indexed look-up.
            var effectiveFrom = request.EffectiveFrom ?? w.Now;
            if (effectiveFrom < latest.EffectiveFrom)
                return Failure.Invalid("effectiveFrom", "effective-from-order", StoredTime.Time(latest.EffectiveFrom));

            var row = RuleVersions.Insert(w, id, (int)latest.Version + 1, effectiveFrom, rules);
            var response = row.ToResponse();
            w.Audit(AuditAction.RulesVersioned, $"community:{id}", response);
            return response;
        });
    }

    public static async Task<Results<Ok<RulesOverview>, ProblemHttpResult>> Get(
        long id, Caller caller, Database database, TimeProvider clock)
    {
        if (!caller.CanAccess(id))
            return Problems.From(Failure.Forbidden());
        await using var connection = await database.OpenReadAsync();
        var versions = await RuleVersions.All(connection, id);
        if (versions.Count == 0)
            return Problems.From(Failure.NotFound("community", id));
        var now = clock.GetUtcNow();
        var current = versions.Where(v => v.EffectiveFrom <= now).MaxBy(v => v.Version) ?? versions[0];
        return TypedResults.Ok(new RulesOverview(
            current.ToResponse(),
            versions.Select(v => v.ToResponse()).ToList()));
    }
}

/// <summary>Reading and writing rule versions; the service-record code asks here for the version in force.</summary>
public static class RuleVersions
{
    /// <summary>A community's first version is in force from before any record can start.</summary>
    public static readonly DateTimeOffset Beginning = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly JsonSerializerOptions StorageJson = new(JsonSerializerDefaults.Web);

    public static RuleVersionRow Insert(WriteContext w, long communityId, int version, DateTimeOffset effectiveFrom, RuleSet rules) =>
        w.Connection.QuerySingle<RuleVersionRow>(
            """
            INSERT INTO rule_versions (community_id, version, effective_from, rules, created_at)
            VALUES (@CommunityId, @Version, @EffectiveFrom, @Rules, @At)
            RETURNING community_id, version, effective_from, rules, created_at
            """,
            new
            {
                CommunityId = communityId,
                Version = version,
                EffectiveFrom = StoredTime.Time(effectiveFrom),
                Rules = JsonSerializer.Serialize(RulesBody.From(rules), StorageJson),
                At = w.NowText,
            });

    /// <summary>Every version of a community's rules as Core values, for valuing records by the version in force.</summary>
    public static IReadOnlyList<RuleVersion> Load(IDbConnection connection, long communityId) =>
        connection.Query<RuleVersionRow>(
                """
                SELECT community_id, version, effective_from, rules, created_at
                FROM rule_versions WHERE community_id = @CommunityId ORDER BY version
                """, new { CommunityId = communityId })
            .Select(r => r.ToVersion())
            .ToList();

    public static async Task<IReadOnlyList<RuleVersionRow>> All(IDbConnection connection, long communityId) =>
        (connection.Query<RuleVersionRow>(
            """
            SELECT community_id, version, effective_from, rules, created_at
            FROM rule_versions WHERE community_id = @CommunityId ORDER BY version DESC
            """, new { CommunityId = communityId })).ToList();
}
