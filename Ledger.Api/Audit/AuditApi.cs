using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Points;
using Ledger.Core.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Ledger.Core.Audit;
using Ledger.Api.Communities;

namespace Ledger.Api.Audit;

public sealed record AuditEventResponse(long Id, DateTimeOffset At, string Actor, string Action, string Subject, string? RequestId, string Detail);

public sealed record BrokenItem(string Kind, long Id)
{
    public const string AuditEvent = "auditEvent";
    public const string Transaction = "transaction";
    public const string StatementLine = "statementLine";
    public static readonly string[] Kinds = [AuditEvent, Transaction, StatementLine];
}

public sealed record VerifyResponse(bool Ok, long CheckedEvents, long CheckedTransactions, BrokenItem? FirstBroken, long CheckedStatementLines);

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("audit", "Audit");
        group.MapGet("/events", Events)
            .WithName("ListAuditEvents")
            .WithSummary("Audit events, newest first, by time, actor (api-key:7 or system), action and subject; format=csv streams them all.")
            .Produces<Page<AuditEventResponse>>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AnswersCsv()
            .RequireAuthorization(Policies.Audit);
        group.MapGet("/verify", Verify)
            .WithName("VerifyChains")
            .WithSummary("Recompute both hash chains and compare the volunteers' statement lines with the books; ok is false with the first broken item when a row was edited or removed behind the service's back.")
            .RequireAuthorization(Policies.Audit);
        return app;
    }

    public static async Task<IResult> Events(Database database, CommunityContexts communities, DateTimeOffset? from, DateTimeOffset? to, string? actor, string? action, string? subject,
        string? format, string? cursor, int? limit)
    {
        var page = Paging.Parse(cursor, limit);
        if (!page.IsSuccess)
            return Problems.From(page.Failure!);
        long? actorId = null;
        if (actor is not null && actor != "system")
        {
            var digits = actor.StartsWith("api-key:", StringComparison.Ordinal) ? actor["api-key:".Length..] : actor;
            if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                return Problems.From(Failure.Invalid("actor", "actor-format"));
            actorId = parsed;
        }
        var csv = Csv.Wanted(format);
        var filters = new WhereClause()
            .Page("id", csv ? null : page.Value)
            .Where("at >= @From", "From", WhereClause.Time(from))
            .Where("at < @To", "To", WhereClause.Time(to))
            .Where(actor == "system" ? "actor_key_id IS NULL" : "actor_key_id = @Actor", "Actor", actor is null ? null : (object?)actorId ?? "system")
            .Where("action = @Action", "Action", action)
            .Where("subject = @Subject", "Subject", subject);
        var sql = $"SELECT id, at, actor_key_id, action, subject, request_id, detail FROM audit_events {filters.Sql} ORDER BY id DESC";

        if (csv)
            return Csv.Stream("audit-events.csv", Export, () => database.Stream<EventRow>(sql, filters.Parameters), communities.Zones(database));

        await using var connection = await database.OpenReadAsync();
        var rows = connection.Query<EventRow>(sql + " " + database.Dialect.LimitTake, filters.Parameters);
        return TypedResults.Ok(Paging.ToPage(rows.Select(e => e.ToResponse()), page.Value, e => e.Id));
    }

    /// <remarks>
    /// An event belongs to no community, so its local time is the default zone's (Shanghai). Actions have their
    /// Chinese words where one reads well; an action without one (added later) shows as its code.
    /// </remarks>
    private static readonly CsvTable<EventRow> Export = new CsvTable<EventRow>(_ => null)
        .Number("id", "事件编号", e => e.Id)
        .Time("at", "时间", e => e.At)
        .Text("actor", "操作者", e => PointsLedger.Actor(e.ActorKeyId), e => Labels.Actor(e.ActorKeyId))
        .Code("action", "操作", e => e.Action, Labels.AuditAction)
        .Text("subject", "对象", e => e.Subject, e => Labels.Reference(e.Subject))
        .Text("requestId", "请求编号", e => e.RequestId)
        .Text("detail", "详情", e => e.Detail);

    public static async Task<Ok<VerifyResponse>> Verify(Database database)
    {
        await using var connection = await database.OpenReadAsync();
        var result = database.Snapshot(connection, () =>
        {
            var (events, brokenEvent) = VerifyEvents(connection);
            var (transactions, brokenTransaction) = VerifyTransactions(connection);
            var (lines, brokenLine) = VerifyStatementLines(connection);
            var first = brokenEvent ?? brokenTransaction ?? brokenLine;
            return new VerifyResponse(first is null, events, transactions, first, lines);
        });
        return TypedResults.Ok(result);
    }

    private static (long Checked, BrokenItem? Broken) VerifyEvents(System.Data.IDbConnection connection)
    {
        var previous = Chain.Genesis;
        long count = 0;
        foreach (var e in connection.Query<EventRow>(
                     "SELECT id, at, at AS at_text, actor_key_id, action, subject, request_id, detail, hash FROM audit_events ORDER BY id", buffered: false))
        {
            count++;
            var expected = Chain.Hash(previous, Chain.AuditEvent(e.Id, e.AtText, e.ActorKeyId, e.Action, e.Subject, e.RequestId, e.Detail));
            if (expected != e.Hash)
                return (count, new BrokenItem(BrokenItem.AuditEvent, e.Id));
            previous = Convert.FromHexString(e.Hash);
        }
        return (count, null);
    }

    /// <summary>One pass over transactions joined to their postings, in id order: flat memory for any number of rows.</summary>
    private static (long Checked, BrokenItem? Broken) VerifyTransactions(System.Data.IDbConnection connection)
    {
        var previous = Chain.Genesis;
        long count = 0;
        TransactionPostingRow? current = null;
        var postings = new List<(string, long)>();
        long sum = 0;

        BrokenItem? Close()
        {
            if (current is null)
                return null;
            count++;
            var t = current;
            var expected = Chain.Hash(previous, Chain.Transaction(t.Id, t.CommunityId, t.Kind, t.AtText, t.Reference, t.Memo, t.ActorKeyId,
                t.RequestId, t.ReversesId, postings));
            if (expected != t.Hash || sum != 0 || postings.Count < 2)
                return new BrokenItem(BrokenItem.Transaction, t.Id);
            previous = Convert.FromHexString(t.Hash);
            return null;
        }

        foreach (var row in connection.Query<TransactionPostingRow>(
                     """
                     SELECT t.id, t.community_id, t.kind, t.at AS at_text, t.reference, t.memo, t.actor_key_id, t.request_id, t.reverses_id, t.hash,
                            a.community_id AS account_community_id, a.kind AS account_kind, a.volunteer_id AS account_volunteer_id, p.amount
                     FROM ledger_transactions t
                     LEFT JOIN postings p ON p.transaction_id = t.id
                     LEFT JOIN accounts a ON a.id = p.account_id
                     ORDER BY t.id, p.id
                     """, buffered: false))
        {
            if (current is null || row.Id != current.Id)
            {
                if (Close() is { } broken)
                    return (count, broken);
                current = row;
                postings.Clear();
                sum = 0;
            }
            if (row.AccountKind is not null)
            {
                var account = new AccountRef(row.AccountCommunityId!.Value, AccountKinds.Parse(row.AccountKind), row.AccountVolunteerId);
                postings.Add((account.ToString(), row.Amount!.Value));
                sum += row.Amount.Value;
            }
        }
        return Close() is { } last ? (count, last) : (count, null);
    }

    /// <summary>
    /// The statement lines are a copy of the books (migration 0007), so they are checked against them rather than
    /// chained: every line must match its posting and transaction, and every posting to a volunteer must have its line.
    /// A broken item names the posting.
    /// </summary>
    private static (long Checked, BrokenItem? Broken) VerifyStatementLines(System.Data.IDbConnection connection)
    {
        var count = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM statement_lines");
        var differing = connection.ExecuteScalar<long?>(
            """
            SELECT MIN(s.posting_id) FROM statement_lines s
            LEFT JOIN postings p ON p.id = s.posting_id
            LEFT JOIN ledger_transactions t ON t.id = p.transaction_id
            WHERE t.id IS NULL
               OR p.account_id <> s.account_id OR p.transaction_id <> s.transaction_id
               OR p.amount <> s.amount OR p.balance_after <> s.balance_after
               OR t.at <> s.at OR t.kind <> s.kind
               OR t.reference IS DISTINCT FROM s.reference OR t.memo IS DISTINCT FROM s.memo
            """);
        var missing = connection.ExecuteScalar<long?>(
            """
            SELECT MIN(p.id) FROM postings p
            JOIN accounts a ON a.id = p.account_id
            WHERE a.volunteer_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM statement_lines s WHERE s.account_id = p.account_id AND s.posting_id = p.id)
            """);
        // The lower posting id of the two, or none (Min skips nulls).
        var first = new[] { differing, missing }.Min();
        return (count, first is { } id ? new BrokenItem(BrokenItem.StatementLine, id) : null);
    }

    private sealed class EventRow
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
        public long? ActorKeyId { get; init; }
        public string Action { get; init; } = "";
        public string Subject { get; init; } = "";
        public string? RequestId { get; init; }
        public string Detail { get; init; } = "";
        public string AtText { get; init; } = "";
        public string Hash { get; init; } = "";

        public AuditEventResponse ToResponse() => new(Id, At, PointsLedger.Actor(ActorKeyId), Action, Subject, RequestId, Detail);
    }

    private sealed class TransactionPostingRow
    {
        public long Id { get; init; }
        public long CommunityId { get; init; }
        public string Kind { get; init; } = "";
        public string AtText { get; init; } = "";
        public string? Reference { get; init; }
        public string? Memo { get; init; }
        public long? ActorKeyId { get; init; }
        public string? RequestId { get; init; }
        public long? ReversesId { get; init; }
        public string Hash { get; init; } = "";
        public long? AccountCommunityId { get; init; }
        public string? AccountKind { get; init; }
        public long? AccountVolunteerId { get; init; }
        public long? Amount { get; init; }
    }
}
