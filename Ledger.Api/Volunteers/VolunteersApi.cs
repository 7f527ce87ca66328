using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Volunteers;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;

namespace Ledger.Api.Volunteers;

public static class VolunteersApi
{
    public static IEndpointRouteBuilder MapVolunteersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("volunteers", "Volunteers");

        group.MapPost("/", Create)
            .WithName("CreateVolunteer")
            .WithRequestExample(_ => new
            {
                communityId = 1, name = "张阿姨", phone = "13912345678", grid = "第一网格", buildingGroup = "12号楼",
                skills = new[] { "理发" }, echelon = "second",
            })
            .WithSummary("Register a volunteer; the answer carries the member code printed on the card.")
            .RequireAuthorization(Policies.Write);
        group.MapGet("/{id:long}", Get)
            .WithName("GetVolunteer")
            .WithSummary("One volunteer.")
            .RequireAuthorization(Policies.Read);
        group.MapGet("/", Search)
            .WithName("SearchVolunteers")
            .WithSummary("Volunteers of a community, newest first; q matches a name or a member code, and for the community's own staff and client keys a whole phone number; format=csv streams the roster.")
            .Produces<Page<VolunteerResponse>>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AnswersCsv()
            .RequireAuthorization(Policies.Read);
        group.MapGet("/by-openid/{openId}", GetByOpenId)
            .WithName("GetVolunteerByOpenId")
            .WithSummary("The volunteer bound to a WeChat openid.")
            .RequireAuthorization(Policies.Read);
        group.MapGet("/by-code/{memberCode}", GetByCode)
            .WithName("GetVolunteerByCode")
            .WithSummary("The volunteer with a member code, as typed or scanned at the counter (case, spaces and dashes ignored).")
            .RequireAuthorization(Policies.Read);
        group.MapPatch("/{id:long}", Patch)
            .WithName("PatchVolunteer")
            .WithRequestExample(_ => new
            {
                grid = "第二网格", buildingGroup = "15号楼", skills = new[] { "理发", "测血压" }, echelon = "first", phone = "13812345678",
            })
            .WithSummary("Change grid, building group, skills, echelon, phone or status; staff and admin keys may also correct the name.")
            .RequireAuthorization(Policies.Write);
        return app;
    }

    public static async Task<Results<Created<VolunteerResponse>, ProblemHttpResult>> Create(
        CreateVolunteerRequest request, Caller caller, Writer writer)
    {
        if (!caller.CanAccess(request.CommunityId))
            return Problems.From(Failure.Forbidden());
        return await writer.Create<VolunteerResponse>(caller, w =>
        {
            var c = w.Connection;
            if (!CommunityQueries.Exists(c, request.CommunityId))
                return Failure.Invalid("communityId", "community-not-found", request.CommunityId);
            // An openid is one WeChat user, bound once across all communities; the holder is named only to a key that may
            // see them, so the answer does not tell another community who is registered where.
            if (request.WechatOpenId is not null
                && c.QuerySingleOrDefault<(long Id, long CommunityId)?>("SELECT id, community_id FROM volunteers WHERE wechat_open_id = @OpenId",
                    new { OpenId = request.WechatOpenId }) is { } taken)
                return w.Caller.CanAccess(taken.CommunityId)
                    ? Failure.Conflict("duplicate-openid", "duplicate-openid", taken.Id)
                    : Failure.Conflict("duplicate-openid", "duplicate-openid-elsewhere");

            var row = c.QuerySingle<VolunteerRow>(
                $"""
                INSERT INTO volunteers (community_id, member_code, name, phone, wechat_open_id, grid, building_group, skills, echelon, status, created_at, updated_at)
                VALUES (@CommunityId, @MemberCode, @Name, @Phone, @WechatOpenId, @Grid, @BuildingGroup, @Skills, @Echelon, '{VolunteerStatuses.Active}', @At, @At)
                RETURNING {VolunteerRow.Columns}
                """,
                new
                {
                    request.CommunityId,
                    MemberCode = NewMemberCode(c),
                    Name = request.Name.Trim(),
                    Phone = Phones.Normalize(request.Phone),
                    request.WechatOpenId,
                    Grid = Blank(request.Grid),
                    BuildingGroup = Blank(request.BuildingGroup),
                    Skills = JsonSerializer.Serialize(request.Skills?.Select(s => s.Trim()).Distinct().ToArray() ?? []),
                    request.Echelon,
                    At = w.NowText,
                });
            w.Audit(AuditAction.VolunteerCreated, $"volunteer:{row.Id}", row.ToResponse(masked: true));
            return row.ToResponse();
        });
    }

    public static async Task<Results<Ok<VolunteerResponse>, ProblemHttpResult>> Get(long id, Caller caller, Database database)
    {
        await using var connection = await database.OpenReadAsync();
        return Visible(VolunteerQueries.ById(connection, id), caller, id);
    }

    public static async Task<Results<Ok<VolunteerResponse>, ProblemHttpResult>> GetByOpenId(string openId, Caller caller, Database database)
    {
        await using var connection = await database.OpenReadAsync();
        var row = connection.QuerySingleOrDefault<VolunteerRow>(
            $"SELECT {VolunteerRow.Columns} FROM volunteers WHERE wechat_open_id = @OpenId", new { OpenId = openId });
        return Visible(row, caller, openId);
    }

    public static async Task<Results<Ok<VolunteerResponse>, ProblemHttpResult>> GetByCode(string memberCode, Caller caller, Database database)
    {
        var code = MemberCode.Normalize(memberCode);
        if (code is null)
            return Problems.From(Failure.NotFound("volunteer", memberCode));
        await using var connection = await database.OpenReadAsync();
        return Visible(VolunteerQueries.ByCode(connection, code), caller, memberCode);
    }

    public static async Task<Results<Ok<Page<VolunteerResponse>>, PushStreamHttpResult, ProblemHttpResult>> Search(
        Caller caller, Database database, CommunityContexts communities, long? communityId, string? q, string? format, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        var scope = CommunityScope.For(caller, communityId);
        if (!scope.IsSuccess)
            return Problems.From(scope.Failure!);
        communityId = scope.Value;

        var term = q?.Trim();
        if (term is { Length: > 100 })
            return Problems.From(Failure.Invalid("q", "rule-out-of-range", 1, 100));
        string? code = null, phone = null, nameLike = null;
        if (!string.IsNullOrEmpty(term))
        {
            code = MemberCode.Normalize(term);
            phone = Phones.SearchTerm(caller, term);
            nameLike = "%" + EscapeLike(term) + "%";
        }

        var csv = Csv.Wanted(format);
        var filters = new WhereClause().Page("id", csv ? null : page.Value)
            .Where("community_id = @CommunityId", "CommunityId", communityId)
            .Where(NameSearch.For(database.Dialect), "NameLike", nameLike);
        filters.Param("Code", code).Param("Phone", phone).Param("OtherPhone", Phones.OtherForm(phone));
        var maskPhones = !Phones.SeesWholePhones(caller);
        if (csv)
            return Csv.Stream("volunteers.csv", maskPhones ? MaskedRoster : Roster,
                () => database.Stream<VolunteerRow>($"SELECT {VolunteerRow.Columns} FROM volunteers {filters.Sql} ORDER BY id DESC", filters.Parameters),
                communities.Zones(database));

        await using var connection = await database.OpenReadAsync();
        var rows = connection.Query<VolunteerRow>(
            $"SELECT {VolunteerRow.Columns} FROM volunteers {filters.Sql} ORDER BY id DESC {database.Dialect.LimitTake}", filters.Parameters);
        return TypedResults.Ok(Paging.ToPage(rows.Select(r => r.ToResponse(maskPhones)), page.Value, v => v.Id));
    }

    /// <summary>
    /// The roster as an office keeps it. The WeChat openid stays out: it identifies a person to WeChat and is of no use
    /// on a sheet that gets mailed around. Skills are a JSON array in the machine form, 、-separated in Chinese.
    /// </summary>
    private static CsvTable<VolunteerRow> RosterTable(bool maskPhones) => new CsvTable<VolunteerRow>(v => v.CommunityId)
        .Number("id", "志愿者编号", v => v.Id)
        .Number("communityId", "社区编号", v => v.CommunityId)
        .Text("memberCode", "志愿者卡号", v => v.MemberCode)
        .Text("name", "姓名", v => v.Name)
        .Text("phone", "电话", v => maskPhones ? Phones.Mask(v.Phone) : v.Phone)
        .Text("grid", "网格", v => v.Grid)
        .Text("buildingGroup", "楼组", v => v.BuildingGroup)
        .Text("skills", "技能", v => JsonSerializer.Serialize(JsonSerializer.Deserialize<string[]>(v.Skills) ?? [], ReadableJson),
            v => string.Join("、", JsonSerializer.Deserialize<string[]>(v.Skills) ?? []))
        .Code("echelon", "梯队", v => v.Echelon, Labels.Echelon)
        .Code("status", "状态", v => v.Status, Labels.VolunteerStatus)
        .Time("createdAt", "登记时间", v => v.CreatedAt)
        .Time("updatedAt", "更新时间", v => v.UpdatedAt);

    /// <summary>The machine form's skills as a JSON array a person can still read: 理发, not \u7406\u53D1 as stored.</summary>
    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Phones as the caller sees them in JSON: whole for the community's own keys, masked for auditors.</summary>
    private static readonly CsvTable<VolunteerRow> Roster = RosterTable(maskPhones: false);

    private static readonly CsvTable<VolunteerRow> MaskedRoster = RosterTable(maskPhones: true);

    public static async Task<Results<Ok<VolunteerResponse>, ProblemHttpResult>> Patch(
        long id, PatchVolunteerRequest request, Caller caller, Writer writer)
    {
        // A mini-program registers a volunteer under the name they give; correcting it afterwards is the community's call.
        if (request.Name is not null && caller.Role is not (Roles.Staff or Roles.Admin))
            return Problems.From(new Failure(403, "forbidden", "rename-needs-staff"));
        return await writer.Update<VolunteerResponse>(caller, w =>
        {
            var before = VolunteerQueries.ById(w.Connection, id);
            if (before is null || !w.Caller.CanAccess(before.CommunityId))
                return Failure.NotFound("volunteer", id);
            var after = w.Connection.QuerySingle<VolunteerRow>(
                $"""
                UPDATE volunteers SET
                    name = COALESCE(@Name, name),
                    grid = CASE WHEN @SetGrid THEN @Grid ELSE grid END,
                    building_group = CASE WHEN @SetBuildingGroup THEN @BuildingGroup ELSE building_group END,
                    skills = COALESCE(@Skills, skills),
                    echelon = COALESCE(@Echelon, echelon),
                    phone = COALESCE(@Phone, phone),
                    status = COALESCE(@Status, status),
                    updated_at = @At
                WHERE id = @Id
                RETURNING {VolunteerRow.Columns}
                """,
                new
                {
                    Id = id,
                    Name = request.Name?.Trim(),
                    SetGrid = request.Grid is not null,
                    Grid = Blank(request.Grid),
                    SetBuildingGroup = request.BuildingGroup is not null,
                    BuildingGroup = Blank(request.BuildingGroup),
                    Skills = request.Skills is null ? null : JsonSerializer.Serialize(request.Skills.Select(s => s.Trim()).Distinct().ToArray()),
                    request.Echelon,
                    Phone = Phones.Normalize(request.Phone),
                    request.Status,
                    At = w.NowText,
                });
            w.Audit(AuditAction.VolunteerUpdated, $"volunteer:{id}", new { before = before.ToResponse(masked: true), after = after.ToResponse(masked: true) });
            return after.ToResponse();
        });
    }

    /// <summary>Another community's volunteer answers 404, not 403: ids and openids should not confirm who exists elsewhere.</summary>
    private static Results<Ok<VolunteerResponse>, ProblemHttpResult> Visible(VolunteerRow? row, Caller caller, object id) =>
        row is null || !caller.CanAccess(row.CommunityId)
            ? Problems.From(Failure.NotFound("volunteer", id))
            : TypedResults.Ok(row.ToResponse(!Phones.SeesWholePhones(caller)));

    private static string NewMemberCode(IDbConnection connection)
    {
        // 30^8 ≈ 6.6e11 codes: a collision is rare even with millions of volunteers, but it is checked, not hoped away.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var code = MemberCode.FromRandom(RandomNumberGenerator.GetBytes(MemberCode.Length));
            if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM volunteers WHERE member_code = @Code", new { Code = code }) == 0)
                return code;
        }
        throw new InvalidOperationException("Could not find a free member code in 10 attempts.");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static readonly DialectSql NameSearch = new(d =>
        $"(member_code = @Code OR phone IN (@Phone, @OtherPhone) OR name {d.CaseInsensitiveLike} @NameLike ESCAPE '\\')");

    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}

public static class VolunteerQueries
{
    // Synchronous on purpose: units of the writer run synchronously on its thread and call these too.
    public static VolunteerRow? ById(IDbConnection connection, long id) =>
        connection.QuerySingleOrDefault<VolunteerRow>($"SELECT {VolunteerRow.Columns} FROM volunteers WHERE id = @Id", new { Id = id });

    /// <summary>The volunteer's community, or null when there is no such volunteer: all an access check needs.</summary>
    public static long? CommunityOf(IDbConnection connection, long id) =>
        connection.ExecuteScalar<long?>("SELECT community_id FROM volunteers WHERE id = @Id", new { Id = id });

    public static VolunteerRow? ByCode(IDbConnection connection, string memberCode) =>
        connection.QuerySingleOrDefault<VolunteerRow>(
            $"SELECT {VolunteerRow.Columns} FROM volunteers WHERE member_code = @Code", new { Code = memberCode });
}
