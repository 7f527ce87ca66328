namespace Ledger.Core.Ledger;

/// <summary>The points columns of the monthly report.</summary>
public enum PointsFigure
{
    /// <summary>Points created by approved hours, less those taken back by reversals.</summary>
    Issued,

    /// <summary>Points spent at the counter, less those given back by cancellations.</summary>
    Redeemed,

    Expired,

    /// <summary>Staff corrections, either way.</summary>
    Adjusted,
}

/// <summary>
/// Which figure of the monthly report a transaction counts in, and the community account it is read off: so the
/// figures reconcile with the books (opening + issued − redeemed − expired + adjusted = closing).
/// </summary>
public static class MonthlyFigures
{
    /// <summary>A gift moves points between two volunteers and touches no community account: it counts in none.</summary>
    public static PointsFigure? Of(TransactionKind kind) => kind switch
    {
        TransactionKind.Accrual or TransactionKind.Reversal => PointsFigure.Issued,
        TransactionKind.Redemption or TransactionKind.Cancellation => PointsFigure.Redeemed,
        TransactionKind.Expiry => PointsFigure.Expired,
        TransactionKind.Adjustment => PointsFigure.Adjusted,
        TransactionKind.Transfer => null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A transaction kind without a place in the monthly report."),
    };

    /// <summary>
    /// The community account a figure is read off, and the sign that makes it count up: issuance gives points away
    /// (its postings are negative), the redemption and expiry accounts take them in.
    /// </summary>
    public static (AccountKind Account, int Sign) Source(PointsFigure figure) => figure switch
    {
        PointsFigure.Issued or PointsFigure.Adjusted => (AccountKind.Issuance, -1),
        PointsFigure.Redeemed => (AccountKind.Redemption, 1),
        PointsFigure.Expired => (AccountKind.Expiry, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(figure), figure, null),
    };

    /// <summary>What a posting adds to a figure: its amount, signed, when it is on the figure's account; else nothing.</summary>
    public static long Contribution(PointsFigure figure, TransactionKind kind, AccountKind account, long amount)
    {
        if (Of(kind) != figure)
            return 0;
        var (source, sign) = Source(figure);
        return account == source ? sign * amount : 0;
    }
}
