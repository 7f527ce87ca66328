using Ledger.Core.Ledger;

namespace Ledger.Tests.Core;

public sealed class TransfersTests
{
    [TestCase(30, 10, null, TestName = "Points added")]
    [TestCase(0, 10, null, TestName = "Points added to an empty balance")]
    [TestCase(-15, 10, null, TestName = "Points added to a balance a reversal left negative")]
    [TestCase(30, -30, null, TestName = "Taking exactly the balance")]
    [TestCase(30, -31, PointsRefusal.InsufficientPoints, TestName = "Taking one more than the balance")]
    [TestCase(-15, -1, PointsRefusal.InsufficientPoints, TestName = "Taking from a negative balance")]
    public void Adjust_NeverBelowZero(long balance, long amount, PointsRefusal? refusal) =>
        Assert.That(Transfers.Adjust(balance, amount), Is.EqualTo(refusal));

    private static readonly Holder Giver = new(1, 7, Active: true);

    // A gift of 20 points to an elderly relative in the same community (时间币转赠).
    [TestCase(2, 7, true, 20, 20, null, TestName = "Exactly the balance")]
    [TestCase(2, 7, true, 30, 20, null, TestName = "Less than the balance")]
    [TestCase(2, 7, true, 19, 20, PointsRefusal.InsufficientPoints, TestName = "One point more than the balance")]
    [TestCase(1, 7, true, 30, 20, PointsRefusal.SelfTransfer, TestName = "To oneself")]
    [TestCase(2, 8, true, 30, 20, PointsRefusal.ReceiverNotFound, TestName = "To a volunteer of another community")]
    [TestCase(2, 7, false, 30, 20, PointsRefusal.ReceiverInactive, TestName = "To an inactive volunteer")]
    [TestCase(2, 8, false, 0, 20, PointsRefusal.ReceiverNotFound, TestName = "The receiver's community before anything else of theirs")]
    public void Give_ToAnotherActiveVolunteerOfTheCommunity_NeverOverdrawn(long to, long community, bool active, long balance, long amount,
        PointsRefusal? refusal) =>
        Assert.That(Transfers.Give(Giver, new Holder(to, community, active), balance, amount), Is.EqualTo(refusal));

    [Test]
    public void Give_ToNoOne_IsNotFound() =>
        Assert.That(Transfers.Give(Giver, null, 30, 20), Is.EqualTo(PointsRefusal.ReceiverNotFound));

    [Test]
    public void Give_ByAnInactiveVolunteer_IsRefusedBeforeTheReceiverIsLookedAt()
    {
        var inactive = Giver with { Active = false };
        Assert.That(Transfers.Give(inactive, new Holder(2, 7, Active: false), 30, 20), Is.EqualTo(PointsRefusal.GiverInactive));
        Assert.That(Transfers.Give(inactive, new Holder(2, 7, Active: true), 0, 20), Is.EqualTo(PointsRefusal.GiverInactive));
    }
}
