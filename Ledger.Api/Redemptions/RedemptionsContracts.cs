using FluentValidation;
using Ledger.Api.Http;

namespace Ledger.Api.Redemptions;

public sealed record RedeemRequest(long? VolunteerId, string? MemberCode, long RewardId, int Quantity);

public sealed record CancelRequest(string Reason);

public sealed record RedemptionResponse(
    long Id,
    string ReceiptNo,
    long CommunityId,
    long VolunteerId,
    long RewardId,
    string RewardName,
    int Quantity,
    long PointsSpent,
    long BalanceAfter,
    long TransactionId,
    string Status,
    DateTimeOffset CreatedAt);

public sealed record CancellationResponse(long Id, string ReceiptNo, string Status, long TransactionId, long BalanceAfter);

public sealed record RedemptionListItem(
    long Id,
    string ReceiptNo,
    long CommunityId,
    long VolunteerId,
    string VolunteerName,
    long RewardId,
    string RewardName,
    int Quantity,
    long PointsSpent,
    string Status,
    long TransactionId,
    long? CancellationTransactionId,
    string? CancelReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelledAt);

public sealed class RedemptionRow
{
    public long Id { get; init; }
    public string ReceiptNo { get; init; } = "";
    public long CommunityId { get; init; }
    public long VolunteerId { get; init; }
    public string VolunteerName { get; init; } = "";
    public long RewardId { get; init; }
    public string RewardName { get; init; } = "";
    public int Quantity { get; init; }
    public long PointsSpent { get; init; }
    public string Status { get; init; } = "";
    public long TransactionId { get; init; }
    public long? CancellationTransactionId { get; init; }
    public string? CancelReason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }

    public RedemptionListItem ToItem() => new(Id, ReceiptNo, CommunityId, VolunteerId, VolunteerName, RewardId, RewardName, Quantity, PointsSpent,
        Status, TransactionId, CancellationTransactionId, CancelReason, CreatedAt, CancelledAt);
}

public sealed class RedeemValidator : AbstractValidator<RedeemRequest>
{
    public RedeemValidator()
    {
        RuleFor(r => r)
            .Must(r => (r.VolunteerId is null) != (r.MemberCode is null))
            .WithMessage(_ => Messages.Get("redeem-who"))
            .OverridePropertyName("volunteerId");
        RuleFor(r => r.VolunteerId).GreaterThan(0).When(r => r.VolunteerId is not null);
        RuleFor(r => r.MemberCode).MaximumLength(64);
        RuleFor(r => r.RewardId).GreaterThan(0);
        RuleFor(r => r.Quantity).InclusiveBetween(1, 99);
    }
}

public sealed class CancelValidator : AbstractValidator<CancelRequest>
{
    public CancelValidator() => RuleFor(r => r.Reason).NotEmpty().PlainText(500);
}
