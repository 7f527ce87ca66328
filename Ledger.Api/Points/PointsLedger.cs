using System.Data;
using Dapper;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Ledger;
using Ledger.Core.Audit;

namespace Ledger.Api.Points;

/// <summary>
/// The one way points move: a balanced <see cref="Entry"/> from Core becomes a transaction row and its postings, each
/// posting updating its account's kept balance in the same unit — so a balance is one row to read and always equals
/// the sum of its postings.
/// </summary>
public static class PointsLedger
{
    public sealed record Posted(long TransactionId, IReadOnlyDictionary<AccountRef, long> BalancesAfter);

    public static Posted Post(WriteContext w, Entry entry, string? reference, string? memo, long? reversesId = null)
    {
        // The transaction and its postings are hashed onto the chain as they are written (see Chain).
        var last = w.LedgerHead();
        var transactionId = w.NextId("ledger_transactions");
        var kind = entry.Kind.Name();
        var hash = Chain.Hash(Chain.Previous(last.Hash), Chain.Transaction(transactionId, entry.CommunityId, kind, w.NowText, reference, memo,
            w.Caller.KeyId, w.Caller.RequestId, reversesId, entry.Postings.Select(p => (p.Account.ToString(), p.Amount))));
        w.Connection.Execute(
            """
            INSERT INTO ledger_transactions (id, community_id, kind, at, reference, memo, actor_key_id, request_id, reverses_id, hash)
            VALUES (@Id, @CommunityId, @Kind, @At, @Reference, @Memo, @Actor, @RequestId, @ReversesId, @Hash)
            """,
            new
            {
                Id = transactionId,
                entry.CommunityId,
                Kind = kind,
                At = w.NowText,
                Reference = reference,
                Memo = memo,
                Actor = w.Caller.KeyId,
                w.Caller.RequestId,
                ReversesId = reversesId,
                Hash = hash,
            });
        w.LedgerAppended(transactionId, hash);

        var balances = new Dictionary<AccountRef, long>();
        var volunteerMoves = new List<BalanceMove>();
        foreach (var posting in entry.Postings)
        {
            var accountId = AccountId(w, posting.Account);
            var balance = w.Connection.ExecuteScalar<long>(
                "UPDATE accounts SET balance = balance + @Amount WHERE id = @Id RETURNING balance",
                new { posting.Amount, Id = accountId });
            var postingId = w.Connection.ExecuteScalar<long>(
                "INSERT INTO postings (transaction_id, account_id, amount, balance_after) VALUES (@TransactionId, @AccountId, @Amount, @Balance) RETURNING id",
                new { TransactionId = transactionId, AccountId = accountId, posting.Amount, Balance = balance });
            balances[posting.Account] = balance;
            if (posting.Account.Kind != AccountKind.Volunteer)
                continue;
            volunteerMoves.Add(new BalanceMove(accountId, balance - posting.Amount, balance));
            // The volunteer's statement line (migration 0007), copied from the rows just written so it cannot differ.
            w.Connection.Execute(
                """
                INSERT INTO statement_lines (account_id, posting_id, transaction_id, at, kind, amount, balance_after, reference, memo)
                SELECT p.account_id, p.id, t.id, t.at, t.kind, p.amount, p.balance_after, t.reference, t.memo
                FROM postings p JOIN ledger_transactions t ON t.id = p.transaction_id
                WHERE p.id = @PostingId
                """, new { PostingId = postingId });
        }
        ExpiryLots.Apply(w, entry, transactionId, reversesId, volunteerMoves);
        return new Posted(transactionId, balances);
    }

    /// <summary>The account's id, opened on first use (inside the writer, so two units never both open it).</summary>
    public static long AccountId(WriteContext w, AccountRef account)
    {
        if (w.TryAccount(account, out var known))
            return known;
        var id = LookUpOrOpen(w, account);
        w.RememberAccount(account, id);
        return id;
    }

    private static long LookUpOrOpen(WriteContext w, AccountRef account)
    {
        var kind = account.Kind.Name();
        var id = account.VolunteerId is { } volunteerId
            ? w.Connection.ExecuteScalar<long?>("SELECT id FROM accounts WHERE volunteer_id = @V", new { V = volunteerId })
            : w.Connection.ExecuteScalar<long?>(
                "SELECT id FROM accounts WHERE community_id = @C AND kind = @Kind AND volunteer_id IS NULL",
                new { C = account.CommunityId, Kind = kind });
        return id ?? w.Connection.ExecuteScalar<long>(
            "INSERT INTO accounts (community_id, kind, volunteer_id, balance) VALUES (@C, @Kind, @V, 0) RETURNING id",
            new { C = account.CommunityId, Kind = kind, V = account.VolunteerId });
    }

    /// <summary>A volunteer's kept balance; zero before their first posting.</summary>
    public static long Balance(IDbConnection connection, long volunteerId) => VolunteerAccount(connection, volunteerId)?.Balance ?? 0;

    /// <summary>A volunteer's account and kept balance; null before their first posting.</summary>
    public static (long Id, long Balance)? VolunteerAccount(IDbConnection connection, long volunteerId) =>
        connection.QuerySingleOrDefault<(long Id, long Balance)?>("SELECT id, balance FROM accounts WHERE volunteer_id = @V", new { V = volunteerId });

    /// <summary>A transaction's postings as Core sees them, to build its compensation.</summary>
    public static IReadOnlyList<Posting> PostingsOf(IDbConnection connection, long transactionId) =>
        connection.Query<AccountPostingRow>(
                """
                SELECT a.community_id, a.kind, a.volunteer_id, p.amount
                FROM postings p JOIN accounts a ON a.id = p.account_id
                WHERE p.transaction_id = @Id ORDER BY p.id
                """, new { Id = transactionId })
            .Select(r => new Posting(r.ToAccount(), r.Amount))
            .ToList();

    /// <summary>"api-key:7" for a key, "system" for the service itself.</summary>
    public static string Actor(long? keyId) => keyId is { } id ? $"api-key:{id}" : "system";

    public sealed class AccountPostingRow
    {
        public long CommunityId { get; init; }
        public string Kind { get; init; } = "";
        public long? VolunteerId { get; init; }
        public long Amount { get; init; }

        public AccountRef ToAccount() => new(CommunityId, AccountKinds.Parse(Kind), VolunteerId);
    }
}
