using Ledger.Core.Rules;

namespace Ledger.Core.Grading;

public enum Grade
{
    NeedsImprovement,
    Qualified,
    Good,
    Excellent,
}

public enum Measure
{
    Hours,
    AverageScore,
    ActiveMonths,
}

/// <summary>One reason behind a grade: what was measured, what the next grade up needed, and whether it was met.</summary>
public sealed record GradeReason(Grade For, Measure Measure, decimal Actual, decimal Needed, bool Met);

public sealed record GradeResult(Grade Grade, IReadOnlyList<GradeReason> Reasons, bool PromotionCandidate);

/// <summary>
/// The annual grade of PRODUCT.md from the year's approved hours, average effectiveness score and active months.
/// The reasons say, for the grade given, why it was reached — and for the grade just above, what was missing — so a
/// community worker can tell a volunteer exactly what separates them from the next grade.
/// </summary>
public static class Grades
{
    public static string Name(this Grade grade) => grade switch
    {
        Grade.Excellent => "excellent",
        Grade.Good => "good",
        Grade.Qualified => "qualified",
        _ => "needs-improvement",
    };

    public static GradeResult For(YearStats stats, GradingRules rules, bool secondEchelon)
    {
        var hours = stats.ApprovedMinutes / 60m;
        var average = stats.AverageScore ?? 0m;

        IReadOnlyList<GradeReason> Check(Grade grade, GradeThreshold t)
        {
            var reasons = new List<GradeReason> { new(grade, Measure.Hours, Math.Round(hours, 2), t.MinHours, hours >= t.MinHours) };
            if (t.MinAverageScore > 0)
                reasons.Add(new GradeReason(grade, Measure.AverageScore, average, t.MinAverageScore, stats.AverageScore is { } a && a >= t.MinAverageScore));
            if (t.MinActiveMonths > 0)
                reasons.Add(new GradeReason(grade, Measure.ActiveMonths, stats.ActiveMonths, t.MinActiveMonths, stats.ActiveMonths >= t.MinActiveMonths));
            return reasons;
        }

        var ladder = new (Grade Grade, GradeThreshold Threshold)[]
        {
            (Grade.Excellent, rules.Excellent),
            (Grade.Good, rules.Good),
            (Grade.Qualified, rules.Qualified),
        };
        IReadOnlyList<GradeReason>? above = null;
        foreach (var (grade, threshold) in ladder)
        {
            var reasons = Check(grade, threshold);
            if (reasons.All(r => r.Met))
            {
                var all = (above?.Where(r => !r.Met) ?? []).Concat(reasons).ToList();
                return new GradeResult(grade, all, secondEchelon && grade == Grade.Excellent);
            }
            above = reasons;
        }
        return new GradeResult(Grade.NeedsImprovement, above!.Where(r => !r.Met).ToList(), false);
    }
}

/// <summary>One volunteer's year as the ranking sees it.</summary>
public sealed record RankingEntry(long VolunteerId, long ApprovedMinutes, decimal? AverageScore, DateTimeOffset? FirstRecordAt);

public static class Ranking
{
    /// <summary>
    /// Hours descending, then average score descending (unscored last), then the earlier first record of the year;
    /// the volunteer id settles exact ties so the order never changes between two calls. Equal on the three measures
    /// means an equal rank (1, 2, 2, 4).
    /// </summary>
    public static IReadOnlyList<(int Rank, RankingEntry Entry)> Rank(IEnumerable<RankingEntry> entries)
    {
        var ordered = entries
            .OrderByDescending(e => e.ApprovedMinutes)
            .ThenByDescending(e => e.AverageScore ?? -1m)
            .ThenBy(e => e.FirstRecordAt ?? DateTimeOffset.MaxValue)
            .ThenBy(e => e.VolunteerId)
            .ToList();
        var ranked = new List<(int, RankingEntry)>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var tied = i > 0
                && ordered[i].ApprovedMinutes == ordered[i - 1].ApprovedMinutes
                && ordered[i].AverageScore == ordered[i - 1].AverageScore
                && ordered[i].FirstRecordAt == ordered[i - 1].FirstRecordAt;
            ranked.Add((tied ? ranked[i - 1].Item1 : i + 1, ordered[i]));
        }
        return ranked;
    }
}
