using Ledger.Core.Counter;

namespace Ledger.Tests.Core;

public sealed class RedemptionTests
{
    // A volunteer with 30 points (90 minutes at 10 an hour, plus attendance) at a counter where the reward costs 25.
    [TestCase(true, true, 5, 25, 1, 30, 25, null, TestName = "Within reach")]
    [TestCase(true, true, 5, 25, 1, 25, 25, null, TestName = "Exactly enough points")]
    [TestCase(true, true, 5, 25, 1, 24, 25, RedemptionRefusal.InsufficientPoints, TestName = "One point short")]
    [TestCase(true, true, 5, 10, 3, 30, 30, null, TestName = "Three at 10 each: the quantity multiplies the price")]
    [TestCase(true, true, 5, 10, 4, 30, 40, RedemptionRefusal.InsufficientPoints, TestName = "Four at 10 each are more than 30")]
    [TestCase(true, true, 1, 25, 1, 30, 25, null, TestName = "The last one on the shelf: stock 1 to 0")]
    [TestCase(true, true, 0, 25, 1, 30, 0, RedemptionRefusal.OutOfStock, TestName = "An empty shelf")]
    [TestCase(true, true, 2, 10, 3, 30, 0, RedemptionRefusal.OutOfStock, TestName = "Fewer on the shelf than asked")]
    [TestCase(false, true, 5, 25, 1, 30, 0, RedemptionRefusal.VolunteerInactive, TestName = "An inactive volunteer")]
    [TestCase(true, false, 5, 25, 1, 30, 0, RedemptionRefusal.RewardInactive, TestName = "A reward taken off the shelf")]
    [TestCase(false, false, 0, 25, 1, 0, 0, RedemptionRefusal.VolunteerInactive, TestName = "The volunteer first, then the reward, the shelf, the balance")]
    [TestCase(true, false, 0, 25, 1, 0, 0, RedemptionRefusal.RewardInactive, TestName = "The reward before the shelf")]
    [TestCase(true, true, 0, 25, 1, 0, 0, RedemptionRefusal.OutOfStock, TestName = "The shelf before the balance")]
    [TestCase(true, true, 99, long.MaxValue / 2, 3, long.MaxValue, 0, RedemptionRefusal.CostOverflow, TestName = "A price beyond any balance")]
    [TestCase(true, true, 99, long.MaxValue / 3, 3, long.MaxValue, long.MaxValue / 3 * 3, null, TestName = "The largest price that still fits")]
    public void Decide_RefusesWithTheFirstReason(bool volunteerActive, bool rewardActive, long stock, long pointsCost, int quantity, long balance,
        long cost, RedemptionRefusal? refusal) =>
        Assert.That(Redemption.Decide(volunteerActive, rewardActive, stock, pointsCost, quantity, balance),
            Is.EqualTo(new RedemptionDecision(cost, refusal)));

    [Test]
    public void Needed_IsTheExactPrice_EvenBeyondALong() =>
        Assert.That(Redemption.Needed(long.MaxValue, 99), Is.EqualTo((Int128)long.MaxValue * 99));

    [TestCase(RedemptionStatus.Completed, null)]
    [TestCase(RedemptionStatus.Cancelled, RedemptionRefusal.AlreadyCancelled)]
    public void Cancel_OnlyACompletedRedemption(RedemptionStatus status, RedemptionRefusal? refusal) =>
        Assert.That(Redemption.Cancel(status), Is.EqualTo(refusal));
}
