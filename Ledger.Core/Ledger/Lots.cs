using Ledger.Core.Rules;

namespace Ledger.Core.Ledger;

/// <summary>Points of one volunteer earned in one (local) year and not yet spent, given away or expired.</summary>
public readonly record struct Lot(long Id, int Year, long Remaining);

/// <summary>Points taken from, or put back into, a lot of a given year.</summary>
public readonly record struct LotShare(int Year, long Amount);

/// <summary>
/// Points kept in lots by the year they were earned, so that with <c>endOfFollowingYear</c> the points of year Y can
/// lapse at the end of Y+1. Spending takes the oldest first. The lots of a volunteer always hold max(0, balance):
/// a reversal that drives the balance below zero empties them, and later earnings pay that debt before filling a lot.
/// </summary>
public static class Lots
{
    /// <summary>How much the lots grow (positive) or shrink (negative) when a balance moves from one value to another.</summary>
    public static long Change(long balanceBefore, long balanceAfter) => Math.Max(0, balanceAfter) - Math.Max(0, balanceBefore);

    /// <summary>Takes <paramref name="amount"/> oldest first (by year), as far as the lots reach.</summary>
    public static IReadOnlyList<LotShare> TakeOldestFirst(IEnumerable<Lot> lots, long amount)
    {
        var taken = new List<LotShare>();
        foreach (var lot in lots.Where(l => l.Remaining > 0).OrderBy(l => l.Year).ThenBy(l => l.Id))
        {
            if (amount <= 0)
                break;
            var take = Math.Min(lot.Remaining, amount);
            taken.Add(new LotShare(lot.Year, take));
            amount -= take;
        }
        return taken;
    }

    /// <summary>
    /// Cuts a list of shares down to <paramref name="total"/>, dropping the oldest first: when earnings pay off a debt,
    /// the points that would lapse soonest are the ones that pay it.
    /// </summary>
    public static IReadOnlyList<LotShare> KeepNewest(IEnumerable<LotShare> shares, long total)
    {
        var kept = new List<LotShare>();
        foreach (var share in shares.OrderByDescending(s => s.Year))
        {
            if (total <= 0)
                break;
            var keep = Math.Min(share.Amount, total);
            kept.Add(share with { Amount = keep });
            total -= keep;
        }
        kept.Reverse();
        return kept;
    }

    /// <summary>The instant points earned in <paramref name="year"/> lapse: the end of the following year, local time.</summary>
    public static DateTimeOffset ExpiresAt(int year, TimeZoneInfo zone) => ServiceTime.LocalMidnight(new DateOnly(year + 2, 1, 1), zone);

    public static bool IsDue(int year, DateTimeOffset asOf, TimeZoneInfo zone) => asOf >= ExpiresAt(year, zone);

    /// <summary>The points that lapse next and when, or null when nothing is waiting to lapse.</summary>
    public static (long Points, DateTimeOffset At)? NextExpiry(IEnumerable<Lot> lots, TimeZoneInfo zone)
    {
        var next = lots.Where(l => l.Remaining > 0).GroupBy(l => l.Year).MinBy(g => g.Key);
        return next is null ? null : (next.Sum(l => l.Remaining), ExpiresAt(next.Key, zone));
    }
}

/// <summary>A volunteer account's balance before and after a transaction.</summary>
public readonly record struct BalanceMove(long AccountId, long Before, long After)
{
    public long LotChange => Lots.Change(Before, After);
}

/// <summary>Points of one year put into (positive) or taken from (negative) an account's lots.</summary>
public readonly record struct LotMove(long AccountId, int Year, long Amount);

/// <summary>Which years a transaction takes from a volunteer's lots.</summary>
public enum LotDraw
{
    /// <summary>The oldest first: the points that would lapse soonest are spent first.</summary>
    OldestFirst,

    /// <summary>The years the undone transaction credited first, then the oldest.</summary>
    CreditedYearsFirst,
}

/// <summary>Which years a transaction puts into a volunteer's lots.</summary>
public enum LotCredit
{
    /// <summary>Earned now: this year's lot.</summary>
    ThisYear,

    /// <summary>Back into the years the undone transaction took them from.</summary>
    YearsTaken,

