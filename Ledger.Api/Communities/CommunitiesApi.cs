using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Rules;
using Ledger.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;

namespace Ledger.Api.Communities;

public static class CommunitiesApi
{
    public static IEndpointRouteBuilder MapCommunitiesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("communities", "Communities");

        group.MapPost("/", Create)
            .WithName("CreateCommunity")
            .WithRequestExample(_ => new { name = "桃浦新村第一居民区", street = "桃浦镇", district = "普陀区" })
            .WithSummary("Create a community (居民区); it starts with the default rules as version 1.")
            .RequireAuthorization(Policies.Admin);
        group.MapGet("/", List)
            .WithName("ListCommunities")
            .WithSummary("Communities this key can see, newest first.")
            .RequireAuthorization(Policies.Read);
        group.MapGet("/{id:long}", Get)
            .WithName("GetCommunity")
            .WithSummary("One community.")
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Results<Created<CommunityResponse>, ProblemHttpResult>> Create(
        CreateCommunityRequest request, Caller caller, Writer writer)
    {
        return await writer.Create<CommunityResponse>(caller, w =>
        {
            var row = w.Connection.QuerySingle<CommunityRow>(
                """
                INSERT INTO communities (name, street, district, time_zone, created_at)
                VALUES (@Name, @Street, @District, @TimeZone, @At)
                RETURNING id, name, street, district, time_zone, created_at
                """,
                new
                {
                    Name = request.Name.Trim(),
                    Street = request.Street.Trim(),
                    District = request.District.Trim(),
                    TimeZone = request.TimeZone ?? TimeZones.Default,
                    At = w.NowText,
                });
            RuleVersions.Insert(w, row.Id, version: 1, RuleVersions.Beginning, RuleSet.Default);
            w.Audit(AuditAction.CommunityCreated, $"community:{row.Id}", row.ToResponse());
            return row.ToResponse();
        });
    }

    public static async Task<Results<Ok<Page<CommunityResponse>>, ProblemHttpResult>> List(
        Caller caller, Database database, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        await using var connection = await database.OpenReadAsync();
        var filters = new WhereClause().Page("id", page.Value).Where("id = @Only", "Only", caller.IsScoped ? caller.CommunityId ?? -1 : null);
        var rows = connection.Query<CommunityRow>(
            $"SELECT id, name, street, district, time_zone, created_at FROM communities {filters.Sql} ORDER BY id DESC {database.Dialect.LimitTake}", filters.Parameters);
        return TypedResults.Ok(Paging.ToPage(rows.Select(r => r.ToResponse()), page.Value, c => c.Id));
    }

    public static async Task<Results<Ok<CommunityResponse>, ProblemHttpResult>> Get(long id, Caller caller, Database database)
    {
        if (!caller.CanAccess(id))
            return Problems.From(Failure.Forbidden());
        await using var connection = await database.OpenReadAsync();
        var row = CommunityQueries.Find(connection, id);
        return row is null ? Problems.From(Failure.NotFound("community", id)) : TypedResults.Ok(row.ToResponse());
    }

}

public static class CommunityQueries
{
    public static CommunityRow? Find(System.Data.IDbConnection connection, long id) =>
        connection.QuerySingleOrDefault<CommunityRow>(
            "SELECT id, name, street, district, time_zone, created_at FROM communities WHERE id = @Id", new { Id = id });

    public static bool Exists(System.Data.IDbConnection connection, long id) =>
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM communities WHERE id = @Id", new { Id = id }) > 0;
}
