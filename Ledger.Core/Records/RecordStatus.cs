namespace Ledger.Core.Records;

/// <summary>Where a service record stands: see <see cref="RecordLifecycle"/> for how it moves.</summary>
public enum RecordStatus
{
    Pending,
    Approved,
    Rejected,
    Reversed,
}

/// <summary>
/// The stored text of each record status: service_records.status, the API's <c>status</c> and the exports' code.
/// A stored text never changes; SQL interpolates these constants, so its text stays one constant (one prepared
/// statement, and a literal a partial index can match).
/// </summary>
public static class RecordStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Reversed = "reversed";

    public static readonly string[] All = Enum.GetValues<RecordStatus>().Select(Name).ToArray();

    public static string Name(this RecordStatus status) => status switch
    {
        RecordStatus.Pending => Pending,
        RecordStatus.Approved => Approved,
        RecordStatus.Rejected => Rejected,
        RecordStatus.Reversed => Reversed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A record status without a stored name."),
    };

    public static RecordStatus Parse(string text) => text switch
    {
        Pending => RecordStatus.Pending,
        Approved => RecordStatus.Approved,
        Rejected => RecordStatus.Rejected,
        Reversed => RecordStatus.Reversed,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Not a stored record status."),
    };
}