    /// <summary>The years the giver's lots gave up: giving points away never extends their life.</summary>
    GiversYears,
}

/// <summary>
/// Which years' lots a transaction moves. How much moves follows from the balances (<see cref="Lots.Change"/>); which
/// years depends on the kind (<see cref="RuleFor"/>): spending takes the oldest first; a gift carries its years to the
/// receiver (giving points away never extends their life); a reversal takes back from the years it credited first; a
/// cancellation puts points back into the years they were taken from; anything else earned lands in this year.
/// </summary>
public static class LotPlan
{
    /// <summary>
    /// The years each kind draws and credits. A kind that never moves a volunteer's balance one way still names the
    /// ordinary rule for it, so that every kind has an answer and a new kind must be given one.
    /// </summary>
    public static (LotDraw Draw, LotCredit Credit) RuleFor(TransactionKind kind) => kind switch
    {
        TransactionKind.Accrual => (LotDraw.OldestFirst, LotCredit.ThisYear),
        TransactionKind.Reversal => (LotDraw.CreditedYearsFirst, LotCredit.ThisYear),
        TransactionKind.Redemption => (LotDraw.OldestFirst, LotCredit.ThisYear),
        TransactionKind.Cancellation => (LotDraw.OldestFirst, LotCredit.YearsTaken),
        TransactionKind.Adjustment => (LotDraw.OldestFirst, LotCredit.ThisYear),
        TransactionKind.Expiry => (LotDraw.OldestFirst, LotCredit.ThisYear),
        TransactionKind.Transfer => (LotDraw.OldestFirst, LotCredit.GiversYears),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A transaction kind without a lot rule."),
    };

    /// <param name="lots">The current lots of every account whose lots shrink.</param>
    /// <param name="original">For a reversal or cancellation: the lot moves of the transaction it undoes, per account.</param>
    public static IReadOnlyList<LotMove> For(TransactionKind kind, int thisYear, IReadOnlyList<BalanceMove> moves,
        IReadOnlyDictionary<long, IReadOnlyList<Lot>> lots, IReadOnlyDictionary<long, IReadOnlyList<LotShare>> original)
    {
        var (draw, credit) = RuleFor(kind);
        var plan = new List<LotMove>();
        var taken = new List<LotShare>();
        foreach (var move in moves.Where(m => m.LotChange < 0))
        {
            var available = lots.TryGetValue(move.AccountId, out var l) ? l.ToList() : [];
            var amount = -move.LotChange;
            var shares = new List<LotShare>();
            if (draw == LotDraw.CreditedYearsFirst && original.TryGetValue(move.AccountId, out var undone))
            {
                foreach (var credited in undone.Where(s => s.Amount > 0))
                {
                    var lot = available.FirstOrDefault(x => x.Year == credited.Year);
                    var take = Math.Min(Math.Min(lot.Remaining, credited.Amount), amount - shares.Sum(s => s.Amount));
                    if (take > 0)
                        shares.Add(new LotShare(credited.Year, take));
                }
                available = available.Select(x => x with { Remaining = x.Remaining - shares.Where(s => s.Year == x.Year).Sum(s => s.Amount) }).ToList();
            }
            shares.AddRange(Lots.TakeOldestFirst(available, amount - shares.Sum(s => s.Amount)));
            plan.AddRange(shares.Select(s => new LotMove(move.AccountId, s.Year, -s.Amount)));
            taken.AddRange(shares);
        }

        foreach (var move in moves.Where(m => m.LotChange > 0))
        {
            IEnumerable<LotShare> source = credit switch
            {
                LotCredit.YearsTaken when original.TryGetValue(move.AccountId, out var undone) =>
                    undone.Where(s => s.Amount < 0).Select(s => s with { Amount = -s.Amount }),
                LotCredit.GiversYears => taken,
                _ => [],
            };
            var shares = Lots.KeepNewest(source, move.LotChange).ToList();
            var rest = move.LotChange - shares.Sum(s => s.Amount);
            if (rest > 0)
                shares.Add(new LotShare(thisYear, rest));
            plan.AddRange(shares.Select(s => new LotMove(move.AccountId, s.Year, s.Amount)));
        }
        return plan;
    }
}
