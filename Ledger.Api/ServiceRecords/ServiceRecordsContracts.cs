using FluentValidation;
using Ledger.Api.Infrastructure;
using Ledger.Core.Rules;

namespace Ledger.Api.ServiceRecords;

public static class RecordStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Reversed = "reversed";
    public static readonly string[] All = [Pending, Approved, Rejected, Reversed];
}

/// <summary>
/// POST /service-records. Staff may add <c>approve: true</c> with a <c>score</c> to record and approve in one call.
/// </summary>
public sealed record SubmitRecordRequest(
    long VolunteerId,
    string Category,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string? Description,
    long? ActivityId,
    bool? Approve,
    int? Score);

public sealed record ApproveRequest(int Score);

public sealed record ReasonRequest(string Reason);

public sealed record ServiceRecordResponse(
    long Id,
    long CommunityId,
    long VolunteerId,
    long? ActivityId,
    string Category,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    int Minutes,
    string? Description,
    string Status,
    int? Score,
    long? Points,
    int? RuleVersion,
    long? TransactionId,
    long? ReversalTransactionId,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? ReversedAt);

/// <summary>The answer to a reversal: <c>transactionId</c> is the compensating transaction.</summary>
public sealed record ReversalResponse(long Id, string Status, long? TransactionId, long? ReversesTransactionId, int Minutes, long Points);

public sealed class ServiceRecordRow
{
    public const string Columns =
        "id, community_id, volunteer_id, activity_id, category, started_at, ended_at, minutes, description, status, score, points, " +
        "rule_version, accrual_transaction_id, reversal_transaction_id, reason, created_at, decided_at, reversed_at";

    public long Id { get; init; }
    public long CommunityId { get; init; }
    public long VolunteerId { get; init; }
    public long? ActivityId { get; init; }
    public string Category { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public int Minutes { get; init; }
    public string? Description { get; init; }
    public string Status { get; init; } = "";
    public int? Score { get; init; }
    public long? Points { get; init; }
    public int? RuleVersion { get; init; }
    public long? AccrualTransactionId { get; init; }
    public long? ReversalTransactionId { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public DateTimeOffset? ReversedAt { get; init; }

    public Span Span => new(StartedAt, EndedAt);

    public ServiceRecordResponse ToResponse() => new(Id, CommunityId, VolunteerId, ActivityId, Category, StartedAt, EndedAt, Minutes,
        Description, Status, Score, Points, RuleVersion, AccrualTransactionId, ReversalTransactionId, Reason, CreatedAt, DecidedAt, ReversedAt);
}

internal static class RecordRules
{
    /// <summary>A single record longer than a day is a typing error, not a shift.</summary>
    public const int MaxRecordMinutes = 1440;

    public static IRuleBuilderOptions<T, string> ValidCategory<T>(this IRuleBuilderInitial<T, string> rule) =>
        rule.Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(RuleSet.MaxCategoryLength).WithMessage(_ => Text.Get("rule-invalid-name", 1, RuleSet.MaxCategoryLength))
            .Must(c => c is null || RuleSet.IsValidCategory(c))
            .WithMessage(_ => Text.Get("rule-invalid-name", 1, RuleSet.MaxCategoryLength));

    public static IRuleBuilderOptions<T, int?> ValidScore<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(1, 5);
}

public sealed class SubmitRecordValidator : AbstractValidator<SubmitRecordRequest>
{
    public SubmitRecordValidator()
    {
        RuleFor(r => r.VolunteerId).GreaterThan(0);
        RuleFor(r => r.Category).ValidCategory();
        RuleFor(r => r.Description).PlainText(500);
        RuleFor(r => r.ActivityId).GreaterThan(0).When(r => r.ActivityId is not null);
        RuleFor(r => r.StartedAt)
            .Must(ServiceTime.IsWholeMinute).WithMessage(_ => Text.Get("whole-minute"))
            .Must(t => t.Year is >= 2000 and <= 2100).WithMessage(_ => Text.Get("rule-out-of-range", "2000", "2100"));
        RuleFor(r => r.EndedAt)
            .Must(ServiceTime.IsWholeMinute).WithMessage(_ => Text.Get("whole-minute"))
            .Must((r, end) => end > r.StartedAt).WithMessage(_ => Text.Get("end-after-start"))
            .Must((r, end) => (end - r.StartedAt).TotalMinutes <= RecordRules.MaxRecordMinutes).WithMessage(_ => Text.Get("record-too-long", RecordRules.MaxRecordMinutes));
        RuleFor(r => r.Score).NotNull().ValidScore().When(r => r.Approve == true);
        RuleFor(r => r.Score).Null().When(r => r.Approve != true).WithMessage(_ => Text.Get("score-without-approve"));
    }
}

public sealed class ApproveValidator : AbstractValidator<ApproveRequest>
{
    public ApproveValidator() => RuleFor(r => r.Score).InclusiveBetween(1, 5);
}

public sealed class ReasonValidator : AbstractValidator<ReasonRequest>
{
    public ReasonValidator() => RuleFor(r => r.Reason).NotEmpty().PlainText(500);
}
