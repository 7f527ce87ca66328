using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Points;
using Ledger.Api.Rewards;
using Ledger.Api.Volunteers;
using Ledger.Core.Ledger;
using Ledger.Core.Rules;
using Ledger.Core.Volunteers;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Counter;
using Ledger.Core.Audit;

namespace Ledger.Api.Redemptions;

public static class RedemptionsApi
{
    public static IEndpointRouteBuilder MapRedemptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("redemptions", "Redemptions");

        group.MapPost("/", Redeem)
            .WithName("Redeem")
            // Within reach after the other examples: volunteer 1 holds 30 points from the example record and attendance,
            // and reward 1 costs 25 after the example patch.
            .WithRequestExample(_ => new { volunteerId = 1, rewardId = 1, quantity = 1 })
            .WithSummary("Exchange points for a reward at the counter: checks balance and stock, debits both, and issues a receipt number.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Staff);
        group.MapPost("/{id:long}/cancel", Cancel)
            .WithName("CancelRedemption")
            .WithRequestExample(_ => new { reason = "志愿者想改换其他物品" })
            .WithSummary("Cancel a redemption: the points go back (to the lots they came from) and the goods back on the shelf.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Staff);
        group.MapGet("/", List)
            .WithName("ListRedemptions")
            .WithSummary("Redemptions with receipt numbers, newest first; format=csv streams them all as a spreadsheet.")
            .Produces<Page<RedemptionListItem>>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AnswersCsv()
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Results<Created<RedemptionResponse>, ProblemHttpResult>> Redeem(RedeemRequest request, Caller caller, Writer writer)
    {
        return await writer.Create<RedemptionResponse>(caller, w =>
        {
            var volunteer = request.VolunteerId is { } volunteerId
                ? VolunteerQueries.ById(w.Connection, volunteerId)
                : MemberCode.Normalize(request.MemberCode) is { } code ? VolunteerQueries.ByCode(w.Connection, code) : null;
            if (volunteer is null || !w.Caller.CanAccess(volunteer.CommunityId))
                return Failure.NotFound("volunteer", (object?)request.VolunteerId ?? request.MemberCode);
            var reward = RewardQueries.ById(w.Connection, request.RewardId);
            if (reward is null || reward.CommunityId != volunteer.CommunityId)
                return Failure.NotFound("reward", request.RewardId);
            // Balance and stock are read, decided on and taken in this one unit of the single writer: nothing can come
            // between. (On several nodes the balance must be read with its account row locked; the stock's CHECK (stock >= 0)
            // already refuses an oversold shelf.)
            var balance = PointsLedger.Balance(w.Connection, volunteer.Id);
            var decision = Redemption.Decide(volunteerActive: volunteer.Status == VolunteerStatuses.Active, rewardActive: reward.Active,
                reward.Stock, reward.PointsCost, request.Quantity, balance);
            if (decision.Refusal is { } refusal)
                return refusal switch
                {
                    RedemptionRefusal.VolunteerInactive => Failure.Conflict("volunteer-inactive", "volunteer-inactive", volunteer.Id),
                    RedemptionRefusal.RewardInactive => Failure.Conflict("reward-inactive", "reward-inactive"),
                    RedemptionRefusal.OutOfStock => Failure.Conflict("out-of-stock", "out-of-stock", reward.Stock, request.Quantity),
                    // No balance can pay it: the honest answer, rather than the arithmetic's exception.
                    RedemptionRefusal.CostOverflow => Failure.Conflict("insufficient-points", "insufficient-points", balance,
                        Redemption.Needed(reward.PointsCost, request.Quantity)),
                    RedemptionRefusal.InsufficientPoints => Failure.Conflict("insufficient-points", "insufficient-points", balance, decision.Cost),
                    _ => throw new InvalidOperationException($"A redemption refused as {refusal}."),
                };
            var cost = decision.Cost;

            var receiptNo = NextReceiptNo(w, volunteer.CommunityId);
            var posted = PointsLedger.Post(w, Entries.Redemption(volunteer.CommunityId, volunteer.Id, cost), $"receipt:{receiptNo}", $"{reward.Name} ×{request.Quantity}");
            w.Connection.Execute("UPDATE rewards SET stock = stock - @Quantity, updated_at = @At WHERE id = @Id",
                new { request.Quantity, Id = reward.Id, At = w.NowText });
            var id = w.Connection.ExecuteScalar<long>(
                $"""
                INSERT INTO redemptions (community_id, volunteer_id, reward_id, quantity, points_spent, receipt_no, status, transaction_id, actor_key_id, created_at)
                VALUES (@CommunityId, @VolunteerId, @RewardId, @Quantity, @Cost, @ReceiptNo, '{RedemptionStatuses.Completed}', @TransactionId, @Actor, @At)
                RETURNING id
                """,
                new
                {
                    volunteer.CommunityId, VolunteerId = volunteer.Id, RewardId = reward.Id, request.Quantity, Cost = cost, ReceiptNo = receiptNo,
                    posted.TransactionId, Actor = w.Caller.KeyId, At = w.NowText,
                });
            var balanceAfter = posted.BalancesAfter[AccountRef.Volunteer(volunteer.CommunityId, volunteer.Id)];
            var response = new RedemptionResponse(id, receiptNo, volunteer.CommunityId, volunteer.Id, reward.Id, reward.Name, request.Quantity, cost,
                balanceAfter, posted.TransactionId, RedemptionStatuses.Completed, w.Now);
            w.Audit(AuditAction.RedemptionCompleted, $"redemption:{id}", response);
            return response;
        });
    }

    public static async Task<Results<Ok<CancellationResponse>, ProblemHttpResult>> Cancel(long id, CancelRequest request, Caller caller, Writer writer)
    {
        return await writer.Update<CancellationResponse>(caller, w =>
        {
            var row = Find(w.Connection, id);
            if (row is null || !w.Caller.CanAccess(row.CommunityId))
                return Failure.NotFound("redemption", id);
            // Decided on the status read in this unit of the single writer. (On several nodes the update below must be
            // conditional on the status, or two cancellations could both give the points back.)
            if (Redemption.Cancel(RedemptionStatuses.Parse(row.Status)) is not null)
                return Failure.Conflict("already-cancelled", "already-cancelled", row.CancelledAt is { } at ? TimeZones.Local(at, w.Zone(row.CommunityId)!) : "");
            var compensation = Entries.Compensate(TransactionKind.Cancellation, PointsLedger.PostingsOf(w.Connection, row.TransactionId));
            var posted = PointsLedger.Post(w, compensation, $"receipt:{row.ReceiptNo}", request.Reason.Trim(), reversesId: row.TransactionId);
            w.Connection.Execute("UPDATE rewards SET stock = stock + @Quantity, updated_at = @At WHERE id = @Id",
                new { row.Quantity, Id = row.RewardId, At = w.NowText });
            w.Connection.Execute(
                $"""
                UPDATE redemptions SET status = '{RedemptionStatuses.Cancelled}', cancellation_transaction_id = @T, cancel_reason = @Reason, cancelled_at = @At
                WHERE id = @Id
                """, new { Id = id, T = posted.TransactionId, Reason = request.Reason.Trim(), At = w.NowText });
            var balanceAfter = posted.BalancesAfter[AccountRef.Volunteer(row.CommunityId, row.VolunteerId)];
            w.Audit(AuditAction.RedemptionCancelled, $"redemption:{id}", new { request.Reason, posted.TransactionId, row.Quantity, row.PointsSpent });
            return new CancellationResponse(id, row.ReceiptNo, RedemptionStatuses.Cancelled, posted.TransactionId, balanceAfter);
        });
    }

    private const string Select =
        """
        SELECT r.id, r.receipt_no, r.community_id, r.volunteer_id, v.name AS volunteer_name, r.reward_id, w.name AS reward_name,
               r.quantity, r.points_spent, r.status, r.transaction_id, r.cancellation_transaction_id, r.cancel_reason, r.created_at, r.cancelled_at
        FROM redemptions r
        JOIN volunteers v ON v.id = r.volunteer_id
        JOIN rewards w ON w.id = r.reward_id
        """;

    public static async Task<IResult> List(
        Caller caller, Database database, CommunityContexts communities, long? communityId, long? volunteerId, DateTimeOffset? from, DateTimeOffset? to,
        string? format, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        var scope = CommunityScope.For(caller, communityId);
        if (!scope.IsSuccess)
            return Problems.From(scope.Failure!);
        var csv = Csv.Wanted(format);
        var filters = new WhereClause()
            .Page("r.id", csv ? null : page.Value)
            .Where("r.community_id = @CommunityId", "CommunityId", scope.Value)
            .Where("r.volunteer_id = @VolunteerId", "VolunteerId", volunteerId)
            .Where("r.created_at >= @From", "From", WhereClause.Time(from))
            .Where("r.created_at < @To", "To", WhereClause.Time(to));
        var sql = $"{Select} {filters.Sql} ORDER BY r.id DESC";

        if (csv)
            return Csv.Stream("redemptions.csv", Export, () => database.Stream<RedemptionRow>(sql, filters.Parameters), communities.Zones(database));

        await using var connection = await database.OpenReadAsync();
        var rows = connection.Query<RedemptionRow>(sql + " " + database.Dialect.LimitTake, filters.Parameters);
        return TypedResults.Ok(Paging.ToPage(rows.Select(r => r.ToItem()), page.Value, r => r.Id));
    }

    private static readonly CsvTable<RedemptionRow> Export = new CsvTable<RedemptionRow>(r => r.CommunityId)
        .Number("id", "兑换编号", r => r.Id)
        .Text("receiptNo", "兑换单号", r => r.ReceiptNo)
        .Number("communityId", "社区编号", r => r.CommunityId)
        .Number("volunteerId", "志愿者编号", r => r.VolunteerId)
        .Text("volunteerName", "志愿者姓名", r => r.VolunteerName)
        .Number("rewardId", "奖品编号", r => r.RewardId)
        .Text("rewardName", "奖品", r => r.RewardName)
        .Number("quantity", "数量", r => r.Quantity)
        .Number("pointsSpent", "消耗积分", r => r.PointsSpent)
        .Code("status", "状态", r => r.Status, Labels.RedemptionStatus)
        .Number("transactionId", "积分交易编号", r => r.TransactionId)
        .Number("cancellationTransactionId", "取消交易编号", r => r.CancellationTransactionId)
        .Text("cancelReason", "取消原因", r => r.CancelReason)
        .Time("createdAt", "兑换时间", r => r.CreatedAt)
        .Time("cancelledAt", "取消时间", r => r.CancelledAt);

    private static RedemptionRow? Find(System.Data.IDbConnection connection, long id) =>
        connection.QuerySingleOrDefault<RedemptionRow>(Select + " WHERE r.id = @Id", new { Id = id });

    /// <summary>C001-2026-00042: community, local year, and a sequence that restarts each year.</summary>
    private static string NextReceiptNo(WriteContext w, long communityId)
    {
        var zone = w.Zone(communityId)!;
        var year = ServiceTime.LocalDate(w.Now, zone).Year;
        var next = w.Connection.ExecuteScalar<long>(
            """
            INSERT INTO receipt_sequences (community_id, year, last) VALUES (@C, @Year, 1)
            ON CONFLICT (community_id, year) DO UPDATE SET last = receipt_sequences.last + 1
            RETURNING last
            """, new { C = communityId, Year = year });
        return $"C{communityId:D3}-{year}-{next:D5}";
    }
}
