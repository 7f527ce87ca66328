using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Infrastructure;
using Ledger.Api.ServiceRecords;
using Ledger.Api.Volunteers;
using Ledger.Core.Rules;
using Ledger.Core.Volunteers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Reports;

/// <summary>
/// Service certificates (志愿服务证明): a printable A4 page of a volunteer's approved hours in a year, with a code
/// anyone can check at <c>/api/v1/certificates/{code}</c>. Codes are 12 random characters (≈ 5·10¹⁷ of them), so one
/// certificate's code says nothing about another's.
/// </summary>
public static class Certificates
{
    public static IEndpointRouteBuilder MapCertificatesApi(this IEndpointRouteBuilder app)
    {
        app.MapApiGroup("volunteers/{id:long}/certificate", "Grading and reports")
            .MapGet("/", Issue)
            .WithName("GetCertificate")
            .WithSummary("A printable HTML service certificate (志愿服务证明) for a year, with a verification code.")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .RequireAuthorization(Policies.Write);
        app.MapGroup("/api/v1/certificates")
            .WithTags("Grading and reports")
            .MapGet("/{code}", Verify)
            .WithName("VerifyCertificate")
            .WithSummary("What a certificate certifies, by its code; no key needed, and nothing beyond what the certificate shows.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();
        return app;
    }

    private sealed class CertificateRow
    {
        public string Code { get; init; } = "";
        public long VolunteerId { get; init; }
        public int Year { get; init; }
        public long ApprovedMinutes { get; init; }
        public int Stars { get; init; }
        public string Categories { get; init; } = "[]";
        public DateTimeOffset IssuedAt { get; init; }
        public string Community { get; init; } = "";
        public string Street { get; init; } = "";
        public string District { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public string Volunteer { get; init; } = "";
    }

    private const string Select =
        """
        SELECT c.code, c.volunteer_id, c.year, c.approved_minutes, c.stars, c.categories, c.issued_at,
               m.name AS community, m.street, m.district, m.time_zone, v.name AS volunteer
        FROM certificates c
        JOIN communities m ON m.id = c.community_id
        JOIN volunteers v ON v.id = c.volunteer_id
        """;

    public static async Task<IResult> Issue(long id, Caller caller, Writer writer, TimeProvider clock, int? year)
    {
        var outcome = await writer.Run<CertificateResponse>(caller, StatusCodes.Status200OK, w =>
        {
            var volunteer = VolunteerQueries.ById(w.Connection, id);
            if (volunteer is null || !caller.CanAccess(volunteer.CommunityId))
                return Failure.NotFound("volunteer", id);
            var community = CommunityContext.Load(w.Connection, volunteer.CommunityId)!;
            var y = year ?? ServiceTime.LocalDate(clock.GetUtcNow(), community.Zone).Year;
            if (y is < 2000 or > 2100)
                return Failure.Invalid("year", "rule-out-of-range", 2000, 2100);

            var (from, to) = ServiceTime.LocalYearBounds(y, community.Zone);
            var categories = w.Connection.Query<(string Category, long Minutes)>(
                    """
                    SELECT category, SUM(minutes) FROM service_records
                    WHERE volunteer_id = @Id AND status = 'approved' AND started_at >= @From AND started_at < @To
                    GROUP BY category ORDER BY SUM(minutes) DESC, category
                    """, new { Id = id, From = Sql.Time(from), To = Sql.Time(to) })
                .Select(c => new CertificateCategory(c.Category, c.Minutes)).ToList();
            var minutes = categories.Sum(c => c.Minutes);
            // Stars are cumulative: all approved hours up to the end of the certified year.
            var cumulative = w.Connection.ExecuteScalar<long>(
                "SELECT COALESCE(SUM(minutes), 0) FROM service_records WHERE volunteer_id = @Id AND status = 'approved' AND started_at < @To",
                new { Id = id, To = Sql.Time(to) });
            var rules = community.RulesAt(to.AddTicks(-1));
            var stars = Stars.For(cumulative, rules.StarThresholdsHours);
            var categoriesJson = JsonSerializer.Serialize(categories, CategoriesJson);

            // The same figures are certified once: asking again reprints the certificate with its code.
            var existing = w.Connection.QuerySingleOrDefault<CertificateRow>(
                Select + " WHERE c.volunteer_id = @Id AND c.year = @Year AND c.approved_minutes = @Minutes AND c.stars = @Stars AND c.categories = @Categories ORDER BY c.id DESC LIMIT 1",
                new { Id = id, Year = y, Minutes = minutes, Stars = stars, Categories = categoriesJson });
            if (existing is not null)
                return ToResponse(existing);

            var code = NewCode();
            w.Connection.Execute(
                """
                INSERT INTO certificates (code, volunteer_id, community_id, year, approved_minutes, stars, categories, issued_at)
                VALUES (@Code, @Id, @C, @Year, @Minutes, @Stars, @Categories, @At)
                """,
                new { Code = code, Id = id, C = volunteer.CommunityId, Year = y, Minutes = minutes, Stars = stars, Categories = categoriesJson, At = w.NowText });
            w.Audit("certificate.issued", $"volunteer:{id}", new { code, year = y, minutes, stars });
            return ToResponse(w.Connection.QuerySingle<CertificateRow>(Select + " WHERE c.code = @Code", new { Code = code }));
        });
        return outcome.IsSuccess
            ? Results.Content(Render(outcome.Value), "text/html; charset=utf-8")
            : Problems.From(outcome.Failure!);
    }

    public static async Task<Results<Ok<CertificateResponse>, ProblemHttpResult>> Verify(string code, Database database)
    {
        var normalized = new string(code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());
        await using var connection = await database.OpenReadAsync();
        var row = normalized.Length == CodeLength
            ? connection.QuerySingleOrDefault<CertificateRow>(Select + " WHERE c.code = @Code", new { Code = normalized })
            : null;
        return row is null ? Problems.From(Failure.NotFound("certificate", code)) : TypedResults.Ok(ToResponse(row));
    }

    private const int CodeLength = 12;

    private static readonly JsonSerializerOptions CategoriesJson = new(JsonSerializerDefaults.Web);

    private static string NewCode()
    {
        var bytes = RandomNumberGenerator.GetBytes(CodeLength * 2);
        return MemberCode.FromRandom(bytes.AsSpan(0, MemberCode.Length)) + MemberCode.FromRandom(bytes.AsSpan(MemberCode.Length, MemberCode.Length))[..(CodeLength - MemberCode.Length)];
    }

    /// <summary>A certificate of the running year covers the days up to its issue, not the months still to come.</summary>
    private static CertificateResponse ToResponse(CertificateRow r)
    {
        var issued = ServiceTime.LocalDate(r.IssuedAt, TimeZones.Find(r.TimeZone));
        var end = new DateOnly(r.Year, 12, 31);
        return new CertificateResponse(r.Code, r.Community, r.Street, r.District, r.Volunteer, r.Year,
            new DateOnly(r.Year, 1, 1), issued < end ? issued : end,
        r.ApprovedMinutes, Math.Round(r.ApprovedMinutes / 60m, 2), r.Stars,
            JsonSerializer.Deserialize<List<CertificateCategory>>(r.Categories, CategoriesJson) ?? [],
            r.IssuedAt, issued);
    }

    public static string Display(string code) => $"{code[..4]}-{code[4..8]}-{code[8..]}";

    /// <summary>The printable page: Chinese, A4, no scripts and nothing fetched from elsewhere, every value HTML-encoded.</summary>
    public static string Render(CertificateResponse c)
    {
        static string E(object? value) => WebUtility.HtmlEncode(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        var rows = new StringBuilder();
        foreach (var category in c.Categories)
            rows.Append($"<tr><td>{E(Labels.Category.Zh(category.Category))}</td><td class=\"n\">{E(Math.Round(category.Minutes / 60m, 2))}</td></tr>");
        if (c.Categories.Count == 0)
            rows.Append("<tr><td colspan=\"2\">本年度暂无经审核的服务记录</td></tr>");
        var stars = c.Stars == 0 ? "—" : new string('★', c.Stars) + new string('☆', 5 - c.Stars);
        return $$"""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <title>志愿服务证明 {{E(Display(c.Code))}}</title>
            <style>
              @page { size: A4; margin: 18mm; }
              * { box-sizing: border-box; }
              body { margin: 0; font-family: "Noto Serif CJK SC", "Songti SC", "SimSun", serif; color: #222; background: #f3f0e8; }
              .page { width: 210mm; min-height: 297mm; margin: 0 auto; padding: 22mm 20mm; background: #fff; border: 3px double #b22222; }
              h1 { text-align: center; font-size: 30pt; letter-spacing: 0.4em; color: #b22222; margin: 4mm 0 10mm; }
              .lead { font-size: 14pt; line-height: 2.1; text-indent: 2em; }
              .name { font-weight: bold; font-size: 16pt; border-bottom: 1px solid #222; padding: 0 0.5em; }
              table { width: 100%; border-collapse: collapse; margin: 8mm 0; font-size: 12pt; }
              th, td { border: 1px solid #999; padding: 2.5mm 4mm; text-align: left; }
              th { background: #faf3e8; }
              td.n { text-align: right; font-variant-numeric: tabular-nums; }
              tfoot td { font-weight: bold; }
              .stars { color: #c8102e; font-size: 16pt; letter-spacing: 0.1em; }
              .sign { margin-top: 16mm; text-align: right; font-size: 13pt; line-height: 2; }
              .verify { margin-top: 14mm; border-top: 1px dashed #999; padding-top: 4mm; font-size: 10pt; color: #555; }
              .code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13pt; color: #222; letter-spacing: 0.08em; }
              @media print { body { background: none; } .page { border: none; margin: 0; width: auto; min-height: auto; } }
            </style>
            </head>
            <body>
            <main class="page">
              <h1>志愿服务证明</h1>
              <p class="lead">兹证明 <span class="name">{{E(c.Volunteer)}}</span> 同志于 {{c.PeriodStart.Year}} 年 {{c.PeriodStart.Month}} 月 {{c.PeriodStart.Day}} 日至
                {{c.PeriodEnd.Year}} 年 {{c.PeriodEnd.Month}} 月 {{c.PeriodEnd.Day}} 日期间，在{{E(c.District)}}{{E(c.Street)}}{{E(c.Community)}}参加志愿服务，
                经审核的服务时长共计 <strong>{{E(c.Hours)}}</strong> 小时。特此证明。</p>
              <table>
                <thead><tr><th>服务类别</th><th>时长（小时）</th></tr></thead>
                <tbody>{{rows}}</tbody>
                <tfoot><tr><td>合计</td><td class="n">{{E(c.Hours)}}</td></tr></tfoot>
              </table>
              <p>星级志愿者：<span class="stars">{{stars}}</span>（{{c.Stars}} 星，按累计服务时长认定）</p>
              <div class="sign">
                <div>{{E(c.Community)}}</div>
                <div>{{c.IssuedOn.Year}} 年 {{c.IssuedOn.Month}} 月 {{c.IssuedOn.Day}} 日</div>
              </div>
              <div class="verify">
                验证码 <span class="code">{{E(Display(c.Code))}}</span>　·　核验：GET /api/v1/certificates/{{E(Display(c.Code))}}
              </div>
            </main>
            </body>
            </html>
            """;
    }
}
