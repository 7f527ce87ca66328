using FluentValidation;
using Ledger.Api.Http;
using Ledger.Api.ServiceRecords;
using Ledger.Core.Rules;

namespace Ledger.Api.Activities;

public sealed record CreateActivityRequest(long CommunityId, string Title, string Category, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Location);

public sealed record ActivityResponse(long Id, long CommunityId, string Title, string Category, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Location, DateTimeOffset CreatedAt);

public sealed class ActivityRow
{
    public const string Columns = "id, community_id, title, category, starts_at, ends_at, location, created_at";

    public long Id { get; init; }
    public long CommunityId { get; init; }
    public string Title { get; init; } = "";
    public string Category { get; init; } = "";
    public DateTimeOffset StartsAt { get; init; }
    public DateTimeOffset EndsAt { get; init; }
    public string? Location { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public Span Span => new(StartsAt, EndsAt);

    public ActivityResponse ToResponse() => new(Id, CommunityId, Title, Category, StartsAt, EndsAt, Location, CreatedAt);
}

/// <summary>One volunteer's attendance: by id or member code; times default to the activity's.</summary>
public sealed record AttendanceEntry(long? VolunteerId, string? MemberCode, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, int? Score);

public sealed record AttendanceRequest(AttendanceEntry[] Entries);

public sealed record AttendanceRecorded(int Index, long VolunteerId, long RecordId, long Points);

public sealed record AttendanceRejected(int Index, string Code, string Detail);

public sealed record AttendanceResponse(IReadOnlyList<AttendanceRecorded> Recorded, IReadOnlyList<AttendanceRejected> Rejected);

public sealed class CreateActivityValidator : AbstractValidator<CreateActivityRequest>
{
    public CreateActivityValidator()
    {
        RuleFor(r => r.CommunityId).GreaterThan(0);
        RuleFor(r => r.Title).NotEmpty().VisibleName(100);
        RuleFor(r => r.Category).ValidCategory();
        RuleFor(r => r.Location).PlainText(200);
        this.ValidSpan(r => new Span(r.StartsAt, r.EndsAt), "startsAt", "endsAt");
    }
}

/// <summary>
/// Only the shape of the call is checked here; each entry's own problems reject that entry alone, with its index,
/// in the answer — a campaign of 300 is not sent back for one typo.
/// </summary>
public sealed class AttendanceValidator : AbstractValidator<AttendanceRequest>
{
    public const int MaxEntries = 1000;

    public AttendanceValidator()
    {
        RuleFor(r => r.Entries).NotEmpty()
            .MaxItems(MaxEntries)
            .Must(e => e is null || e.All(x => x is not null)).WithMessage(_ => Messages.Get("entry-null"));
    }
}
