namespace Ledger.Core.Rules;

public enum ExpiryPolicy
{
    Never,
    EndOfFollowingYear,
}

/// <summary>What a volunteer needs in a year for one grade. Hours and months are inclusive minimums.</summary>
public sealed record GradeThreshold(int MinHours, decimal MinAverageScore, int MinActiveMonths);

public sealed record GradingRules(GradeThreshold Excellent, GradeThreshold Good, GradeThreshold Qualified)
{
    /// <summary>PRODUCT.md: excellent ≥ 100 h, avg ≥ 4.5, ≥ 10 months; good ≥ 50 h, avg ≥ 4.0, ≥ 6 months; qualified ≥ 20 h.</summary>
    public static GradingRules Default { get; } = new(
        Excellent: new GradeThreshold(100, 4.5m, 10),
        Good: new GradeThreshold(50, 4.0m, 6),
        Qualified: new GradeThreshold(20, 0m, 0));
}

/// <summary>
/// One version of a community's rules. A service record is valued by the version in force at its start,
/// so a rule set is immutable once stored; a change is a new version.
/// </summary>
public sealed record RuleSet(
    int PointsPerHour,
    IReadOnlyDictionary<string, decimal> CategoryMultipliers,
    int MinMinutes,
    int DailyCapMinutes,
    int MaxBackdateDays,
    IReadOnlyList<int> StarThresholdsHours,
    ExpiryPolicy Expiry,
    GradingRules Grading)
{
    public const int StarLevels = 5;
    public const int MaxCategories = 50;
    public const int MaxCategoryLength = 50;

    /// <summary>The defaults of PRODUCT.md.</summary>
    public static RuleSet Default { get; } = new(
        PointsPerHour: 10,
        CategoryMultipliers: new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            ["epidemic"] = 2.0m,
            ["anti-fraud"] = 1.5m,
        },
        MinMinutes: 30,
        DailyCapMinutes: 480,
        MaxBackdateDays: 90,
        StarThresholdsHours: [100, 300, 600, 1000, 1500],
        Expiry: ExpiryPolicy.Never,
        Grading: GradingRules.Default);

    /// <summary>A category without its own multiplier counts at 1.0.</summary>
    public decimal MultiplierFor(string category) =>
        CategoryMultipliers.TryGetValue(category, out var multiplier) ? multiplier : 1.0m;

    /// <summary>Every way this rule set is unusable; empty when it may be stored.</summary>
    public IReadOnlyList<RuleProblem> Validate()
    {
        var problems = new List<RuleProblem>();

        void Range(string field, decimal value, decimal min, decimal max)
        {
            if (value < min || value > max)
                problems.Add(new RuleProblem(field, RuleProblemKind.OutOfRange, min, max));
        }

        Range("pointsPerHour", PointsPerHour, 1, 1000);
        Range("minMinutes", MinMinutes, 1, 1440);
        Range("dailyCapMinutes", DailyCapMinutes, 1, 1440);
        if (DailyCapMinutes < MinMinutes && MinMinutes is >= 1 and <= 1440)
            problems.Add(new RuleProblem("dailyCapMinutes", RuleProblemKind.BelowOther, MinMinutes, 0, "minMinutes"));
        Range("maxBackdateDays", MaxBackdateDays, 0, 3650);

        if (CategoryMultipliers.Count > MaxCategories)
            problems.Add(new RuleProblem("categoryMultipliers", RuleProblemKind.TooMany, 0, MaxCategories));
        foreach (var (category, multiplier) in CategoryMultipliers)
        {
            var field = $"categoryMultipliers.{category}";
            if (!IsValidCategory(category))
                problems.Add(new RuleProblem(field, RuleProblemKind.InvalidName, 1, MaxCategoryLength));
            // Two decimal places keep points exact and explainable to a community worker (×1.25, not ×1.2345).
            if (multiplier <= 0 || multiplier > 10 || decimal.Round(multiplier, 2) != multiplier)
                problems.Add(new RuleProblem(field, RuleProblemKind.OutOfRange, 0.01m, 10));
        }

        if (StarThresholdsHours.Count != StarLevels)
            problems.Add(new RuleProblem("starThresholdsHours", RuleProblemKind.WrongCount, StarLevels, StarLevels));
        else
        {
            for (var i = 0; i < StarLevels; i++)
            {
                var previous = i == 0 ? 0 : StarThresholdsHours[i - 1];
                if (StarThresholdsHours[i] <= previous || StarThresholdsHours[i] > 100_000)
                {
                    problems.Add(new RuleProblem("starThresholdsHours", RuleProblemKind.NotIncreasing, 1, 100_000));
                    break;
                }
            }
        }

        CheckGrade("grading.excellent", Grading.Excellent);
        CheckGrade("grading.good", Grading.Good);
        CheckGrade("grading.qualified", Grading.Qualified);
        if (Grading.Good.MinHours > Grading.Excellent.MinHours || Grading.Qualified.MinHours > Grading.Good.MinHours)
            problems.Add(new RuleProblem("grading", RuleProblemKind.GradesOutOfOrder, 0, 0));

        return problems;

        void CheckGrade(string field, GradeThreshold grade)
        {
            Range($"{field}.minHours", grade.MinHours, 0, 8784);
            Range($"{field}.minAverageScore", grade.MinAverageScore, 0, 5);
            Range($"{field}.minActiveMonths", grade.MinActiveMonths, 0, 12);
        }
    }

    /// <summary>Category names are short machine words (letters, digits, '-', '_'), so they read the same in every report.</summary>
    public static bool IsValidCategory(string category) =>
        category.Length is >= 1 and <= MaxCategoryLength
        && category.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

public enum RuleProblemKind
{
    OutOfRange,
    BelowOther,
    TooMany,
    InvalidName,
    WrongCount,
    NotIncreasing,
    GradesOutOfOrder,
}

/// <summary>One reason a rule set is refused; the API turns it into a message in the caller's language.</summary>
public sealed record RuleProblem(string Field, RuleProblemKind Kind, decimal Min, decimal Max, string? OtherField = null);

/// <summary>A stored rule set with its number and the instant it takes effect.</summary>
public sealed record RuleVersion(int Version, DateTimeOffset EffectiveFrom, RuleSet Rules)
{
    /// <summary>The version in force at <paramref name="at"/>: the latest one effective at or before it.</summary>
    public static RuleVersion? InForceAt(IEnumerable<RuleVersion> versions, DateTimeOffset at) =>
        versions.Where(v => v.EffectiveFrom <= at).MaxBy(v => v.Version);
}
