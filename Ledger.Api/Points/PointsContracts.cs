using FluentValidation;
using Ledger.Api.Http;

namespace Ledger.Api.Points;

public sealed record NextStarResponse(int Stars, decimal HoursToGo);

public sealed record YearSummary(int Year, long ApprovedMinutes, int ActiveMonths, decimal? AverageScore);

public sealed record ExpiringSoon(long Points, DateTimeOffset At);

public sealed record SummaryResponse(
    long VolunteerId,
    long Balance,
    long ApprovedMinutes,
    int Stars,
    NextStarResponse? NextStar,
    YearSummary Year,
    ExpiringSoon? ExpiringSoon);

public sealed record VolunteerLedgerItem(long TransactionId, DateTimeOffset At, string Kind, long Amount, long BalanceAfter, string? Reference, string? Memo);

public sealed record AdjustmentRequest(long Amount, string Reason);

public sealed record TransferRequest(long ToVolunteerId, long Amount, string? Memo);

public sealed record PointsMovedResponse(long TransactionId, long BalanceAfter);

public sealed record PostingResponse(string Account, long Amount);

public sealed record TransactionResponse(long Id, DateTimeOffset At, string Kind, long CommunityId, string? Reference, string? Memo, string Actor,
    IReadOnlyList<PostingResponse> Postings, long? ReversesId);

public sealed record AccountBalance(string Account, long Balance);

public sealed record TrialBalanceResponse(long CommunityId, DateTimeOffset? AsOf, IReadOnlyList<AccountBalance> Accounts, long Total);

public sealed class AdjustmentValidator : AbstractValidator<AdjustmentRequest>
{
    public const long MaxAmount = 1_000_000;

    public AdjustmentValidator()
    {
        RuleFor(r => r.Amount).NotEqual(0).InclusiveBetween(-MaxAmount, MaxAmount);
        RuleFor(r => r.Reason).NotEmpty().PlainText(500);
    }
}

public sealed class TransferValidator : AbstractValidator<TransferRequest>
{
    public TransferValidator()
    {
        RuleFor(r => r.ToVolunteerId).GreaterThan(0);
        RuleFor(r => r.Amount).InclusiveBetween(1, AdjustmentValidator.MaxAmount);
        RuleFor(r => r.Memo).PlainText(200);
    }
}
