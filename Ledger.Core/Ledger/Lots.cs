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
