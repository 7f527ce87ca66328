using System.Data;
using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Volunteers;
using Ledger.Core.Grading;
using Ledger.Core.Ledger;
using Ledger.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Records;
using Ledger.Core.Audit;

namespace Ledger.Api.Points;

public static class PointsApi
{
    public static IEndpointRouteBuilder MapPointsApi(this IEndpointRouteBuilder app)
    {
        var volunteers = app.MapApiGroup("volunteers/{id:long}", "Points");
        volunteers.MapGet("/summary", Summary)
            .WithName("GetVolunteerSummary")
            .WithSummary("Balance, approved hours, stars and the next star, and this year's figures.")
            .RequireAuthorization(Policies.Read);
        volunteers.MapGet("/ledger", VolunteerLedger)
            .WithName("GetVolunteerLedger")
            .WithSummary("The volunteer's postings, newest first, each with the balance after it; format=csv streams them all.")
            .Produces<Page<VolunteerLedgerItem>>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AnswersCsv()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        volunteers.MapPost("/adjustments", Adjust)
            .WithName("AdjustPoints")
            .WithRequestExample(_ => new { amount = 10, reason = "补记上月敬老助餐活动漏登的积分" })
            .WithSummary("A staff correction of the balance (amount ≠ 0, reason required); never below zero.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Staff);
        volunteers.MapPost("/transfers", Transfer)
            .WithName("TransferPoints")
            .WithRequestExample(_ => new { toVolunteerId = 2, amount = 20, memo = "转赠给母亲" })
            .WithSummary("Give points to another volunteer of the same community (时间币转赠); never overdraws.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Policies.Write);

        var ledger = app.MapApiGroup("ledger", "Ledger");
        ledger.MapGet("/transactions", Transactions)
            .WithName("ListLedgerTransactions")
            .WithSummary("Ledger transactions with their postings, newest first; format=csv streams them all, a row per posting.")
            .Produces<Page<TransactionResponse>>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AnswersCsv()
            .RequireAuthorization(Policies.Read);
        ledger.MapGet("/trial-balance", TrialBalance)
            .WithName("GetTrialBalance")
            .WithSummary("Every account of a community with its balance (as of a time, if given); the total is always zero.")
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<Results<Ok<SummaryResponse>, ProblemHttpResult>> Summary(long id, Caller caller, Database database, CommunityContexts communities, TimeProvider clock)
    {
        await using var connection = await database.OpenReadAsync();
        if (VolunteerQueries.CommunityOf(connection, id) is not { } communityId || !caller.CanAccess(communityId))
            return Problems.From(Failure.NotFound("volunteer", id));
        // One read transaction: the balance and the hours come from the same committed state.
        var (balance, approvedMinutes, stats, rules, expiring) = database.Snapshot(connection, () =>
        {
            var community = communities.Load(connection, communityId)!;
            var now = clock.GetUtcNow();
            var rules = community.RulesAt(now);
            var year = ServiceTime.LocalDate(now, community.Zone).Year;
            var (yearStart, yearEnd) = ServiceTime.LocalYearBounds(year, community.Zone);
            var account = PointsLedger.VolunteerAccount(connection, id);
            var approvedMinutes = connection.ExecuteScalar<long>(
                $"SELECT COALESCE(SUM(minutes), 0) FROM service_records WHERE volunteer_id = @Id AND status = '{RecordStatuses.Approved}'", new { Id = id });
            // Read with typed getters rather than mapped: a busy year is hundreds of rows.
            var thisYear = new List<ApprovedService>();
            using (var reader = connection.ExecuteReader(
                       $"""
                       SELECT started_at, minutes, score FROM service_records
                       WHERE volunteer_id = @Id AND status = '{RecordStatuses.Approved}' AND started_at >= @From AND started_at < @To
                       """,
                       new { Id = id, From = StoredTime.Time(yearStart), To = StoredTime.Time(yearEnd) }))
            {
                while (reader.Read())
                    thisYear.Add(new ApprovedService(StoredTime.ParseTime(reader.GetString(0)), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2)));
            }
            var expiring = rules.Expiry == ExpiryPolicy.EndOfFollowingYear && account is { } a
                ? Lots.NextExpiry(ExpiryLots.LotsOf(connection, a.Id), community.Zone)
                : null;
            var balance = account?.Balance ?? 0;
            return (balance, approvedMinutes, YearStats.From(year, thisYear, community.Zone), rules, expiring);
        });

        var next = Stars.Next(approvedMinutes, rules.StarThresholdsHours);
        return TypedResults.Ok(new SummaryResponse(
            id,
            balance,
            approvedMinutes,
            Stars.For(approvedMinutes, rules.StarThresholdsHours),
            next is null ? null : new NextStarResponse(next.Stars, next.HoursToGo),
            new YearSummary(stats.Year, stats.ApprovedMinutes, stats.ActiveMonths, stats.AverageScore),
            expiring is { } e ? new ExpiringSoon(e.Points, e.At) : null));
    }

    /// <summary>The static JSON shape of each item, so the database renders the rows (<see cref="ISqlDialect.JsonObject"/>, <see cref="RawJson"/>).</summary>
    private static readonly DialectSql LedgerItemJson = new(d => d.JsonObject(
        ("transactionId", "s.transaction_id"), ("at", "s.at"), ("kind", "s.kind"), ("amount", "s.amount"), ("balanceAfter", "s.balance_after"),
        ("reference", "s.reference"), ("memo", "s.memo")));

    /// <remarks>
    /// The mini-program's most read list. It reads the volunteer's statement lines (migration 0007), one short range
    /// in page order, rather than a transaction row per posting. Each row comes back from the database as one JSON text in the
    /// shape of <see cref="VolunteerLedgerItem"/>, since reading eight columns through the provider costs some twenty
    /// native calls a row.
    /// </remarks>
    public static async Task<IResult> VolunteerLedger(
        long id, Caller caller, Database database, CommunityContexts communities, DateTimeOffset? from, DateTimeOffset? to, string? kind, string? format, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        if (kind is not null && !TransactionKinds.All.Contains(kind))
            return Problems.From(Failure.Invalid("kind", "one-of", string.Join(", ", TransactionKinds.All)));
        await using var connection = await database.OpenReadAsync();
        if (VolunteerQueries.CommunityOf(connection, id) is not { } communityId || !caller.CanAccess(communityId))
            return Problems.From(Failure.NotFound("volunteer", id));

        var csv = Csv.Wanted(format);
        var filters = new WhereClause()
            .Where("a.volunteer_id = @Id", "Id", id)
            .Page("s.posting_id", csv ? null : page.Value)
            .Where("s.kind = @Kind", "Kind", kind)
            .Where("s.at >= @From", "From", WhereClause.Time(from))
            .Where("s.at < @To", "To", WhereClause.Time(to));
        if (csv)
            return Csv.Stream($"volunteer-{id}-ledger.csv", LedgerExport, () => database.Stream<LedgerLineRow>(
                $"""
                SELECT s.transaction_id, s.at, s.kind, s.amount, s.balance_after, s.reference, s.memo, a.community_id
                FROM accounts a
                JOIN statement_lines s ON s.account_id = a.id
                {filters.Sql}
                ORDER BY s.posting_id DESC
                """, filters.Parameters), communities.Zones(database));
        // Read with typed getters rather than mapped: two columns a row, one native call fewer each.
        var rows = new List<(long PostingId, RawJson Item)>(page.Value.Take);
        using (var reader = connection.ExecuteReader(
                   $"""
                   SELECT s.posting_id, {LedgerItemJson.For(database.Dialect)}
                   FROM accounts a
                   JOIN statement_lines s ON s.account_id = a.id
                   {filters.Sql}
                   ORDER BY s.posting_id DESC
                   {database.Dialect.LimitTake}
                   """, filters.Parameters))
        {
            while (reader.Read())
                rows.Add((reader.GetInt64(0), new RawJson(reader.GetString(1))));
        }
        var items = Paging.ToPage(rows, page.Value, r => r.PostingId);
        return TypedResults.Ok(new Page<RawJson>(items.Items.Select(r => r.Item).ToList(), items.NextCursor));
    }

    public static async Task<Results<Created<PointsMovedResponse>, ProblemHttpResult>> Adjust(long id, AdjustmentRequest request, Caller caller, Writer writer)
    {
        return await writer.Create<PointsMovedResponse>(caller, w =>
        {
            var volunteer = VolunteerQueries.ById(w.Connection, id);
            if (volunteer is null || !w.Caller.CanAccess(volunteer.CommunityId))
                return Failure.NotFound("volunteer", id);
            // Read, decided on and posted in this one unit of the single writer. (On several nodes the balance must be read
            // with its account row locked.)
            var balance = PointsLedger.Balance(w.Connection, id);
            if (Transfers.Adjust(balance, request.Amount) is not null)
                return Failure.Conflict("insufficient-points", "insufficient-points", balance, -request.Amount);
            var posted = PointsLedger.Post(w, Entries.Adjustment(volunteer.CommunityId, id, request.Amount), $"volunteer:{id}", request.Reason.Trim());
            var after = posted.BalancesAfter[AccountRef.Volunteer(volunteer.CommunityId, id)];
            w.Audit(AuditAction.PointsAdjusted, $"volunteer:{id}", new { request.Amount, request.Reason, posted.TransactionId, balanceAfter = after });
            return new PointsMovedResponse(posted.TransactionId, after);
        });
    }

    public static async Task<Results<Created<PointsMovedResponse>, ProblemHttpResult>> Transfer(long id, TransferRequest request, Caller caller, Writer writer)
    {
        return await writer.Create<PointsMovedResponse>(caller, w =>
        {
            var giver = VolunteerQueries.ById(w.Connection, id);
            if (giver is null || !w.Caller.CanAccess(giver.CommunityId))
                return Failure.NotFound("volunteer", id);
            var receiver = request.ToVolunteerId == id ? giver : VolunteerQueries.ById(w.Connection, request.ToVolunteerId);
            // Checked and debited in the same unit of the single writer: no other write can come between. (On several nodes
            // the giver's balance must be read with its account row locked.)
            var balance = PointsLedger.Balance(w.Connection, id);
            if (Transfers.Give(AsHolder(giver), receiver is null ? null : AsHolder(receiver), balance, request.Amount) is { } refusal)
                return refusal switch
                {
                    PointsRefusal.SelfTransfer => Failure.Invalid("toVolunteerId", "self-transfer"),
                    PointsRefusal.ReceiverNotFound => Failure.Invalid("toVolunteerId", "volunteer-not-found", request.ToVolunteerId),
                    PointsRefusal.GiverInactive => Failure.Conflict("volunteer-inactive", "volunteer-inactive", giver.Id),
                    PointsRefusal.ReceiverInactive => Failure.Conflict("volunteer-inactive", "volunteer-inactive", request.ToVolunteerId),
                    PointsRefusal.InsufficientPoints => Failure.Conflict("insufficient-points", "insufficient-points", balance, request.Amount),
                    _ => throw new InvalidOperationException($"A gift refused as {refusal}."),
                };
            var memo = string.IsNullOrWhiteSpace(request.Memo) ? null : request.Memo.Trim();
            var posted = PointsLedger.Post(w, Entries.Transfer(giver.CommunityId, id, request.ToVolunteerId, request.Amount), $"volunteer:{id}->volunteer:{request.ToVolunteerId}", memo);
            var after = posted.BalancesAfter[AccountRef.Volunteer(giver.CommunityId, id)];
            w.Audit(AuditAction.PointsTransferred, $"volunteer:{id}", new { to = request.ToVolunteerId, request.Amount, memo, posted.TransactionId });
            return new PointsMovedResponse(posted.TransactionId, after);
        });
    }

    private static Holder AsHolder(VolunteerRow v) => new(v.Id, v.CommunityId, v.Status == VolunteerStatuses.Active);

    private static readonly DialectSql PostingsOfTransactions = new(d => $"""
        SELECT p.transaction_id, a.community_id, a.kind, a.volunteer_id, p.amount
        FROM postings p JOIN accounts a ON a.id = p.account_id
        WHERE {d.InList("p.transaction_id", "Ids")}
        ORDER BY p.id
        """);

    public static async Task<IResult> Transactions(
        Caller caller, Database database, CommunityContexts communities, long? communityId, DateTimeOffset? from, DateTimeOffset? to, string? kind, string? format,
        string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        if (kind is not null && !TransactionKinds.All.Contains(kind))
            return Problems.From(Failure.Invalid("kind", "one-of", string.Join(", ", TransactionKinds.All)));
        var scope = CommunityScope.For(caller, communityId);
        if (!scope.IsSuccess)
            return Problems.From(scope.Failure!);

        var csv = Csv.Wanted(format);
        var filters = new WhereClause()
            .Page("t.id", csv ? null : page.Value)
            .Where("t.community_id = @CommunityId", "CommunityId", scope.Value)
            .Where("t.kind = @Kind", "Kind", kind)
            .Where("t.at >= @From", "From", WhereClause.Time(from))
            .Where("t.at < @To", "To", WhereClause.Time(to));
        if (csv)
            return Csv.Stream("ledger-transactions.csv", TransactionsExport, () => database.Stream<TransactionPostingRow>(
                $"""
                SELECT t.id, t.at, t.kind, t.community_id, t.reference, t.memo, t.actor_key_id, t.reverses_id,
                       a.community_id AS account_community_id, a.kind AS account_kind, a.volunteer_id, v.name AS volunteer_name,
                       p.amount, p.balance_after
                FROM ledger_transactions t
                JOIN postings p ON p.transaction_id = t.id
                JOIN accounts a ON a.id = p.account_id
                LEFT JOIN volunteers v ON v.id = a.volunteer_id
                {filters.Sql}
                ORDER BY t.id DESC, p.id
                """, filters.Parameters), communities.Zones(database));

        await using var connection = await database.OpenReadAsync();
        var (transactions, postings) = database.Snapshot(connection, () =>
        {
            var transactions = connection.Query<TransactionRow>(
                $"""
                SELECT t.id, t.at, t.kind, t.community_id, t.reference, t.memo, t.actor_key_id, t.reverses_id
                FROM ledger_transactions t
                {filters.Sql}
                ORDER BY t.id DESC
                {database.Dialect.LimitTake}
                """, filters.Parameters).ToList();
            // All postings of the page in one query, not one per transaction.
            var postings = connection.Query<PostingRow>(PostingsOfTransactions.For(database.Dialect), new { Ids = transactions.Select(t => t.Id).ToArray() })
                .ToLookup(p => p.TransactionId);
            return (transactions, postings);
        });

        var items = Paging.ToPage(transactions, page.Value, t => t.Id);
        return TypedResults.Ok(new Page<TransactionResponse>(
            items.Items.Select(t => new TransactionResponse(t.Id, t.At, t.Kind, t.CommunityId, t.Reference, t.Memo, PointsLedger.Actor(t.ActorKeyId),
                postings[t.Id].Select(p => new PostingResponse(p.Account.ToString(), p.Amount)).ToList(), t.ReversesId)).ToList(),
            items.NextCursor));
    }

    public static async Task<Results<Ok<TrialBalanceResponse>, ProblemHttpResult>> TrialBalance(
        Caller caller, Database database, long? communityId, DateTimeOffset? asOf)
    {
        var scope = CommunityScope.For(caller, communityId);
        if (!scope.IsSuccess)
            return Problems.From(scope.Failure!);
        if (scope.Value is not { } community)
            return Problems.From(Failure.Invalid("communityId", "community-required"));

        await using var connection = await database.OpenReadAsync();
        if (!CommunityQueries.Exists(connection, community))
            return Problems.From(Failure.NotFound("community", community));
        // Now: the kept balances. As of a time: the postings up to it, summed — the two agree by construction.
        var rows = asOf is null
            ? connection.Query<BalanceRow>(
                "SELECT community_id, kind, volunteer_id, balance FROM accounts WHERE community_id = @C ORDER BY id", new { C = community })
            : connection.Query<BalanceRow>(
                """
                SELECT a.community_id, a.kind, a.volunteer_id, COALESCE(SUM(p.amount), 0) AS balance
                FROM accounts a
                LEFT JOIN postings p ON p.account_id = a.id
                    AND p.transaction_id IN (SELECT id FROM ledger_transactions WHERE community_id = @C AND at < @AsOf)
                WHERE a.community_id = @C
                GROUP BY a.id, a.community_id, a.kind, a.volunteer_id
                ORDER BY a.id
                """, new { C = community, AsOf = StoredTime.Time(asOf.Value) });
        var accounts = rows.Select(r => new AccountBalance(r.Account.ToString(), r.Balance)).ToList();
        return TypedResults.Ok(new TrialBalanceResponse(community, asOf, accounts, accounts.Sum(a => a.Balance)));
    }

    private sealed class TransactionRow
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
        public string Kind { get; init; } = "";
        public long CommunityId { get; init; }
        public string? Reference { get; init; }
        public string? Memo { get; init; }
        public long? ActorKeyId { get; init; }
        public long? ReversesId { get; init; }
    }

    private sealed class TransactionPostingRow
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
        public string Kind { get; init; } = "";
        public long CommunityId { get; init; }
        public string? Reference { get; init; }
        public string? Memo { get; init; }
        public long? ActorKeyId { get; init; }
        public long? ReversesId { get; init; }
        public long AccountCommunityId { get; init; }
        public string AccountKind { get; init; } = "";
        public long? VolunteerId { get; init; }
        public string? VolunteerName { get; init; }
        public long Amount { get; init; }
        public long BalanceAfter { get; init; }

        public AccountRef Account => new(AccountCommunityId, AccountKinds.Parse(AccountKind), VolunteerId);
    }

