using Ledger.Core.Records;

namespace Ledger.Tests.Core;

public sealed class RecordLifecycleTests
{
    [TestCase(RecordStatus.Pending, RecordStatus.Approved, null)]
    [TestCase(RecordStatus.Pending, RecordStatus.Rejected, null)]
    [TestCase(RecordStatus.Pending, RecordStatus.Reversed, RecordRefusal.NotApproved)]
    [TestCase(RecordStatus.Approved, RecordStatus.Approved, RecordRefusal.NotPending)]
    [TestCase(RecordStatus.Approved, RecordStatus.Rejected, RecordRefusal.NotPending)]
    [TestCase(RecordStatus.Approved, RecordStatus.Reversed, null)]
    [TestCase(RecordStatus.Rejected, RecordStatus.Approved, RecordRefusal.NotPending)]
    [TestCase(RecordStatus.Rejected, RecordStatus.Rejected, RecordRefusal.NotPending)]
    [TestCase(RecordStatus.Rejected, RecordStatus.Reversed, RecordRefusal.NotApproved)]
    [TestCase(RecordStatus.Reversed, RecordStatus.Approved, RecordRefusal.NotPending)]
    [TestCase(RecordStatus.Reversed, RecordStatus.Rejected, RecordRefusal.NotPending)]
    [TestCase(RecordStatus.Reversed, RecordStatus.Reversed, RecordRefusal.NotApproved)]
    public void Move_PendingToApprovedOrRejected_ApprovedToReversed_NothingElse(RecordStatus from, RecordStatus to, RecordRefusal? refusal) =>
        Assert.That(RecordLifecycle.Move(from, to), Is.EqualTo(refusal));

    [TestCase(RecordStatus.Pending)]
    [TestCase(RecordStatus.Approved)]
    [TestCase(RecordStatus.Rejected)]
    [TestCase(RecordStatus.Reversed)]
    public void Move_NothingReturnsToPending(RecordStatus from) =>
        Assert.That(() => RecordLifecycle.Move(from, RecordStatus.Pending), Throws.TypeOf<ArgumentOutOfRangeException>());

    [TestCase(false, false, null, TestName = "A client submits a pending record")]
    [TestCase(false, true, null, TestName = "Staff submit a pending record")]
    [TestCase(true, true, null, TestName = "Staff record and approve at once")]
    [TestCase(true, false, RecordRefusal.ApproveNeedsStaff, TestName = "A client may not approve its own submission")]
    public void Submit_OnlyStaffApproveAtOnce(bool approveAtOnce, bool byStaff, RecordRefusal? refusal) =>
        Assert.That(RecordLifecycle.Submit(approveAtOnce, byStaff), Is.EqualTo(refusal));

    [TestCase(true, null)]
    [TestCase(false, RecordRefusal.VolunteerInactive)]
    public void Record_OnlyForAnActiveVolunteer(bool active, RecordRefusal? refusal) =>
        Assert.That(RecordLifecycle.Record(active), Is.EqualTo(refusal));
}
