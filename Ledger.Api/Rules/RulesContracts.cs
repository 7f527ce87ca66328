using System.Text.Json;
using FluentValidation;
using Ledger.Api.Http;
using Ledger.Core.Rules;

namespace Ledger.Api.Rules;

public sealed record GradeThresholdBody(int? MinHours, decimal? MinAverageScore, int? MinActiveMonths)
{
    public GradeThreshold ToThreshold(GradeThreshold fallback) => new(
        MinHours ?? fallback.MinHours,
        MinAverageScore ?? fallback.MinAverageScore,
        MinActiveMonths ?? fallback.MinActiveMonths);

    public static GradeThresholdBody From(GradeThreshold t) => new(t.MinHours, t.MinAverageScore, t.MinActiveMonths);
}

public sealed record GradingBody(GradeThresholdBody? Excellent, GradeThresholdBody? Good, GradeThresholdBody? Qualified);

/// <summary>PUT /communities/{id}/rules. Every field is optional: a missing one takes the default of PRODUCT.md.</summary>
public sealed record PutRulesRequest(
    int? PointsPerHour,
    Dictionary<string, decimal>? CategoryMultipliers,
    int? MinMinutes,
    int? DailyCapMinutes,
    int? MaxBackdateDays,
    int[]? StarThresholdsHours,
    string? Expiry,
    GradingBody? Grading,
    DateTimeOffset? EffectiveFrom)
{
    public RuleSet ToRuleSet()
    {
        var d = RuleSet.Default;
        return new RuleSet(
            PointsPerHour ?? d.PointsPerHour,
            CategoryMultipliers is null ? d.CategoryMultipliers : new Dictionary<string, decimal>(CategoryMultipliers, StringComparer.Ordinal),
            MinMinutes ?? d.MinMinutes,
            DailyCapMinutes ?? d.DailyCapMinutes,
            MaxBackdateDays ?? d.MaxBackdateDays,
            StarThresholdsHours ?? d.StarThresholdsHours,
            RulesBody.ParseExpiry(Expiry) ?? d.Expiry,
            new GradingRules(
                Grading?.Excellent?.ToThreshold(d.Grading.Excellent) ?? d.Grading.Excellent,
                Grading?.Good?.ToThreshold(d.Grading.Good) ?? d.Grading.Good,
                Grading?.Qualified?.ToThreshold(d.Grading.Qualified) ?? d.Grading.Qualified));
    }
}

/// <summary>A rule set as clients and the rule_versions table see it.</summary>
public sealed record RulesBody(
    int PointsPerHour,
    IReadOnlyDictionary<string, decimal> CategoryMultipliers,
    int MinMinutes,
    int DailyCapMinutes,
    int MaxBackdateDays,
    IReadOnlyList<int> StarThresholdsHours,
    string Expiry,
    GradingBody Grading)
{
    public const string ExpiryNever = "never";
    public const string ExpiryEndOfFollowingYear = "endOfFollowingYear";
    public static readonly string[] Expiries = [ExpiryNever, ExpiryEndOfFollowingYear];

    public static ExpiryPolicy? ParseExpiry(string? expiry) => expiry switch
    {
        ExpiryNever => ExpiryPolicy.Never,
        ExpiryEndOfFollowingYear => ExpiryPolicy.EndOfFollowingYear,
        _ => null,
    };

    public static RulesBody From(RuleSet r) => new(
        r.PointsPerHour,
        r.CategoryMultipliers,
        r.MinMinutes,
        r.DailyCapMinutes,
        r.MaxBackdateDays,
        r.StarThresholdsHours,
        r.Expiry == ExpiryPolicy.Never ? ExpiryNever : ExpiryEndOfFollowingYear,
        new GradingBody(
            GradeThresholdBody.From(r.Grading.Excellent),
            GradeThresholdBody.From(r.Grading.Good),
            GradeThresholdBody.From(r.Grading.Qualified)));

    public RuleSet ToRuleSet() => new(
        PointsPerHour,
        new Dictionary<string, decimal>(CategoryMultipliers, StringComparer.Ordinal),
        MinMinutes,
        DailyCapMinutes,
        MaxBackdateDays,
        StarThresholdsHours.ToArray(),
        ParseExpiry(Expiry) ?? throw new InvalidDataException($"Stored rules carry an unknown expiry '{Expiry}'."),
        new GradingRules(
            Grading.Excellent!.ToThreshold(GradingRules.Default.Excellent),
            Grading.Good!.ToThreshold(GradingRules.Default.Good),
            Grading.Qualified!.ToThreshold(GradingRules.Default.Qualified)));
}

