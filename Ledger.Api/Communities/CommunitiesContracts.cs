using FluentValidation;
using Ledger.Api.Http;

namespace Ledger.Api.Communities;

public sealed record CreateCommunityRequest(string Name, string Street, string District, string? TimeZone);

public sealed record CommunityResponse(long Id, string Name, string Street, string District, string TimeZone, DateTimeOffset CreatedAt);

public sealed class CommunityRow
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Street { get; init; } = "";
    public string District { get; init; } = "";
    public string TimeZone { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    public CommunityResponse ToResponse() => new(Id, Name, Street, District, TimeZone, CreatedAt);
}

public sealed class CreateCommunityValidator : AbstractValidator<CreateCommunityRequest>
{
    public CreateCommunityValidator()
    {
        RuleFor(r => r.Name).NotEmpty().VisibleName(100);
        RuleFor(r => r.Street).NotEmpty().VisibleName(100);
        RuleFor(r => r.District).NotEmpty().VisibleName(100);
        RuleFor(r => r.TimeZone)
            .Must(tz => tz is null || TimeZones.IsKnown(tz))
            .WithMessage(r => Messages.Get("time-zone", r.TimeZone));
    }
}

public static class TimeZones
{
    /// <summary>PRODUCT.md: local days and years are in the community's zone, Shanghai unless said otherwise.</summary>
    public const string Default = "Asia/Shanghai";

    public static TimeZoneInfo Find(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    /// <summary>How people read a time — in messages and exports: on the community's clock, to the minute.</summary>
    public const string LocalFormat = "yyyy-MM-dd HH:mm";

    public static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString(LocalFormat, System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsKnown(string id) =>
        id.Length is > 0 and <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
