using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Volunteers;
using Ledger.Core.Grading;
using Ledger.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Api.Communities;
using Ledger.Core.Records;
using Ledger.Core.Ledger;

namespace Ledger.Api.Reports;

public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var volunteers = app.MapApiGroup("volunteers/{id:long}", "Grading and reports");
        volunteers.MapGet("/grade", GradeOf)
            .WithName("GetVolunteerGrade")
            .WithSummary("The annual grade (优秀/良好/合格/待提升) with the reasons behind it, and the promotion-candidate flag.")
            .RequireAuthorization(Policies.Read);

        var communities = app.MapApiGroup("communities/{id:long}", "Grading and reports");
        communities.MapGet("/rankings", Rankings)
            .WithName("GetRankings")
            .WithSummary("The community's (or a grid's) volunteers ranked for a year: hours, then average score, then the earlier first record.")
            .RequireAuthorization(Policies.Read);
        communities.MapGet("/reports/monthly", Monthly)
            .WithName("GetMonthlyReport")
            .WithSummary("Minutes, active volunteers and points issued, redeemed, expired and adjusted per month; reconciles with the ledger.")
            .RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>A volunteer's approved records of one local year, as Core's grading sees them.</summary>
    private sealed class YearRow
    {
        public long VolunteerId { get; init; }
        public string Name { get; init; } = "";
        public string? Grid { get; init; }
        public string Echelon { get; init; } = "";
        public string? StartedAt { get; init; }
        public int? Minutes { get; init; }
        public int? Score { get; init; }
    }

    public static async Task<Results<Ok<GradeResponse>, ProblemHttpResult>> GradeOf(long id, Caller caller, Database database, CommunityContexts communities, TimeProvider clock, int? year)
    {
        await using var connection = await database.OpenReadAsync();
        var volunteer = VolunteerQueries.ById(connection, id);
        if (volunteer is null || !caller.CanAccess(volunteer.CommunityId))
            return Problems.From(Failure.NotFound("volunteer", id));
        var community = communities.Load(connection, volunteer.CommunityId)!;
        var y = year ?? ServiceTime.LocalDate(clock.GetUtcNow(), community.Zone).Year;
        if (y is < 2000 or > 2100)
            return Problems.From(Failure.Invalid("year", "rule-out-of-range", 2000, 2100));

        var rows = YearRows(connection, community, y, volunteerId: id, grid: null);
        var graded = Grade(rows, community, y).Single();
        return TypedResults.Ok(ToResponse(graded, y));
    }

    public static async Task<Results<Ok<Page<RankingItem>>, ProblemHttpResult>> Rankings(
        long id, Caller caller, Database database, CommunityContexts communities, TimeProvider clock, int? year, string? grid, string? cursor, int? limit)
    {
        if (!caller.CanAccess(id))
            return Problems.From(Failure.Forbidden());
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        await using var connection = await database.OpenReadAsync();
        var community = communities.Load(connection, id);
        if (community is null)
            return Problems.From(Failure.NotFound("community", id));
        var y = year ?? ServiceTime.LocalDate(clock.GetUtcNow(), community.Zone).Year;
        if (y is < 2000 or > 2100)
            return Problems.From(Failure.Invalid("year", "rule-out-of-range", 2000, 2100));

        var graded = Grade(YearRows(connection, community, y, volunteerId: null, grid: grid), community, y).ToDictionary(g => g.Volunteer.VolunteerId);
        var ranked = Ranking.Rank(graded.Values.Select(g => new RankingEntry(g.Volunteer.VolunteerId, g.Stats.ApprovedMinutes, g.Stats.AverageScore, g.FirstRecordAt)));
        var items = ranked.Select(r =>
        {
            var g = graded[r.Entry.VolunteerId];
            return new RankingItem(r.Rank, g.Volunteer.VolunteerId, g.Volunteer.Name, g.Volunteer.Grid, g.Volunteer.Echelon, g.Stats.ApprovedMinutes,
                g.Stats.AverageScore, g.Stats.ActiveMonths, g.Result.Grade.Name(), g.Result.PromotionCandidate);
        }).ToList();
        return TypedResults.Ok(Paging.Slice(items, page.Value));
    }

    private sealed record Graded(YearRow Volunteer, YearStats Stats, GradeResult Result, DateTimeOffset? FirstRecordAt);

    private static List<YearRow> YearRows(System.Data.IDbConnection connection, CommunityContext community, int year, long? volunteerId, string? grid)
    {
        var (from, to) = ServiceTime.LocalYearBounds(year, community.Zone);
        return connection.Query<YearRow>(
            $"""
            SELECT v.id AS volunteer_id, v.name, v.grid, v.echelon, r.started_at, r.minutes, r.score
            FROM volunteers v
            LEFT JOIN service_records r
                ON r.volunteer_id = v.id AND r.status = '{RecordStatuses.Approved}' AND r.started_at >= @From AND r.started_at < @To
            WHERE v.community_id = @C
              AND (@VolunteerId IS NULL OR v.id = @VolunteerId)
              AND (@Grid IS NULL OR v.grid = @Grid)
            ORDER BY v.id, r.started_at
            """,
            new { C = community.CommunityId, From = StoredTime.Time(from), To = StoredTime.Time(to), VolunteerId = volunteerId, Grid = grid }).ToList();
    }

    private static IEnumerable<Graded> Grade(List<YearRow> rows, CommunityContext community, int year)
    {
        // The grading thresholds in force at the end of the year being graded.
        var (_, yearEnd) = ServiceTime.LocalYearBounds(year, community.Zone);
        var rules = community.RulesAt(yearEnd.AddTicks(-1));
        foreach (var volunteer in rows.GroupBy(r => r.VolunteerId))
        {
            var services = volunteer.Where(r => r.StartedAt is not null)
                .Select(r => new ApprovedService(StoredTime.ParseTime(r.StartedAt!), r.Minutes!.Value, r.Score))
                .ToList();
            var stats = YearStats.From(year, services, community.Zone);
            var first = volunteer.First();
            yield return new Graded(first, stats, Grades.For(stats, rules.Grading, first.Echelon == "second"),
                services.Count == 0 ? null : services.Min(s => s.StartedAt));
        }
    }

    private static GradeResponse ToResponse(Graded g, int year) => new(
        g.Volunteer.VolunteerId,
        year,
        g.Result.Grade.Name(),
        g.Stats.ApprovedMinutes,
        g.Stats.AverageScore,
        g.Stats.ActiveMonths,
        g.Result.Reasons.Select(GradeTexts.Reason).ToList(),
        g.Result.Reasons.Select(r => new GradeCheck(r.For.Name(), r.Measure switch
        {
            Measure.Hours => "hours",
            Measure.AverageScore => "averageScore",
            _ => "activeMonths",
        }, r.Actual, r.Needed, r.Met)).ToList(),
        g.Result.PromotionCandidate);

    public static async Task<Results<Ok<MonthlyReport>, ProblemHttpResult>> Monthly(long id, Caller caller, Database database, CommunityContexts communities, TimeProvider clock, int? year)
    {
        if (!caller.CanAccess(id))
            return Problems.From(Failure.Forbidden());
        await using var connection = await database.OpenReadAsync();
        var community = communities.Load(connection, id);
        if (community is null)
            return Problems.From(Failure.NotFound("community", id));
        var y = year ?? ServiceTime.LocalDate(clock.GetUtcNow(), community.Zone).Year;
        if (y is < 2000 or > 2100)
            return Problems.From(Failure.Invalid("year", "rule-out-of-range", 2000, 2100));

        // Local month boundaries as instants: [b0, b1) is January … [b11, b12) is December.
        var bounds = Enumerable.Range(0, 13).Select(m => ServiceTime.LocalMidnight(new DateOnly(y, 1, 1).AddMonths(m), community.Zone)).ToArray();
        var parameters = new DynamicParameters(new { C = id });
        for (var i = 0; i <= 12; i++)
            parameters.Add($"B{i}", StoredTime.Time(bounds[i]));
        var month = "CASE " + string.Join(" ", Enumerable.Range(1, 12).Select(m => $"WHEN t.at < @B{m} THEN {m}")) + " END";

        return TypedResults.Ok(database.Snapshot(connection, () =>
        {
            var points = connection.Query<(long Month, string AccountKind, string Kind, long Amount)>(
                $"""
                SELECT {month} AS month, a.kind, t.kind, SUM(p.amount)
                FROM ledger_transactions t
                JOIN postings p ON p.transaction_id = t.id
                JOIN accounts a ON a.id = p.account_id
                WHERE t.community_id = @C AND t.at >= @B0 AND t.at < @B12 AND a.kind <> '{AccountKinds.Volunteer}'
                GROUP BY 1, a.kind, t.kind
                """, parameters).ToList();
            var records = connection.Query<(string StartedAt, long VolunteerId, int Minutes)>(
                $"SELECT started_at, volunteer_id, minutes FROM service_records WHERE community_id = @C AND status = '{RecordStatuses.Approved}' AND started_at >= @B0 AND started_at < @B12",
                parameters).Select(r => (Month: ServiceTime.LocalDate(StoredTime.ParseTime(r.StartedAt), community.Zone).Month, r.VolunteerId, r.Minutes)).ToList();
            long Outstanding(string before) => connection.ExecuteScalar<long>(
                $"""
                SELECT COALESCE(SUM(p.amount), 0) FROM postings p
                JOIN accounts a ON a.id = p.account_id
                JOIN ledger_transactions t ON t.id = p.transaction_id
                WHERE a.community_id = @C AND a.kind = '{AccountKinds.Volunteer}' AND t.at < @Before
                """, new { C = id, Before = before });

            long Sum(int m, PointsFigure figure) => points.Where(p => p.Month == m)
                .Sum(p => MonthlyFigures.Contribution(figure, TransactionKinds.Parse(p.Kind), AccountKinds.Parse(p.AccountKind), p.Amount));

            var months = Enumerable.Range(1, 12).Select(m => new MonthReport(
                m,
                records.Where(r => r.Month == m).Sum(r => (long)r.Minutes),
                records.Where(r => r.Month == m).Select(r => r.VolunteerId).Distinct().Count(),
                PointsIssued: Sum(m, PointsFigure.Issued),
                PointsRedeemed: Sum(m, PointsFigure.Redeemed),
                PointsExpired: Sum(m, PointsFigure.Expired),
                PointsAdjusted: Sum(m, PointsFigure.Adjusted))).ToList();
            return new MonthlyReport(id, y, months, Outstanding(StoredTime.Time(bounds[0])), Outstanding(StoredTime.Time(bounds[12])));
        }));
    }
}
