using Ledger.Core.Ledger;

namespace Ledger.Tests.Core;

public sealed class LotsTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [TestCase(0, 10, 10)]
    [TestCase(10, 0, -10)]
    [TestCase(-5, 10, 10)]
    [TestCase(-15, 10, 10)]
    [TestCase(-15, -5, 0)]
    [TestCase(10, -5, -10)]
    public void LotsMoveSoThatTheyHoldTheNonNegativeBalance(long before, long after, long change) =>
        Assert.That(Lots.Change(before, after), Is.EqualTo(change));

    [Test]
    public void Spending_TakesTheOldestYearFirst()
    {
        var lots = new[] { new Lot(2, 2026, 30), new Lot(1, 2025, 20), new Lot(3, 2027, 5) };
        Assert.That(Lots.TakeOldestFirst(lots, 35), Is.EqualTo(new[] { new LotShare(2025, 20), new LotShare(2026, 15) }));
        Assert.That(Lots.TakeOldestFirst(lots, 100).Sum(s => s.Amount), Is.EqualTo(55), "never more than is there");
        Assert.That(Lots.TakeOldestFirst(lots, 0), Is.Empty);
    }

    [Test]
    public void PayingADebt_UsesTheOldestPointsFirst() =>
        Assert.That(Lots.KeepNewest([new LotShare(2025, 20), new LotShare(2026, 15)], 25),
            Is.EqualTo(new[] { new LotShare(2025, 10), new LotShare(2026, 15) }));

    [Test]
    public void PointsOfAYear_LapseAtTheEndOfTheFollowingYear_LocalTime()
    {
        var at = Lots.ExpiresAt(2025, Shanghai);
        Assert.That(at, Is.EqualTo(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(8))));
        Assert.That(Lots.IsDue(2025, at.AddTicks(-1), Shanghai), Is.False);
        Assert.That(Lots.IsDue(2025, at, Shanghai), Is.True);
        Assert.That(Lots.IsDue(2026, at, Shanghai), Is.False);
    }

    [Test]
    public void NextExpiry_IsTheOldestNonEmptyYear()
    {
        var next = Lots.NextExpiry([new Lot(1, 2025, 0), new Lot(2, 2026, 12), new Lot(3, 2027, 40)], Shanghai);
        Assert.That(next, Is.EqualTo((12L, new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)))));
        Assert.That(Lots.NextExpiry([new Lot(1, 2025, 0)], Shanghai), Is.Null);
    }

    private static readonly IReadOnlyDictionary<long, IReadOnlyList<LotShare>> NoOriginal = new Dictionary<long, IReadOnlyList<LotShare>>();

    [Test]
    public void Earning_LandsInThisYear_AfterPayingADebt()
    {
        var plan = LotPlan.For(TransactionKind.Accrual, 2026, [new BalanceMove(1, -8, 7)], new Dictionary<long, IReadOnlyList<Lot>>(), NoOriginal);
        Assert.That(plan, Is.EqualTo(new[] { new LotMove(1, 2026, 7) }));
    }

    [Test]
    public void AGift_TakesTheGiversOldestYears_AndCarriesThemToTheReceiver()
    {
        var lots = new Dictionary<long, IReadOnlyList<Lot>> { [1] = [new Lot(10, 2025, 20), new Lot(11, 2026, 50)] };
        var plan = LotPlan.For(TransactionKind.Transfer, 2026, [new BalanceMove(1, 70, 45), new BalanceMove(2, 0, 25)], lots, NoOriginal);
        Assert.That(plan, Is.EqualTo(new[]
        {
            new LotMove(1, 2025, -20), new LotMove(1, 2026, -5),
            new LotMove(2, 2025, 20), new LotMove(2, 2026, 5),
        }));
    }

    [Test]
    public void AReversal_TakesBackFromTheYearItCredited_ThenTheOldest()
    {
        var lots = new Dictionary<long, IReadOnlyList<Lot>> { [1] = [new Lot(10, 2025, 30), new Lot(11, 2026, 6)] };
        var original = new Dictionary<long, IReadOnlyList<LotShare>> { [1] = [new LotShare(2026, 15)] };
        var plan = LotPlan.For(TransactionKind.Reversal, 2026, [new BalanceMove(1, 36, 21)], lots, original);
        Assert.That(plan, Is.EqualTo(new[] { new LotMove(1, 2026, -6), new LotMove(1, 2025, -9) }));
    }

    [Test]
    public void ACancellation_PutsPointsBackIntoTheYearsTheyCameFrom()
    {
        var original = new Dictionary<long, IReadOnlyList<LotShare>> { [1] = [new LotShare(2024, -45), new LotShare(2025, -15)] };
        var plan = LotPlan.For(TransactionKind.Cancellation, 2025, [new BalanceMove(1, 35, 95)], new Dictionary<long, IReadOnlyList<Lot>>(), original);
        Assert.That(plan, Is.EqualTo(new[] { new LotMove(1, 2024, 45), new LotMove(1, 2025, 15) }));
    }
}
