namespace Ledger.Core.Counter;

public enum RedemptionStatus
{
    Completed,
    Cancelled,
}

/// <summary>
/// The stored text of each redemption status: redemptions.status, the API's <c>status</c> and the exports' code.
/// A stored text never changes; SQL interpolates these constants, so its text stays one constant.
/// </summary>
public static class RedemptionStatuses
{
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public static readonly string[] All = Enum.GetValues<RedemptionStatus>().Select(Name).ToArray();

    public static string Name(this RedemptionStatus status) => status switch
    {
        RedemptionStatus.Completed => Completed,
        RedemptionStatus.Cancelled => Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A redemption status without a stored name."),
    };

    public static RedemptionStatus Parse(string text) => text switch
    {
        Completed => RedemptionStatus.Completed,
        Cancelled => RedemptionStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Not a stored redemption status."),
    };
}
