namespace Ledger.Core.Counter;

/// <summary>Why points cannot be exchanged, or an exchange undone. Each is the contract's code of the same name.</summary>
public enum RedemptionRefusal
{
    VolunteerInactive,
    RewardInactive,
    OutOfStock,

    /// <summary>The price times the quantity is beyond any balance the ledger can hold: only a row edited by hand gets here.</summary>
    CostOverflow,

    InsufficientPoints,
    AlreadyCancelled,
}

/// <summary>The answer to a redemption: what it costs, or the first reason it cannot happen.</summary>
public readonly record struct RedemptionDecision(long Cost, RedemptionRefusal? Refusal);

/// <summary>
/// Exchanging points for a reward at the counter (积分超市). A redemption never overdraws: the balance must cover the
/// cost, and the shelf the quantity.
/// </summary>
public static class Redemption
{
    /// <summary>Checked in the order a counter worker would explain it: the volunteer, the reward, the shelf, the balance.</summary>
    /// <remarks>
    /// The balance and the stock are facts of the moment: the caller must take both in the same unit that read them,
    /// under the database's guard (one writer today; on several nodes a locked read or a conditional update).
    /// </remarks>
    public static RedemptionDecision Decide(bool volunteerActive, bool rewardActive, long stock, long pointsCost, int quantity, long balance)
    {
        if (!volunteerActive)
            return new RedemptionDecision(0, RedemptionRefusal.VolunteerInactive);
        if (!rewardActive)
            return new RedemptionDecision(0, RedemptionRefusal.RewardInactive);
        if (stock < quantity)
            return new RedemptionDecision(0, RedemptionRefusal.OutOfStock);
        var needed = Needed(pointsCost, quantity);
        if (needed > long.MaxValue)
            return new RedemptionDecision(0, RedemptionRefusal.CostOverflow);
        var cost = (long)needed;
        return new RedemptionDecision(cost, balance < cost ? RedemptionRefusal.InsufficientPoints : null);
    }

    /// <summary>The exact price of a quantity, which may be beyond a <see cref="long"/>.</summary>
    public static Int128 Needed(long pointsCost, int quantity) => (Int128)pointsCost * quantity;

    /// <summary>A redemption is cancelled once: a second cancellation would give the points and the goods back twice.</summary>
    public static RedemptionRefusal? Cancel(RedemptionStatus status) =>
        status == RedemptionStatus.Cancelled ? RedemptionRefusal.AlreadyCancelled : null;
}
