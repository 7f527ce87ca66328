namespace Ledger.Core.Audit;

/// <summary>What an audit event records. Every state change names one (<see cref="AuditActions"/> has its stored text).</summary>
public enum AuditAction
{
    ApiKeyBootstrapped,
    ApiKeyCreated,
    ApiKeyRevoked,
    CommunityCreated,
    RulesVersioned,
    VolunteerCreated,
    VolunteerUpdated,
    ServiceRecordSubmitted,
    ServiceRecordApproved,
    ServiceRecordRejected,
    ServiceRecordReversed,
    ActivityCreated,
    ActivityAttendance,
    PointsAdjusted,
    PointsTransferred,
    PointsExpired,
    RewardCreated,
    RewardUpdated,
    RedemptionCompleted,
    RedemptionCancelled,
    CertificateIssued,
}

/// <summary>
/// The stored text of each audit action: audit_events.action, the auditors' <c>action</c> filter, and a field the
/// audit chain hashes — so a text, once stored, never changes.
/// </summary>
public static class AuditActions
{
    public const string ApiKeyBootstrapped = "api-key.bootstrapped";
    public const string ApiKeyCreated = "api-key.created";
    public const string ApiKeyRevoked = "api-key.revoked";
    public const string CommunityCreated = "community.created";
    public const string RulesVersioned = "rules.versioned";
    public const string VolunteerCreated = "volunteer.created";
    public const string VolunteerUpdated = "volunteer.updated";
    public const string ServiceRecordSubmitted = "service-record.submitted";
    public const string ServiceRecordApproved = "service-record.approved";
    public const string ServiceRecordRejected = "service-record.rejected";
    public const string ServiceRecordReversed = "service-record.reversed";
    public const string ActivityCreated = "activity.created";
    public const string ActivityAttendance = "activity.attendance";
    public const string PointsAdjusted = "points.adjusted";
    public const string PointsTransferred = "points.transferred";
    public const string PointsExpired = "points.expired";
    public const string RewardCreated = "reward.created";
    public const string RewardUpdated = "reward.updated";
    public const string RedemptionCompleted = "redemption.completed";
    public const string RedemptionCancelled = "redemption.cancelled";
    public const string CertificateIssued = "certificate.issued";

    public static readonly string[] All = Enum.GetValues<AuditAction>().Select(Name).ToArray();

    public static string Name(this AuditAction action) => action switch
    {
        AuditAction.ApiKeyBootstrapped => ApiKeyBootstrapped,
        AuditAction.ApiKeyCreated => ApiKeyCreated,
        AuditAction.ApiKeyRevoked => ApiKeyRevoked,
        AuditAction.CommunityCreated => CommunityCreated,
        AuditAction.RulesVersioned => RulesVersioned,
        AuditAction.VolunteerCreated => VolunteerCreated,
        AuditAction.VolunteerUpdated => VolunteerUpdated,
        AuditAction.ServiceRecordSubmitted => ServiceRecordSubmitted,
        AuditAction.ServiceRecordApproved => ServiceRecordApproved,
        AuditAction.ServiceRecordRejected => ServiceRecordRejected,
        AuditAction.ServiceRecordReversed => ServiceRecordReversed,
        AuditAction.ActivityCreated => ActivityCreated,
        AuditAction.ActivityAttendance => ActivityAttendance,
        AuditAction.PointsAdjusted => PointsAdjusted,
        AuditAction.PointsTransferred => PointsTransferred,
        AuditAction.PointsExpired => PointsExpired,
        AuditAction.RewardCreated => RewardCreated,
        AuditAction.RewardUpdated => RewardUpdated,
        AuditAction.RedemptionCompleted => RedemptionCompleted,
        AuditAction.RedemptionCancelled => RedemptionCancelled,
        AuditAction.CertificateIssued => CertificateIssued,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "An audit action without a stored name."),
    };

    public static AuditAction Parse(string text) => text switch
    {
        ApiKeyBootstrapped => AuditAction.ApiKeyBootstrapped,
        ApiKeyCreated => AuditAction.ApiKeyCreated,
        ApiKeyRevoked => AuditAction.ApiKeyRevoked,
        CommunityCreated => AuditAction.CommunityCreated,
        RulesVersioned => AuditAction.RulesVersioned,
        VolunteerCreated => AuditAction.VolunteerCreated,
        VolunteerUpdated => AuditAction.VolunteerUpdated,
        ServiceRecordSubmitted => AuditAction.ServiceRecordSubmitted,
        ServiceRecordApproved => AuditAction.ServiceRecordApproved,
        ServiceRecordRejected => AuditAction.ServiceRecordRejected,
        ServiceRecordReversed => AuditAction.ServiceRecordReversed,
        ActivityCreated => AuditAction.ActivityCreated,
        ActivityAttendance => AuditAction.ActivityAttendance,
        PointsAdjusted => AuditAction.PointsAdjusted,
        PointsTransferred => AuditAction.PointsTransferred,
        PointsExpired => AuditAction.PointsExpired,
        RewardCreated => AuditAction.RewardCreated,
        RewardUpdated => AuditAction.RewardUpdated,
        RedemptionCompleted => AuditAction.RedemptionCompleted,
        RedemptionCancelled => AuditAction.RedemptionCancelled,
        CertificateIssued => AuditAction.CertificateIssued,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Not a stored audit action."),
    };
}