    /// <summary>A row per posting: the transaction's fields repeat on each of its postings.</summary>
    private static readonly CsvTable<TransactionPostingRow> TransactionsExport = new CsvTable<TransactionPostingRow>(r => r.CommunityId)
        .Number("transactionId", "交易编号", r => r.Id)
        .Time("at", "时间", r => r.At)
        .Code("kind", "类型", r => r.Kind, Labels.TransactionKind)
        .Number("communityId", "社区编号", r => r.CommunityId)
        .Text("reference", "关联", r => r.Reference, r => Labels.Reference(r.Reference))
        .Text("memo", "备注", r => r.Memo, r => Labels.Memo(r.Kind, r.Memo))
        .Text("actor", "操作者", r => PointsLedger.Actor(r.ActorKeyId), r => Labels.Actor(r.ActorKeyId))
        .Number("reversesId", "所冲销交易编号", r => r.ReversesId)
        .Text("account", "账户", r => r.Account.ToString(), r => Labels.Account(r.Account, r.VolunteerName))
        .Number("amount", "积分", r => r.Amount)
        .Number("balanceAfter", "变动后余额", r => r.BalanceAfter);

    private sealed class LedgerLineRow
    {
        public long TransactionId { get; init; }
        public DateTimeOffset At { get; init; }
        public string Kind { get; init; } = "";
        public long Amount { get; init; }
        public long BalanceAfter { get; init; }
        public string? Reference { get; init; }
        public string? Memo { get; init; }
        public long CommunityId { get; init; }
    }

