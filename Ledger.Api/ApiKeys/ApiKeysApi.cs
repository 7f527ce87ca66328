using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;

namespace Ledger.Api.ApiKeys;

public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("api-keys", "API keys").RequireAuthorization(Policies.Admin);

        group.MapPost("/", Create)
            .WithName("CreateApiKey")
            .WithRequestExample(_ => new { name = "桃浦新村第一居民区服务台", role = "staff", communityId = 1 })
            .WithSummary("Issue a key for a role; the secret is in this answer only and is stored hashed.");
        group.MapGet("/", List)
            .WithName("ListApiKeys")
            .WithSummary("Every key, newest first, without secrets.");
        group.MapDelete("/{id:long}", Revoke)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke a key; it stops working at once.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        app.MapApiGroup("me", "API keys")
            .MapGet("/", Me)
            .WithName("GetCurrentKey")
            .WithSummary("The key making this call — its name, role and community — so a client can tell what it may do before it tries " +
                         "(the counter page admits staff and admin keys only).")
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Ok<ApiKeyResponse>> Me(Caller caller, Database database)
    {
        await using var connection = await database.OpenReadAsync();
        var row = connection.QuerySingle<ApiKeyRow>(
            $"SELECT {ApiKeyRow.Columns} FROM api_keys WHERE id = @Id", new { Id = caller.KeyId });
        return TypedResults.Ok(row.ToResponse());
    }

    public static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> Create(
        CreateApiKeyRequest request, Caller caller, Writer writer)
    {
        var key = ApiKeySecrets.Generate();
        return await writer.Create<CreatedApiKeyResponse>(caller, w =>
        {
            if (request.CommunityId is { } communityId
                && !CommunityQueries.Exists(w.Connection, communityId))
                return Failure.Invalid("communityId", "community-not-found", communityId);

            var row = Issue(w, request.Name.Trim(), request.Role, request.CommunityId, key, AuditAction.ApiKeyCreated);
            return new CreatedApiKeyResponse(row.Id, row.Name, row.Role, row.CommunityId, key, row.CreatedAt);
        });
    }

    /// <summary>
    /// The one way a key comes to exist — by the endpoint, at bootstrap, for the demo: stored as its hash with a
    /// short prefix for people, and audited in the same unit.
    /// </summary>
    public static ApiKeyRow Issue(WriteContext w, string name, string role, long? communityId, string key, AuditAction auditAction)
    {
        var row = w.Connection.QuerySingle<ApiKeyRow>(
            $"""
            INSERT INTO api_keys (name, role, community_id, key_hash, key_prefix, created_at)
            VALUES (@Name, @Role, @CommunityId, @Hash, @Prefix, @At)
            RETURNING {ApiKeyRow.Columns}
            """,
            new { Name = name, Role = role, CommunityId = communityId, Hash = ApiKeySecrets.Hash(key), Prefix = ApiKeySecrets.Display(key), At = w.NowText });
        w.Audit(auditAction, $"api-key:{row.Id}", row.ToResponse());
        return row;
    }

    private static readonly DialectSql ListSql = new(d => $"""
        SELECT {ApiKeyRow.Columns}
        FROM api_keys WHERE id < @BeforeId ORDER BY id DESC {d.LimitTake}
        """);

    public static async Task<Results<Ok<Page<ApiKeyResponse>>, ProblemHttpResult>> List(Database database, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        await using var connection = await database.OpenReadAsync();
        var rows = connection.Query<ApiKeyRow>(ListSql.For(database.Dialect), page.Value);
        return TypedResults.Ok(Paging.ToPage(rows.Select(r => r.ToResponse()), page.Value, k => k.Id));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(long id, Caller caller, Writer writer, ApiKeyCache keys)
    {
        return await writer.Delete(caller, w =>
        {
            var row = w.Connection.QuerySingleOrDefault<ApiKeyRow>(
                $"SELECT {ApiKeyRow.Columns} FROM api_keys WHERE id = @Id", new { Id = id });
            if (row is null)
                return Failure.NotFound("api-key", id);
            if (row.RevokedAt is not null)
                return true;
            // Revoking the last working admin key would lock everyone out of key management for good.
            if (row.Role == Roles.Admin
                && w.Connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM api_keys WHERE role = '{Roles.Admin}' AND revoked_at IS NULL") == 1)
                return Failure.Conflict("conflict", "last-admin-key");
            w.Connection.Execute("UPDATE api_keys SET revoked_at = @At WHERE id = @Id", new { Id = id, At = w.NowText });
            w.Audit(AuditAction.ApiKeyRevoked, $"api-key:{id}", new { row.Name, row.Role, row.CommunityId });
            w.AfterCommit(keys.Clear);
            return true;
        });
    }
}
