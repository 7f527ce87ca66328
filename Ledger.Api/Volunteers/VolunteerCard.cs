using System.Net;
using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;

namespace Ledger.Api.Volunteers;

/// <summary>
/// The member card: an SVG (prints sharp at any size) with the name, the community and the member code, as text and
/// as a QR code the counter scans.
/// </summary>
public static class VolunteerCard
{
    public static IEndpointRouteBuilder MapVolunteerCard(this IEndpointRouteBuilder app)
    {
        app.MapApiGroup("volunteers/{id:long}/card", "Volunteers")
            .MapGet("/", Card)
            .WithName("GetMemberCard")
            .WithSummary("A printable member card (SVG, 85.6 × 54 mm) with the member code as a QR code.")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static IResult Card(long id, Caller caller, Database database)
    {
        using var connection = database.OpenRead();
        var volunteer = VolunteerQueries.ById(connection, id);
        if (volunteer is null || !caller.CanAccess(volunteer.CommunityId))
            return Problems.From(Failure.NotFound("volunteer", id));
        var community = connection.ExecuteScalar<string>("SELECT name FROM communities WHERE id = @Id", new { Id = volunteer.CommunityId })!;
        return Results.Text(Render(volunteer.Name, community, volunteer.MemberCode), "image/svg+xml; charset=utf-8");
    }

    public static string Render(string name, string community, string memberCode)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var spaced = $"{memberCode[..4]} {memberCode[4..]}";
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="85.6mm" height="54mm" viewBox="0 0 856 540">
              <rect x="4" y="4" width="848" height="532" rx="36" fill="#fff" stroke="#c8102e" stroke-width="8"/>
              <rect x="4" y="4" width="848" height="96" rx="36" fill="#c8102e"/>
              <rect x="4" y="60" width="848" height="40" fill="#c8102e"/>
              <text x="44" y="70" font-size="40" fill="#fff" font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" font-weight="700">志愿服务积分卡</text>
              <text x="44" y="210" font-size="64" fill="#1f2328" font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" font-weight="700">{E(name)}</text>
              <text x="44" y="280" font-size="34" fill="#6b7280" font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif">{E(community)}</text>
              <text x="44" y="470" font-size="54" fill="#1f2328" font-family="DejaVu Sans Mono, monospace" letter-spacing="4">{E(spaced)}</text>
              <image x="546" y="150" width="270" height="270" href="{QrCodes.DataUri(memberCode)}"/>
            </svg>
            """;
    }
}
