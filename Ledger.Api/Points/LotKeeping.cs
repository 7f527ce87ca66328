using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Infrastructure;
using Ledger.Core.Ledger;
using Ledger.Core.Rules;

namespace Ledger.Api.Points;

/// <summary>
/// Keeps each volunteer's points in lots by the year they were earned, as part of <see cref="Books.Post"/> — every
/// posting to a volunteer moves lots, so no caller can forget. How much moves follows from the balances
/// (<see cref="Lots.Change"/>); which years move depends on the kind: spending takes the oldest first, a gift carries
/// its years to the receiver, a reversal takes back from the year it credited, a cancellation puts points back into
/// the years they were taken from.
/// </summary>
public static class LotKeeping
{
    public sealed record VolunteerMove(long AccountId, long BalanceBefore, long BalanceAfter)
    {
        public long Change => Lots.Change(BalanceBefore, BalanceAfter);
    }

    public static void Apply(WriteContext w, Entry entry, long transactionId, long? reversesId, IReadOnlyList<VolunteerMove> moves)
    {
        if (moves.All(m => m.Change == 0))
            return;
        var zone = ServiceRecords.CommunityContext.Load(w.Connection, entry.CommunityId)!.Zone;
        var thisYear = ServiceTime.LocalDate(w.Now, zone).Year;

        var taken = new List<LotShare>();
        foreach (var move in moves.Where(m => m.Change < 0))
        {
            var lots = LotsOf(w, move.AccountId);
            var amount = -move.Change;
            var shares = new List<LotShare>();
            if (entry.Kind == TransactionKind.Reversal && reversesId is { } original)
            {
                // Take back from the year the reversed transaction credited, as far as those points are still there.
                foreach (var credited in Movements(w, original, move.AccountId).Where(s => s.Amount > 0))
                {
                    var lot = lots.FirstOrDefault(l => l.Year == credited.Year);
                    var take = Math.Min(Math.Min(lot.Remaining, credited.Amount), amount - shares.Sum(s => s.Amount));
                    if (take > 0)
                        shares.Add(new LotShare(credited.Year, take));
                }
                lots = lots.Select(l => l with { Remaining = l.Remaining - shares.Where(s => s.Year == l.Year).Sum(s => s.Amount) }).ToList();
            }
            shares.AddRange(Lots.TakeOldestFirst(lots, amount - shares.Sum(s => s.Amount)));
            foreach (var share in shares)
                Move(w, transactionId, move.AccountId, share.Year, -share.Amount);
            taken.AddRange(shares);
        }

        foreach (var move in moves.Where(m => m.Change > 0))
        {
            IEnumerable<LotShare> source = entry.Kind switch
            {
                TransactionKind.Cancellation when reversesId is { } original =>
                    Movements(w, original, move.AccountId).Where(s => s.Amount < 0).Select(s => s with { Amount = -s.Amount }),
                TransactionKind.Transfer => taken,
                _ => [],
            };
            var shares = Lots.KeepNewest(source, move.Change).ToList();
            var rest = move.Change - shares.Sum(s => s.Amount);
            if (rest > 0)
                shares.Add(new LotShare(thisYear, rest));
            foreach (var share in shares)
                Move(w, transactionId, move.AccountId, share.Year, share.Amount);
        }
    }

    public static List<Lot> LotsOf(System.Data.IDbConnection connection, long accountId) =>
        connection.Query<(long Id, int Year, long Remaining)>(
                "SELECT id, year, remaining FROM point_lots WHERE account_id = @A ORDER BY year", new { A = accountId })
            .Select(r => new Lot(r.Id, r.Year, r.Remaining))
            .ToList();

    private static List<Lot> LotsOf(WriteContext w, long accountId) => LotsOf(w.Connection, accountId);

    private static IEnumerable<LotShare> Movements(WriteContext w, long transactionId, long accountId) =>
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
                ON CONFLICT (account_id, year) DO UPDATE SET remaining = remaining + excluded.remaining
                RETURNING id
                """, new { A = accountId, Year = year, Amount = amount });
        w.Connection.Execute(
            "INSERT INTO lot_movements (transaction_id, lot_id, amount) VALUES (@T, @Lot, @Amount)",
            new { T = transactionId, Lot = lotId, Amount = amount });
    }
}
