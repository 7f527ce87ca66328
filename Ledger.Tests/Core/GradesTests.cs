using Ledger.Core.Grading;
using Ledger.Core.Rules;

namespace Ledger.Tests.Core;

public sealed class GradesTests
{
    private static readonly GradingRules Rules = GradingRules.Default;

    private static GradeResult GradeOf(long minutes, string? average, int months, bool second = false) =>
        Grades.For(new YearStats(2026, minutes, months, average is null ? null : decimal.Parse(average, System.Globalization.CultureInfo.InvariantCulture)),
            Rules, second);

    [TestCase(6000, "4.5", 10, Grade.Excellent)]
    [TestCase(5999, "4.5", 10, Grade.Good)]
    [TestCase(6000, "4.49", 10, Grade.Good)]
    [TestCase(6000, "4.5", 9, Grade.Good)]
    [TestCase(3000, "4.0", 6, Grade.Good)]
    [TestCase(2999, "4.0", 6, Grade.Qualified)]
    [TestCase(3000, "3.99", 6, Grade.Qualified)]
    [TestCase(3000, "4.0", 5, Grade.Qualified)]
    [TestCase(1200, "1.0", 1, Grade.Qualified)]
    [TestCase(1199, "5.0", 12, Grade.NeedsImprovement)]
    [TestCase(0, null, 0, Grade.NeedsImprovement)]
    [TestCase(9000, null, 12, Grade.Qualified)]
    public void Grade_AtEachBoundary(long minutes, string? average, int months, Grade expected) =>
        Assert.That(GradeOf(minutes, average, months).Grade, Is.EqualTo(expected));

    [Test]
    public void AGoodGrade_SaysWhatWasMissingForExcellent_AndWhatMadeItGood()
    {
        var result = GradeOf(6600, "4.2", 11);
        Assert.That(result.Grade, Is.EqualTo(Grade.Good));
        Assert.That(result.Reasons, Is.EqualTo(new[]
        {
            new GradeReason(Grade.Excellent, Measure.AverageScore, 4.2m, 4.5m, false),
            new GradeReason(Grade.Good, Measure.Hours, 110m, 50m, true),
            new GradeReason(Grade.Good, Measure.AverageScore, 4.2m, 4.0m, true),
            new GradeReason(Grade.Good, Measure.ActiveMonths, 11m, 6m, true),
        }));
    }

    [Test]
    public void NeedsImprovement_SaysHowManyHoursAreMissing() =>
        Assert.That(GradeOf(600, "5.0", 3).Reasons, Is.EqualTo(new[] { new GradeReason(Grade.Qualified, Measure.Hours, 10m, 20m, false) }));

    [TestCase(true, 6000, "4.8", 12, true)]
    [TestCase(false, 6000, "4.8", 12, false)]
    [TestCase(true, 5999, "4.8", 12, false)]
    public void ASecondEchelonVolunteerGradedExcellent_IsAPromotionCandidate(bool second, long minutes, string average, int months, bool candidate) =>
        Assert.That(GradeOf(minutes, average, months, second).PromotionCandidate, Is.EqualTo(candidate));

    [Test]
    public void Ranking_HoursThenScoreThenEarlierFirstRecord_TiesShareARank()
    {
        var jan = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var feb = jan.AddMonths(1);
        var ranked = Ranking.Rank(
        [
            new RankingEntry(1, 3000, 4.0m, jan),
            new RankingEntry(2, 6000, 4.0m, feb),
            new RankingEntry(3, 3000, 4.5m, feb),
            new RankingEntry(4, 3000, 4.0m, feb),
            new RankingEntry(5, 3000, 4.0m, feb),
            new RankingEntry(6, 3000, null, jan),
        ]);
        Assert.That(ranked.Select(r => (r.Rank, r.Entry.VolunteerId)), Is.EqualTo(new[] { (1, 2L), (2, 3L), (3, 1L), (4, 4L), (4, 5L), (6, 6L) }));
    }
}
