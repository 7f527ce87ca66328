using System.Data;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Volunteers;
using Ledger.Core.Grading;
using Ledger.Core.Rules;
using Ledger.Core.Volunteers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Ledger.Core.Records;
using Ledger.Core.Audit;

namespace Ledger.Api.Reports;

/// <summary>
/// Service certificates (志愿服务证明): a printable A4 page of a volunteer's approved hours in a year, with a code
/// anyone can check at <c>/api/v1/certificates/{code}</c>, printed as a full address and as a QR code of it. Codes are
/// 12 random characters (≈ 5·10¹⁷ of them), so one certificate's code says nothing about another's.
/// <para>
/// Issuing writes (the certificate and its audit event); viewing does not. POST issues the certificate of a year's
/// current figures, or answers the one already issued for exactly those figures — the same figures (and name) are
/// certified once. GET prints that certificate. When none has been issued yet, the first view by an admin, staff or
/// client key issues it: the one write a view makes, as idempotent as the POST, so that clients which only ever
/// printed keep working. An auditor's view never writes: it answers 404 until someone has issued the certificate.
/// </para>
/// </summary>
public static class Certificates
{
    public static IEndpointRouteBuilder MapCertificatesApi(this IEndpointRouteBuilder app)
    {
        var certificate = app.MapApiGroup("volunteers/{id:long}/certificate", "Grading and reports");
        certificate.MapGet("/", Print)
            .WithName("GetCertificate")
            .WithSummary("The printable HTML service certificate (志愿服务证明) of a year's current figures, with its check address as text and as a QR code. " +
                         "An admin, staff or client key's first view issues it; an auditor's view never writes (404 until it is issued).")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(Policies.Read);
        certificate.MapPost("/", Issue)
            .WithName("IssueCertificate")
            // The year the example service record (two hours back) started in: this year, except in a new year's first hours.
            .WithRequestExample(now => new { year = now.ToOffset(RequestExample.Shanghai).AddHours(-3).Year })
            .WithSummary("Issue the certificate of a year's current figures ({year}, the running year without it): 201 with its code and check address, " +
                         "or 200 with the one already issued for the same figures.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(Policies.Write);
        app.MapGroup("/api/v1/certificates")
            .WithTags("Grading and reports")
            .MapGet("/{code}", Verify)
            .WithName("VerifyCertificate")
            .WithSummary("What a certificate certifies, by its code (dashes, spaces and case ignored); no key needed, and nothing beyond what the " +
                         "certificate shows. A browser (Accept: text/html) gets a page in Chinese, anything else JSON.")
            .Produces<CertificateResponse>(StatusCodes.Status200OK, "application/json", "text/html")
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
               m.name AS community, m.street, m.district, m.time_zone, c.volunteer_name AS volunteer
        FROM certificates c
        JOIN communities m ON m.id = c.community_id
        """;

    /// <summary>What the certificate of a year would certify now, and the certificate already issued for exactly that, if any.</summary>
    private sealed record Figures(long CommunityId, string Name, int Year, long Minutes, int Stars, string Categories, CertificateRow? Issued);

    /// <param name="communityOf">The community's context as this connection sees it: committed, or the writer's unit.</param>
    private static Outcome<Figures> Current(IDbConnection connection, Func<long, CommunityContext?> communityOf, long id, int? year, Caller caller,
        DateTimeOffset now)
    {
        var volunteer = VolunteerQueries.ById(connection, id);
        if (volunteer is null || !caller.CanAccess(volunteer.CommunityId))
            return Failure.NotFound("volunteer", id);
        var community = communityOf(volunteer.CommunityId)!;
        var today = ServiceTime.LocalDate(now, community.Zone);
        var y = year ?? today.Year;
        if (y is < 2000 or > 2100)
            return Failure.Invalid("year", "rule-out-of-range", 2000, 2100);

        var (from, to) = ServiceTime.LocalYearBounds(y, community.Zone);
        var categories = connection.Query<(string Category, long Minutes)>(
                $"""
                SELECT category, SUM(minutes) FROM service_records
                WHERE volunteer_id = @Id AND status = '{RecordStatuses.Approved}' AND started_at >= @From AND started_at < @To
                GROUP BY category ORDER BY SUM(minutes) DESC, category
                """, new { Id = id, From = StoredTime.Time(from), To = StoredTime.Time(to) })
            .Select(c => new CertificateCategory(c.Category, c.Minutes)).ToList();
        var minutes = categories.Sum(c => c.Minutes);
        if (Certification.Check(y, today, minutes) is { } problem)
            return new Failure(422, Certification.Code, problem == CertificateProblem.FutureYear ? "certificate-future-year" : "no-hours-in-year", y);

        // Stars are cumulative: all approved hours up to the end of the certified year.
        var cumulative = connection.ExecuteScalar<long>(
            $"SELECT COALESCE(SUM(minutes), 0) FROM service_records WHERE volunteer_id = @Id AND status = '{RecordStatuses.Approved}' AND started_at < @To",
            new { Id = id, To = StoredTime.Time(to) });
        var stars = Stars.For(cumulative, community.RulesAt(to.AddTicks(-1)).StarThresholdsHours);
        var categoriesJson = JsonSerializer.Serialize(categories, CategoriesJson);
        var issued = connection.QuerySingleOrDefault<CertificateRow>(
            Select + """
                      WHERE c.volunteer_id = @Id AND c.year = @Year AND c.approved_minutes = @Minutes AND c.stars = @Stars
                        AND c.categories = @Categories AND c.volunteer_name = @Name
                      ORDER BY c.id DESC LIMIT 1
                     """,
            new { Id = id, Year = y, Minutes = minutes, Stars = stars, Categories = categoriesJson, volunteer.Name });
        return new Figures(volunteer.CommunityId, volunteer.Name, y, minutes, stars, categoriesJson, issued);
    }

    public static async Task<IResult> Print(long id, int? year, Caller caller, Database database, CommunityContexts communities, Writer writer,
        TimeProvider clock, PublicAddress address, HttpRequest request)
    {
        Outcome<Figures> current;
        await using (var connection = await database.OpenReadAsync())
            current = Current(connection, c => communities.Load(connection, c), id, year, caller, clock.GetUtcNow());
        if (!current.IsSuccess)
            return Problems.From(current.Failure!);
        var checkBase = address.Base(request);
        if (current.Value.Issued is { } issued)
            return Page(ToResponse(issued, checkBase));
        if (!Policies.RolesOf[Policies.Write].Contains(caller.Role))
            return Problems.From(new Failure(404, "not-found", "certificate-not-issued", current.Value.Year));
        // A GET carries no Idempotency-Key: there is no answer to store, only the certificate to print.
        var outcome = await writer.Run(caller, IssueNow(id, current.Value.Year, checkBase));
        return outcome.IsSuccess ? Page(outcome.Value) : Problems.From(outcome.Failure!);
    }

    public static async Task<Results<Created<CertificateResponse>, Ok<CertificateResponse>, ProblemHttpResult>> Issue(
        long id, IssueCertificateRequest? body, Caller caller, Database database, CommunityContexts communities, Writer writer, TimeProvider clock,
        PublicAddress address, HttpRequest request)
    {
        Outcome<Figures> current;
        await using (var connection = await database.OpenReadAsync())
            current = Current(connection, c => communities.Load(connection, c), id, body?.Year, caller, clock.GetUtcNow());
        if (!current.IsSuccess)
            return Problems.From(current.Failure!);
        var checkBase = address.Base(request);
        if (current.Value.Issued is { } issued)
            return TypedResults.Ok(ToResponse(issued, checkBase));
        var created = await writer.Create(caller, IssueNow(id, current.Value.Year, checkBase), c => c.CheckUrl);
        return created.Result is Created<CertificateResponse> c ? c : (ProblemHttpResult)created.Result;
    }

    /// <summary>The unit that issues the certificate of a year; printing and the POST share it.</summary>
    private static Func<WriteContext, Outcome<CertificateResponse>> IssueNow(long id, int year, string checkBase) =>
        w =>
        {
            // Asked again inside the unit: the figures may have moved, or a twin request issued it, since the read.
            var current = Current(w.Connection, w.Community, id, year, w.Caller, w.Now);
            if (!current.IsSuccess)
                return current.Failure!;
            var f = current.Value;
            if (f.Issued is { } issued)
                return ToResponse(issued, checkBase);
            var code = NewCode();
            w.Connection.Execute(
                """
                INSERT INTO certificates (code, volunteer_id, community_id, year, approved_minutes, stars, categories, issued_at, volunteer_name)
                VALUES (@Code, @Id, @C, @Year, @Minutes, @Stars, @Categories, @At, @Name)
                """,
                new { Code = code, Id = id, C = f.CommunityId, f.Year, f.Minutes, f.Stars, f.Categories, At = w.NowText, f.Name });
            w.Audit(AuditAction.CertificateIssued, $"volunteer:{id}", new { code, year = f.Year, minutes = f.Minutes, stars = f.Stars });
            return ToResponse(w.Connection.QuerySingle<CertificateRow>(Select + " WHERE c.code = @Code", new { Code = code }), checkBase);
        };

    public static async Task<Results<Ok<CertificateResponse>, HtmlPage, ProblemHttpResult>> Verify(
        string code, Database database, PublicAddress address, HttpContext http)
    {
        // One address answers a browser and a program differently: caches must keep the two apart.
        http.Response.Headers.Vary = HeaderNames.Accept;
        var normalized = Normalize(code);
        CertificateRow? row = null;
        DateOnly? superseded = null;
        if (normalized is not null)
        {
            await using var connection = await database.OpenReadAsync();
            row = connection.QuerySingleOrDefault<CertificateRow>(Select + " WHERE c.code = @Code", new { Code = normalized });
            if (row is not null)
                superseded = SupersededOn(connection, row);
        }
        if (row is null)
            return Problems.From(Failure.NotFound("certificate", code));
        var certificate = ToResponse(row, address.Base(http.Request)) with { SupersededOn = superseded };
        return WantsHtml(http.Request) ? new HtmlPage(RenderCheck(certificate), StyleHash) : TypedResults.Ok(certificate);
    }

    /// <summary>
    /// The day a later certificate of the same volunteer and year was issued, if one was: the figures changed (hours
    /// reversed or added), and whoever checks this one should ask for the newer. The newer code is not given away.
    /// </summary>
    private static DateOnly? SupersededOn(IDbConnection connection, CertificateRow row)
    {
        var later = connection.ExecuteScalar<string?>(
            """
            SELECT MIN(issued_at) FROM certificates
            WHERE volunteer_id = @VolunteerId AND year = @Year AND id > (SELECT id FROM certificates WHERE code = @Code)
            """, new { row.VolunteerId, row.Year, row.Code });
        return later is null ? null : ServiceTime.LocalDate(StoredTime.ParseTime(later), TimeZones.Find(row.TimeZone));
    }

    private const int CodeLength = 12;

    /// <summary>A code as typed or scanned: dashes and spaces dropped, any case. Null when it cannot be a code.</summary>
    private static string? Normalize(string code)
    {
        if (code.Length > 64)
            return null;
        var normalized = new string(code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());
        return normalized.Length == CodeLength && normalized.All(c => MemberCode.Alphabet.Contains(c)) ? normalized : null;
    }

    /// <summary>A browser lists text/html first; a program sends */*, application/json or nothing, and gets JSON.</summary>
    private static bool WantsHtml(HttpRequest request)
    {
        double html = 0, json = 0;
        foreach (var type in request.GetTypedHeaders().Accept)
        {
            var quality = type.Quality ?? 1;
            if (type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
                html = Math.Max(html, quality);
            else if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
                json = Math.Max(json, quality);
        }
        return html > 0 && html >= json;
    }

    private static readonly JsonSerializerOptions CategoriesJson = new(JsonSerializerDefaults.Web);

    private static string NewCode()
    {
        var bytes = RandomNumberGenerator.GetBytes(CodeLength * 2);
        return MemberCode.FromRandom(bytes.AsSpan(0, MemberCode.Length)) + MemberCode.FromRandom(bytes.AsSpan(MemberCode.Length, MemberCode.Length))[..(CodeLength - MemberCode.Length)];
    }

    private static CertificateResponse ToResponse(CertificateRow r, string checkBase)
    {
        var issued = ServiceTime.LocalDate(r.IssuedAt, TimeZones.Find(r.TimeZone));
        var (start, end) = Certification.Period(r.Year, issued);
        return new CertificateResponse(r.Code, r.Community, r.Street, r.District, r.Volunteer, r.Year, start, end,
            r.ApprovedMinutes, Math.Round(r.ApprovedMinutes / 60m, 2), r.Stars,
            JsonSerializer.Deserialize<List<CertificateCategory>>(r.Categories, CategoriesJson) ?? [],
            r.IssuedAt, issued, $"{checkBase}/api/v1/certificates/{Display(r.Code)}");
    }

    public static string Display(string code) => $"{code[..4]}-{code[4..8]}-{code[8..]}";

    private static HtmlPage Page(CertificateResponse c) => new(Render(c), StyleHash);

    private static string E(object? value) => WebUtility.HtmlEncode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");

    private static string StarsText(int stars) => stars == 0 ? "—" : new string('★', stars) + new string('☆', 5 - stars);

    private static string Date(DateOnly d) => $"{d.Year} 年 {d.Month} 月 {d.Day} 日";

    /// <summary>
    /// The one stylesheet of both pages, inline so a printed or saved page is one file; the pages' CSP admits it by
    /// this hash, so it must stay constant (no value of a certificate in it) and be written exactly as hashed.
    /// </summary>
    private static readonly string Style =
        """

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
          .verify { margin-top: 14mm; border-top: 1px dashed #999; padding-top: 4mm; font-size: 10pt; color: #555; display: flex; gap: 6mm; align-items: center; }
          .qr { width: 28mm; height: 28mm; image-rendering: pixelated; flex: none; }
          .code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13pt; color: #222; letter-spacing: 0.08em; }
          .url { font-family: ui-monospace, "DejaVu Sans Mono", monospace; color: #222; word-break: break-all; }
          .check { max-width: 40em; margin: 6mm auto; padding: 8mm 10mm; background: #fff; border: 3px double #b22222; }
          .check h1 { font-size: 20pt; letter-spacing: 0.2em; margin: 0 0 6mm; }
          .ok { color: #1a7f37; font-weight: bold; font-size: 13pt; }
          .old { color: #9a6700; font-weight: bold; font-size: 13pt; }
          dl { display: grid; grid-template-columns: 7em 1fr; gap: 3mm 4mm; font-size: 13pt; }
          dt { color: #666; }
          dd { margin: 0; }
          @media print { body { background: none; } .page { border: none; margin: 0; width: auto; min-height: auto; } }

        """.ReplaceLineEndings("\n");

    private static readonly string StyleHash = PageSecurity.StyleHash(Style);

    /// <summary>The printable page: Chinese, A4, no scripts and nothing fetched from elsewhere, every value HTML-encoded.</summary>
    public static string Render(CertificateResponse c)
    {
        var rows = new StringBuilder();
        foreach (var category in c.Categories)
            rows.Append($"<tr><td>{E(Labels.Category.Zh(category.Category))}</td><td class=\"n\">{E(Math.Round(category.Minutes / 60m, 2))}</td></tr>");
        return $$"""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <title>志愿服务证明 {{E(Display(c.Code))}}</title>
            <style>{{Style}}</style>
            </head>
            <body>
            <main class="page">
              <h1>志愿服务证明</h1>
              <p class="lead">兹证明 <span class="name">{{E(c.Volunteer)}}</span> 同志于 {{Date(c.PeriodStart)}}至
                {{Date(c.PeriodEnd)}}期间，在{{E(c.District)}}{{E(c.Street)}}{{E(c.Community)}}参加志愿服务，
                经审核的服务时长共计 <strong>{{E(c.Hours)}}</strong> 小时。特此证明。</p>
              <table>
                <thead><tr><th>服务类别</th><th>时长（小时）</th></tr></thead>
                <tbody>{{rows}}</tbody>
                <tfoot><tr><td>合计</td><td class="n">{{E(c.Hours)}}</td></tr></tfoot>
              </table>
              <p>星级志愿者：<span class="stars">{{StarsText(c.Stars)}}</span>（{{c.Stars}} 星，按累计服务时长认定）</p>
              <div class="sign">
                <div>{{E(c.Community)}}</div>
                <div>{{Date(c.IssuedOn)}}</div>
              </div>
              <div class="verify">
                <img class="qr" alt="核验二维码" src="{{QrCodes.DataUri(c.CheckUrl, 6)}}">
                <div>
                  <div>验证码 <span class="code">{{E(Display(c.Code))}}</span></div>
                  <div>扫描二维码或访问以下网址，核验本证明：</div>
                  <div class="url">{{E(c.CheckUrl)}}</div>
                </div>
              </div>
            </main>
            </body>
            </html>
            """;
    }

    /// <summary>The check page a phone shows after scanning: what the certificate certifies, and nothing more.</summary>
    public static string RenderCheck(CertificateResponse c)
    {
        var categories = string.Join("；", c.Categories.Select(k => $"{E(Labels.Category.Zh(k.Category))} {E(Math.Round(k.Minutes / 60m, 2))} 小时"));
        return $$"""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>志愿服务证明核验 {{E(Display(c.Code))}}</title>
            <style>{{Style}}</style>
            </head>
            <body>
            <main class="check">
              <h1>志愿服务证明核验</h1>
              {{(c.SupersededOn is { } newer
                  ? $"<p class=\"old\">⚠ 验证码 <span class=\"code\">{E(Display(c.Code))}</span> 对应的证明由本系统开具，但已于 {Date(newer)} 被一份更新的证明取代（服务时长有变动），请以最新证明为准。原证明内容如下：</p>"
                  : $"<p class=\"ok\">✔ 验证码 <span class=\"code\">{E(Display(c.Code))}</span> 对应的证明由本系统开具，内容如下：</p>")}}
              <dl>
                <dt>姓名</dt><dd>{{E(c.Volunteer)}}</dd>
                <dt>社区</dt><dd>{{E(c.District)}}{{E(c.Street)}}{{E(c.Community)}}</dd>
                <dt>年度</dt><dd>{{c.Year}} 年</dd>
                <dt>服务时长</dt><dd>{{E(c.Hours)}} 小时</dd>
                <dt>星级</dt><dd><span class="stars">{{StarsText(c.Stars)}}</span>（{{c.Stars}} 星）</dd>
                <dt>服务类别</dt><dd>{{categories}}</dd>
                <dt>开具日期</dt><dd>{{Date(c.IssuedOn)}}</dd>
              </dl>
            </main>
            </body>
            </html>
            """;
    }
}
