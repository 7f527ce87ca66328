using FluentValidation;
using Ledger.Api.Http;
using Ledger.Core.Rules;

namespace Ledger.Api.ServiceRecords;

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

public class ServiceRecordRow
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

/// <summary>What is wrong with a span's own times, and whether its start or its end is to blame.</summary>
public sealed record SpanProblem(bool AtEnd, string MessageKey, params object[] Args)
{
    public string Message => Messages.Get(MessageKey, Args);

    /// <summary>400 <c>validation</c> naming the field to blame; the detail is the message itself, for answers per entry.</summary>
    public Failure ToFailure(string startField = "startedAt", string endField = "endedAt") =>
        new(400, "validation", MessageKey, Args)
        {
            Errors = new Dictionary<string, string[]> { [AtEnd ? endField : startField] = [Message] },
        };
}

internal static class RecordRules
{
    /// <summary>
    /// Core's one check of a span's own times (<see cref="ServiceTime.Shape"/>), for a record, an activity and an
    /// attendance entry alike, with the field to blame and the message.
    /// </summary>
    public static SpanProblem? Check(Span span) => ServiceTime.Shape(span) is { } problem ? Of(problem) : null;

    public static SpanProblem Of(RecordProblem shape) => shape switch
    {
        RecordProblem.StartOutOfRange => new SpanProblem(false, "rule-out-of-range", ServiceTime.MinYear, ServiceTime.MaxYear),
        RecordProblem.EndOutOfRange => new SpanProblem(true, "rule-out-of-range", ServiceTime.MinYear, ServiceTime.MaxYear),
        RecordProblem.TooLong => new SpanProblem(true, "record-too-long", ServiceTime.MaxRecordMinutes),
        RecordProblem.EndBeforeStart => new SpanProblem(true, "end-after-start"),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Not a problem of a span's own times."),
    };

    /// <summary>Runs <see cref="Check"/> in a validator, naming the request's own fields.</summary>
    public static void ValidSpan<T>(this AbstractValidator<T> validator, Func<T, Span> span, string startField, string endField) =>
        validator.RuleFor(r => r).Custom((request, context) =>
        {
            // A time left out of the body arrives as default(DateTimeOffset): say it is missing, not that year 1 is out of range.
            var (start, end) = span(request);
            if (start == default || end == default)
            {
                if (start == default)
                    context.AddFailure(startField, Messages.Get("time-required"));
                if (end == default)
                    context.AddFailure(endField, Messages.Get("time-required"));
            }
            else if (Check(span(request)) is { } problem)
                context.AddFailure(problem.AtEnd ? endField : startField, problem.Message);
        });

    public static IRuleBuilderOptions<T, string> ValidCategory<T>(this IRuleBuilderInitial<T, string> rule) =>
        rule.Cascade(CascadeMode.Stop)
            .NotEmpty()
            .MaximumLength(RuleSet.MaxCategoryLength).WithMessage(_ => Messages.Get("rule-invalid-name", 1, RuleSet.MaxCategoryLength))
            .Must(c => c is null || RuleSet.IsValidCategory(c))
            .WithMessage(_ => Messages.Get("rule-invalid-name", 1, RuleSet.MaxCategoryLength));

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
        this.ValidSpan(r => new Span(r.StartedAt, r.EndedAt), "startedAt", "endedAt");
        RuleFor(r => r.Score).NotNull().ValidScore().When(r => r.Approve == true);
        RuleFor(r => r.Score).Null().When(r => r.Approve != true).WithMessage(_ => Messages.Get("score-without-approve"));
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
