using Dapper;
using FluentValidation;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Ledger;
using Ledger.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;

namespace Ledger.Api.Points;

public sealed record ExpirePointsRequest(DateTimeOffset AsOf);

public sealed record ExpirePointsResponse(long CommunityId, DateTimeOffset AsOf, long ExpiredPoints, int Transactions);

public sealed class ExpirePointsValidator : AbstractValidator<ExpirePointsRequest>
{
    public ExpirePointsValidator() =>
        RuleFor(r => r.AsOf).Must(t => t.Year is >= 2000 and <= 2100).WithMessage(_ => Messages.Get("rule-out-of-range", "2000", "2100"));
}

/// <summary>
/// Points expiry (endOfFollowingYear): every lot whose end-of-following-year has passed at <c>asOf</c> lapses, as one
/// <c>expiry</c> transaction per volunteer. Lots that lapsed are empty afterwards, so running it again — with the same
/// or an earlier asOf — finds nothing to expire.
/// </summary>
public static class Expiry
{
    public static IEndpointRouteBuilder MapExpiryApi(this IEndpointRouteBuilder app)
    {
        app.MapApiGroup("communities/{id:long}/expire-points", "Points")
            .MapPost("/", Expire)
            .WithName("ExpirePoints")
            .WithRequestExample(now => new { asOf = RequestExample.Time(now) })
            .WithSummary("Expire the points whose end-of-following-year has passed at asOf; idempotent.")
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    public static async Task<Results<Ok<ExpirePointsResponse>, ProblemHttpResult>> Expire(
        long id, ExpirePointsRequest request, Caller caller, Writer writer, TimeProvider clock)
    {
        if (request.AsOf > clock.GetUtcNow() + ServiceTime.ClockSkew)
            return Problems.From(Failure.Invalid("asOf", "as-of-future"));
        return await writer.Update(caller, w => Run(w, id, request.AsOf));
    }

    public static Outcome<ExpirePointsResponse> Run(WriteContext w, long communityId, DateTimeOffset asOf)
    {
        var community = w.Community(communityId);
        if (community is null)
            return Failure.NotFound("community", communityId);
        var rules = RuleVersion.InForceAt(community.Versions, asOf)?.Rules;
        if (rules?.Expiry != ExpiryPolicy.EndOfFollowingYear)
            return new ExpirePointsResponse(communityId, asOf, 0, 0);

        // Lots of year Y lapse at local midnight starting Y+2; the newest year due at asOf is therefore its local year − 2.
        var lastDueYear = ServiceTime.LocalDate(asOf, community.Zone).Year - 2;
        var due = w.Connection.Query<(long VolunteerId, long Points)>(
            $"""
            SELECT a.volunteer_id, SUM(l.remaining)
            FROM point_lots l JOIN accounts a ON a.id = l.account_id
            WHERE a.community_id = @C AND a.kind = '{AccountKinds.Volunteer}' AND l.year <= @Year AND l.remaining > 0
            GROUP BY a.volunteer_id
            ORDER BY a.volunteer_id
            """, new { C = communityId, Year = lastDueYear }).ToList();

        foreach (var (volunteerId, points) in due)
            PointsLedger.Post(w, Entries.Expiry(communityId, volunteerId, points), $"expiry:{lastDueYear}", $"{lastDueYear} 年积分到期");
        var total = due.Sum(d => d.Points);
        if (due.Count > 0)
            w.Audit(AuditAction.PointsExpired, $"community:{communityId}", new { asOf, lastDueYear, volunteers = due.Count, points = total });
        return new ExpirePointsResponse(communityId, asOf, total, due.Count);
    }
}

public sealed class ExpiryOptions
{
    /// <summary>Runs the daily expiry for every community; tests switch it off.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan FirstRunDelay { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The daily job: expires what is due in every community, through the writer like any other change.</summary>
public sealed class ExpiryJob(Writer writer, Database database, TimeProvider clock, Microsoft.Extensions.Options.IOptions<ExpiryOptions> options,
    ILogger<ExpiryJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        try
        {
            await Task.Delay(options.Value.FirstRunDelay, clock, stoppingToken);
            using var timer = new PeriodicTimer(options.Value.Interval, clock);
            do
            {
                if (database.TryLead("expiry"))
                {
                    logger.LogInformation("This node leads the expiry job: running it");
                    await RunOnce();
                }
                else
                {
                    logger.LogInformation("Another node leads the expiry job; this node leaves it to that one");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the next start runs it again, and a run is idempotent.
        }
    }

    public async Task RunOnce()
    {
        List<long> communities;
        await using (var connection = await database.OpenReadAsync())
            communities = (connection.Query<long>("SELECT id FROM communities ORDER BY id")).ToList();
        foreach (var community in communities)
        {
            try
            {
                var outcome = await writer.Run(Caller.System("expiry-job"), w => Expiry.Run(w, community, w.Now));
                if (outcome.IsSuccess && outcome.Value.ExpiredPoints > 0)
                    logger.LogInformation("Expired {Points} points of {Volunteers} volunteers in community {Community}",
                        outcome.Value.ExpiredPoints, outcome.Value.Transactions, community);
            }
            catch (Exception ex) when (ex is not WriterStoppedException)
            {
                logger.LogError(ex, "Expiry failed for community {Community}; it is retried on the next run", community);
            }
        }
    }
}