    /// <summary>The columns of <see cref="VolunteerLedgerItem"/>, for the volunteer or the office to print.</summary>
    private static readonly CsvTable<LedgerLineRow> LedgerExport = new CsvTable<LedgerLineRow>(r => r.CommunityId)
        .Number("transactionId", "交易编号", r => r.TransactionId)
        .Time("at", "时间", r => r.At)
        .Code("kind", "类型", r => r.Kind, Labels.TransactionKind)
        .Number("amount", "积分变动", r => r.Amount)
        .Number("balanceAfter", "变动后余额", r => r.BalanceAfter)
        .Text("reference", "关联", r => r.Reference, r => Labels.Reference(r.Reference))
        .Text("memo", "备注", r => r.Memo, r => Labels.Memo(r.Kind, r.Memo));

    private class AccountRow
    {
        public long CommunityId { get; init; }
        public string Kind { get; init; } = "";
        public long? VolunteerId { get; init; }

        public AccountRef Account => new(CommunityId, AccountKinds.Parse(Kind), VolunteerId);
    }

    private sealed class PostingRow : AccountRow
    {
        public long TransactionId { get; init; }
        public long Amount { get; init; }
    }

    private sealed class BalanceRow : AccountRow
    {
        public long Balance { get; init; }
    }
}
