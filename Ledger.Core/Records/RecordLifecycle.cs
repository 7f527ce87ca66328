namespace Ledger.Core.Records;

/// <summary>Why a service record cannot be taken or moved. Each is the contract's code of the same name.</summary>
public enum RecordRefusal
{
    VolunteerInactive,

    /// <summary>Recording and approving at once is for staff: a client approving its own submissions approves nothing.</summary>
    ApproveNeedsStaff,

    NotPending,
    NotApproved,
}

/// <summary>
/// How a service record moves: pending → approved or rejected by staff; approved → reversed (its points taken back).
/// Rejected and reversed are final, and nothing returns to pending. The service-time rules a new record must meet are
/// <see cref="Rules.ServiceTime.Check"/>.
/// </summary>
/// <remarks>
/// A move is decided on the status read a moment before: the caller must write it in the same unit, under the
/// database's guard (one writer today; on several nodes an update conditional on that status).
/// </remarks>
public static class RecordLifecycle
{
    /// <summary>Only staff (and admins) may submit a record already approved.</summary>
    public static RecordRefusal? Submit(bool approveAtOnce, bool byStaff) =>
        approveAtOnce && !byStaff ? RecordRefusal.ApproveNeedsStaff : null;

    /// <summary>An inactive volunteer earns no new hours, one record or a campaign's attendance alike.</summary>
    public static RecordRefusal? Record(bool volunteerActive) => volunteerActive ? null : RecordRefusal.VolunteerInactive;

    public static RecordRefusal? Move(RecordStatus from, RecordStatus to) => (from, to) switch
    {
        (RecordStatus.Pending, RecordStatus.Approved or RecordStatus.Rejected) => null,
        (RecordStatus.Approved, RecordStatus.Reversed) => null,
        (_, RecordStatus.Approved or RecordStatus.Rejected) => RecordRefusal.NotPending,
        (_, RecordStatus.Reversed) => RecordRefusal.NotApproved,
        _ => throw new ArgumentOutOfRangeException(nameof(to), to, "A record never moves back to pending."),
    };
}
