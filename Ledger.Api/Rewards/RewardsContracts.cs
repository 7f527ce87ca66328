using FluentValidation;
using Ledger.Api.Http;

namespace Ledger.Api.Rewards;

public sealed record CreateRewardRequest(long CommunityId, string Name, long PointsCost, long Stock, string? Description);

/// <summary>Stock changes by a delta (goods in: positive; breakage, a stock count: negative), never by overwriting it.</summary>
public sealed record PatchRewardRequest(long? PointsCost, long? StockDelta, bool? Active);

public sealed record RewardResponse(long Id, long CommunityId, string Name, string? Description, long PointsCost, long Stock, bool Active,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed class RewardRow
{
    public const string Columns = "id, community_id, name, description, points_cost, stock, active, created_at, updated_at";

    public long Id { get; init; }
    public long CommunityId { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public long PointsCost { get; init; }
    public long Stock { get; init; }
    public bool Active { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public RewardResponse ToResponse() => new(Id, CommunityId, Name, Description, PointsCost, Stock, Active, CreatedAt, UpdatedAt);
}

public static class RewardLimits
{
    public const long MaxCost = 1_000_000;
    public const long MaxStock = 1_000_000;
}

public sealed class CreateRewardValidator : AbstractValidator<CreateRewardRequest>
{
    public CreateRewardValidator()
    {
        RuleFor(r => r.CommunityId).GreaterThan(0);
        RuleFor(r => r.Name).NotEmpty().VisibleName(100);
        RuleFor(r => r.Description).PlainText(500);
        RuleFor(r => r.PointsCost).InclusiveBetween(1, RewardLimits.MaxCost);
        RuleFor(r => r.Stock).InclusiveBetween(0, RewardLimits.MaxStock);
    }
}

public sealed class PatchRewardValidator : AbstractValidator<PatchRewardRequest>
{
    public PatchRewardValidator()
    {
        RuleFor(r => r.PointsCost).InclusiveBetween(1, RewardLimits.MaxCost).When(r => r.PointsCost is not null);
        RuleFor(r => r.StockDelta).NotEqual(0).InclusiveBetween(-RewardLimits.MaxStock, RewardLimits.MaxStock).When(r => r.StockDelta is not null);
        RuleFor(r => r)
            .Must(r => r is not { PointsCost: null, StockDelta: null, Active: null })
            .WithMessage(_ => Messages.Get("patch-empty"))
            .OverridePropertyName("body");
    }
}
