using FsCheck;
using FsCheck.Fluent;
using Ledger.Core.Ledger;

namespace Ledger.Tests.Core;

public sealed class EntriesTests
{
    [Test]
    public void Accrual_MovesPointsFromIssuanceToTheVolunteer()
    {
        var entry = Entries.Accrual(1, 42, 15);
        Assert.That(entry.Postings, Is.EquivalentTo(new[]
        {
            new Posting(AccountRef.Issuance(1), -15),
            new Posting(AccountRef.Volunteer(1, 42), 15),
        }));
        Assert.That(entry.Kind, Is.EqualTo(TransactionKind.Accrual));
    }

    [Test]
    public void Compensation_NegatesEveryPosting()
    {
        var accrual = Entries.Accrual(1, 42, 15);
        var reversal = Entries.Compensate(TransactionKind.Reversal, accrual.Postings);
        Assert.That(reversal.Postings.Sum(p => p.Amount), Is.Zero);
        Assert.That(reversal.Postings.Single(p => p.Account.Kind == AccountKind.Volunteer).Amount, Is.EqualTo(-15));
        Assert.That(() => Entries.Compensate(TransactionKind.Accrual, accrual.Postings), Throws.ArgumentException);
    }

    [Test]
    public void UnbalancedOrEmptyOrZeroPostings_CannotBeBuilt()
    {
        Assert.That(() => new Entry(TransactionKind.Adjustment, [new Posting(AccountRef.Issuance(1), 5), new Posting(AccountRef.Volunteer(1, 2), -4)]),
            Throws.ArgumentException.With.Message.Contains("sum to 1"));
        Assert.That(() => new Entry(TransactionKind.Adjustment, [new Posting(AccountRef.Issuance(1), 0), new Posting(AccountRef.Volunteer(1, 2), 0)]),
            Throws.ArgumentException);
        Assert.That(() => new Entry(TransactionKind.Adjustment, [new Posting(AccountRef.Issuance(1), 5)]), Throws.ArgumentException);
        Assert.That(() => new Entry(TransactionKind.Transfer, [new Posting(AccountRef.Volunteer(1, 1), 5), new Posting(AccountRef.Volunteer(2, 2), -5)]),
            Throws.ArgumentException);
    }

    [Test]
    public void AmountsMustBePositive_WhereTheyMoveOneWay()
    {
        Assert.That(() => Entries.Accrual(1, 2, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Entries.Transfer(1, 2, 3, -5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Entries.Transfer(1, 2, 2, 5), Throws.ArgumentException);
        Assert.That(() => Entries.Adjustment(1, 2, 0), Throws.ArgumentException);
        Assert.That(Entries.Adjustment(1, 2, -7).Postings.Single(p => p.Account.Kind == AccountKind.Volunteer).Amount, Is.EqualTo(-7));
    }

    [Test]
    public void AccountNames_AreReadable()
    {
        Assert.That(AccountRef.Volunteer(3, 42).ToString(), Is.EqualTo("volunteer:42"));
        Assert.That(AccountRef.Issuance(3).ToString(), Is.EqualTo("community:3:issuance"));
        Assert.That(AccountRef.Redemption(3).ToString(), Is.EqualTo("community:3:redemption"));
        Assert.That(AccountRef.ExpiryOf(3).ToString(), Is.EqualTo("community:3:expiry"));
    }

    [Test]
    public void Property_EveryBuiltEntrySumsToZero()
    {
        var gen =
            from kind in Gen.Choose(0, 3)
            from amount in Gen.Choose(1, 1_000_000)
            select kind switch
            {
                0 => Entries.Accrual(1, 2, amount),
                1 => Entries.Transfer(1, 2, 3, amount),
                2 => Entries.Adjustment(1, 2, amount % 2 == 0 ? amount : -amount),
                _ => Entries.Compensate(TransactionKind.Reversal, Entries.Redemption(1, 2, amount).Postings),
            };
        Prop.ForAll(gen.ToArbitrary(), e => e.Postings.Sum(p => p.Amount) == 0).QuickCheckThrowOnFailure();
    }
}
