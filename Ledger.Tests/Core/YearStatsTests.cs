using Ledger.Core.Grading;

namespace Ledger.Tests.Core;

public sealed class YearStatsTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Test]
    public void Year_IsCountedByLocalStart_MonthsAreDistinct_AverageIsPerRecord()
    {
        var records = new[]
        {
            // 31 Dec 2025 17:00 UTC is 1 Jan 2026 01:00 in Shanghai: this year, January.
            new ApprovedService(new DateTimeOffset(2025, 12, 31, 17, 0, 0, TimeSpan.Zero), 60, 5),
            new ApprovedService(new DateTimeOffset(2026, 1, 20, 2, 0, 0, TimeSpan.Zero), 90, 4),
            new ApprovedService(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero), 30, 4),
            // 31 Dec 2026 16:00 UTC is already 2027 in Shanghai: not this year.
            new ApprovedService(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), 120, 1),
        };
        var stats = YearStats.From(2026, records, Shanghai);
        Assert.That(stats, Is.EqualTo(new YearStats(2026, 180, 2, 4.33m)));
    }

    [Test]
    public void AYearWithoutScores_HasNoAverage() =>
        Assert.That(YearStats.From(2026, [new ApprovedService(new DateTimeOffset(2026, 5, 1, 2, 0, 0, TimeSpan.Zero), 60, null)], Shanghai).AverageScore,
            Is.Null);
}
