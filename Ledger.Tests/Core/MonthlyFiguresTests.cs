using Ledger.Core.Ledger;

namespace Ledger.Tests.Core;

public sealed class MonthlyFiguresTests
{
    // 90 minutes of elderly care at 10 points an hour are 15 points: the issuance account gives them.
    [TestCase(PointsFigure.Issued, TransactionKind.Accrual, AccountKind.Issuance, -15, 15)]
    [TestCase(PointsFigure.Issued, TransactionKind.Reversal, AccountKind.Issuance, 15, -15)]
    [TestCase(PointsFigure.Issued, TransactionKind.Accrual, AccountKind.Volunteer, 15, 0, TestName = "The volunteer's side of an accrual is not read")]
    [TestCase(PointsFigure.Redeemed, TransactionKind.Redemption, AccountKind.Redemption, 25, 25)]
    [TestCase(PointsFigure.Redeemed, TransactionKind.Cancellation, AccountKind.Redemption, -25, -25)]
    [TestCase(PointsFigure.Expired, TransactionKind.Expiry, AccountKind.Expiry, 40, 40)]
    [TestCase(PointsFigure.Adjusted, TransactionKind.Adjustment, AccountKind.Issuance, -10, 10)]
    [TestCase(PointsFigure.Adjusted, TransactionKind.Adjustment, AccountKind.Issuance, 7, -7)]
    [TestCase(PointsFigure.Issued, TransactionKind.Adjustment, AccountKind.Issuance, -10, 0, TestName = "An adjustment is not issued hours")]
    [TestCase(PointsFigure.Redeemed, TransactionKind.Transfer, AccountKind.Volunteer, 20, 0, TestName = "A gift counts in no figure")]
    public void Contribution_CountsEachPostingInItsFigureOnly(PointsFigure figure, TransactionKind kind, AccountKind account, long amount, long expected) =>
        Assert.That(MonthlyFigures.Contribution(figure, kind, account, amount), Is.EqualTo(expected));
}
