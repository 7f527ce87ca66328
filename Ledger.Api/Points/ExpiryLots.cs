using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Ledger;
using Ledger.Core.Rules;

namespace Ledger.Api.Points;

/// <summary>
/// Keeps each volunteer's points in lots by the year they were earned, as part of <see cref="PointsLedger.Post"/> — every
/// posting to a volunteer moves lots, so no caller can forget. Which years move is Core's <see cref="LotPlan"/>; this
/// class loads what the plan needs and writes what it decides.
/// </summary>
public static class ExpiryLots
{
    public static void Apply(WriteContext w, Entry entry, long transactionId, long? reversesId, IReadOnlyList<BalanceMove> moves)
    {
        if (moves.All(m => m.LotChange == 0))
            return;
        var zone = w.Zone(entry.CommunityId)!;
        var lots = moves.Where(m => m.LotChange < 0).ToDictionary(m => m.AccountId, m => (IReadOnlyList<Lot>)LotsOf(w.Connection, m.AccountId));
        var original = reversesId is { } undone
            ? moves.ToDictionary(m => m.AccountId, m => Movements(w, undone, m.AccountId))
            : new Dictionary<long, IReadOnlyList<LotShare>>();
        var plan = LotPlan.For(entry.Kind, ServiceTime.LocalDate(w.Now, zone).Year, moves, lots, original);
        foreach (var move in plan)
            Move(w, transactionId, move.AccountId, move.Year, move.Amount);
    }

    public static List<Lot> LotsOf(System.Data.IDbConnection connection, long accountId) =>
        connection.Query<(long Id, int Year, long Remaining)>(
                "SELECT id, year, remaining FROM point_lots WHERE account_id = @A ORDER BY year", new { A = accountId })
            .Select(r => new Lot(r.Id, r.Year, r.Remaining))
            .ToList();

    private static IReadOnlyList<LotShare> Movements(WriteContext w, long transactionId, long accountId) =>
        w.Connection.Query<(int Year, long Amount)>(
                """
                SELECT l.year, SUM(m.amount) FROM lot_movements m JOIN point_lots l ON l.id = m.lot_id
                WHERE m.transaction_id = @T AND l.account_id = @A
                GROUP BY l.year ORDER BY l.year
                """, new { T = transactionId, A = accountId })
            .Select(r => new LotShare(r.Year, r.Amount))
            .ToList();

    private static void Move(WriteContext w, long transactionId, long accountId, int year, long amount)
    {
        // A draw updates its lot; a credit opens the year's lot or adds to it. (SQLite checks remaining >= 0 on the
        // proposed insert before resolving a conflict, so draws never go through the upsert.)
        var lotId = amount < 0
            ? w.Connection.ExecuteScalar<long>(
                "UPDATE point_lots SET remaining = remaining + @Amount WHERE account_id = @A AND year = @Year RETURNING id",
                new { A = accountId, Year = year, Amount = amount })
            : w.Connection.ExecuteScalar<long>(
                """
                INSERT INTO point_lots (account_id, year, remaining) VALUES (@A, @Year, @Amount)
                ON CONFLICT (account_id, year) DO UPDATE SET remaining = point_lots.remaining + excluded.remaining
                RETURNING id
                """, new { A = accountId, Year = year, Amount = amount });
        w.Connection.Execute(
            "INSERT INTO lot_movements (transaction_id, lot_id, amount) VALUES (@T, @Lot, @Amount)",
            new { T = transactionId, Lot = lotId, Amount = amount });
    }
}