public sealed record RulesResponse(
    int Version,
    DateTimeOffset EffectiveFrom,
    int PointsPerHour,
    IReadOnlyDictionary<string, decimal> CategoryMultipliers,
    int MinMinutes,
    int DailyCapMinutes,
    int MaxBackdateDays,
    IReadOnlyList<int> StarThresholdsHours,
    string Expiry,
    GradingRules Grading,
    DateTimeOffset CreatedAt);

public sealed record RulesOverview(RulesResponse Current, IReadOnlyList<RulesResponse> Versions);

public sealed class RuleVersionRow
{
    public long CommunityId { get; init; }
    public long Version { get; init; }
    public DateTimeOffset EffectiveFrom { get; init; }
    public string Rules { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    public RulesBody Body() =>
        JsonSerializer.Deserialize<RulesBody>(Rules, RuleVersions.StorageJson) ?? throw new InvalidDataException("Empty rules row.");

    public RuleVersion ToVersion() => new((int)Version, EffectiveFrom, Body().ToRuleSet());

    public RulesResponse ToResponse()
    {
        var b = Body();
        // The stored thresholds are complete, so the answer carries them as Core's non-null values, not the
        // request's all-optional shape.
        return new RulesResponse((int)Version, EffectiveFrom, b.PointsPerHour, b.CategoryMultipliers, b.MinMinutes,
            b.DailyCapMinutes, b.MaxBackdateDays, b.StarThresholdsHours, b.Expiry, b.ToRuleSet().Grading, CreatedAt);
    }
}

public sealed class PutRulesValidator : AbstractValidator<PutRulesRequest>
{
    public PutRulesValidator()
    {
        RuleFor(r => r.Expiry)
            .Must(e => e is null || RulesBody.ParseExpiry(e) is not null)
            .WithMessage(_ => Messages.Get("one-of", string.Join(", ", RulesBody.Expiries)));
        RuleFor(r => r.EffectiveFrom)
            .Must(t => t is null || t.Value.Year is >= 2000 and <= 2100)
            .WithMessage(_ => Messages.Get("rule-out-of-range", "2000-01-01", "2100-12-31"));
        RuleFor(r => r.CategoryMultipliers).MaxItems(Core.Rules.RuleSet.MaxCategories);

        // The rules themselves are Core's: one definition of a valid rule set, whoever asks.
        RuleFor(r => r).Custom((request, context) =>
        {
            if (RulesBody.ParseExpiry(request.Expiry) is null && request.Expiry is not null)
                return;
            foreach (var problem in request.ToRuleSet().Validate())
                context.AddFailure(problem.Field, Message(problem));
        });
    }

    private static string Message(RuleProblem p) => p.Kind switch
    {
        RuleProblemKind.OutOfRange => Messages.Get("rule-out-of-range", p.Min, p.Max),
        RuleProblemKind.BelowOther => Messages.Get("rule-below-other", p.OtherField, p.Min),
        RuleProblemKind.TooMany => Messages.Get("rule-too-many", p.Min, p.Max),
        RuleProblemKind.InvalidName => Messages.Get("rule-invalid-name", p.Min, p.Max),
        RuleProblemKind.WrongCount => Messages.Get("rule-wrong-count", p.Min, p.Max),
        RuleProblemKind.NotIncreasing => Messages.Get("rule-not-increasing", p.Min, p.Max),
        RuleProblemKind.GradesOutOfOrder => Messages.Get("rule-grades-out-of-order"),
        _ => p.Kind.ToString(),
    };
}
