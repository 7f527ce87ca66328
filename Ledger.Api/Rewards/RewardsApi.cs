using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;

namespace Ledger.Api.Rewards;

public static class RewardsApi
{
    public static IEndpointRouteBuilder MapRewardsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("rewards", "Rewards");

        group.MapPost("/", Create)
            .WithName("CreateReward")
            .WithRequestExample(_ => new { communityId = 1, name = "食用油 5升", pointsCost = 30, stock = 20, description = "爱心超市常备物资" })
            .WithSummary("Add a reward to a community's catalogue (积分超市), with its points cost and stock.")
            .RequireAuthorization(Policies.Staff);
        group.MapPatch("/{id:long}", Patch)
            .WithName("PatchReward")
            .WithRequestExample(_ => new { pointsCost = 25, stockDelta = 10, active = true })
            .WithSummary("Change the cost, move the stock by a delta, or (de)activate a reward; every change is audited.")
            .RequireAuthorization(Policies.Staff);
        group.MapGet("/", List)
            .WithName("ListRewards")
            .WithSummary("A community's rewards, newest first; active=true for what the counter can hand out.")
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Results<Created<RewardResponse>, ProblemHttpResult>> Create(CreateRewardRequest request, Caller caller, Writer writer)
    {
        if (!caller.CanAccess(request.CommunityId))
            return Problems.From(Failure.Forbidden());
        return await writer.Create<RewardResponse>(caller, w =>
        {
            if (!CommunityQueries.Exists(w.Connection, request.CommunityId))
                return Failure.Invalid("communityId", "community-not-found", request.CommunityId);
            var row = w.Connection.QuerySingle<RewardRow>(
                $"""
                INSERT INTO rewards (community_id, name, description, points_cost, stock, active, created_at, updated_at)
                VALUES (@CommunityId, @Name, @Description, @PointsCost, @Stock, @Active, @At, @At)
                RETURNING {RewardRow.Columns}
                """,
                new
                {
                    request.CommunityId,
                    Name = request.Name.Trim(),
                    Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
                    request.PointsCost,
                    request.Stock,
                    Active = true,
                    At = w.NowText,
                });
            w.Audit(AuditAction.RewardCreated, $"reward:{row.Id}", row.ToResponse());
            return row.ToResponse();
        });
    }

    public static async Task<Results<Ok<RewardResponse>, ProblemHttpResult>> Patch(long id, PatchRewardRequest request, Caller caller, Writer writer)
    {
        return await writer.Update<RewardResponse>(caller, w =>
        {
            var before = RewardQueries.ById(w.Connection, id);
            if (before is null || !w.Caller.CanAccess(before.CommunityId))
                return Failure.NotFound("reward", id);
            if (request.StockDelta is { } delta && before.Stock + delta < 0)
                return Failure.Invalid("stockDelta", "stock-below-zero", before.Stock);
            var after = w.Connection.QuerySingle<RewardRow>(
                $"""
                UPDATE rewards SET
                    points_cost = COALESCE(@PointsCost, points_cost),
                    stock = stock + @Delta,
                    active = COALESCE(@Active, active),
                    updated_at = @At
                WHERE id = @Id
                RETURNING {RewardRow.Columns}
                """,
                new { Id = id, request.PointsCost, Delta = request.StockDelta ?? 0, request.Active, At = w.NowText });
            w.Audit(AuditAction.RewardUpdated, $"reward:{id}", new
            {
                stockDelta = request.StockDelta,
                stock = new { before = before.Stock, after = after.Stock },
                pointsCost = new { before = before.PointsCost, after = after.PointsCost },
                active = new { before = before.Active, after = after.Active },
            });
            return after.ToResponse();
        });
    }

    public static async Task<Results<Ok<Page<RewardResponse>>, ProblemHttpResult>> List(
        Caller caller, Database database, long? communityId, bool? active, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        var scope = CommunityScope.For(caller, communityId);
        if (!scope.IsSuccess)
            return Problems.From(scope.Failure!);
        await using var connection = await database.OpenReadAsync();
        var filters = new WhereClause().Page("id", page.Value)
            .Where("community_id = @CommunityId", "CommunityId", scope.Value)
            .Where("active = @Active", "Active", active);
        var rows = connection.Query<RewardRow>($"SELECT {RewardRow.Columns} FROM rewards {filters.Sql} ORDER BY id DESC {database.Dialect.LimitTake}", filters.Parameters);
        return TypedResults.Ok(Paging.ToPage(rows.Select(r => r.ToResponse()), page.Value, r => r.Id));
    }
}

public static class RewardQueries
{
    public static RewardRow? ById(System.Data.IDbConnection connection, long id) =>
        connection.QuerySingleOrDefault<RewardRow>($"SELECT {RewardRow.Columns} FROM rewards WHERE id = @Id", new { Id = id });
}
