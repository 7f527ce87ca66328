using Ledger.Core.Rules;

namespace Ledger.Tests.Core;

public sealed class ServiceTimeTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly RuleSet Rules = RuleSet.Default;

    /// <summary>10:00 local on 15 June 2026, a Monday; all records below are on or before it.</summary>
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 10, 0, 0, TimeSpan.FromHours(8));

    private static DateTimeOffset Local(int day, int hour, int minute = 0) => new(2026, 6, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static RecordProblem? Check(Span record, params Span[] others) =>
        ServiceTime.Check(Rules, Shanghai, Now, record, others).Problem;

    [TestCase(29, RecordProblem.TooShort)]
    [TestCase(30, null)]
    [TestCase(31, null)]
    public void MinimumIsThirtyMinutes(int minutes, RecordProblem? expected) =>
        Assert.That(Check(new Span(Local(14, 9), Local(14, 9).AddMinutes(minutes))), Is.EqualTo(expected));

    [TestCase(480, null)]
    [TestCase(481, RecordProblem.DailyCapExceeded)]
    public void OneRecord_UpToTheDailyCap(int minutes, RecordProblem? expected) =>
        Assert.That(Check(new Span(Local(14, 8), Local(14, 8).AddMinutes(minutes))), Is.EqualTo(expected));

    [TestCase(30, null)]
    [TestCase(31, RecordProblem.DailyCapExceeded)]
    public void DailyCap_CountsTheOtherRecordsOfTheLocalDay(int minutes, RecordProblem? expected)
    {
        var morning = new Span(Local(14, 8), Local(14, 8).AddMinutes(450));
        Assert.That(Check(new Span(Local(14, 18), Local(14, 18).AddMinutes(minutes)), morning), Is.EqualTo(expected));
    }

    [Test]
    public void DailyCap_IsPerLocalDay_NotPerUtcDay()
    {
        // 07:00–15:00 local is 23:00–07:00 UTC across two UTC days, but one local day of 480 minutes.
        var day = new Span(Local(14, 7), Local(14, 15));
        Assert.That(Check(day), Is.Null);
        Assert.That(Check(new Span(Local(14, 16), Local(14, 16, 30)), day), Is.EqualTo(RecordProblem.DailyCapExceeded));
        Assert.That(Check(new Span(Local(13, 16), Local(13, 16, 30)), day), Is.Null);
    }

    [TestCase(420, null)]
    [TestCase(421, RecordProblem.DailyCapExceeded)]
    public void ARecordCrossingLocalMidnight_CountsOnBothDays(int earlierThatDay, RecordProblem? expected)
    {
        // 23:00 on the 13th to 01:00 on the 14th: 60 minutes on each day.
        var night = new Span(Local(13, 23), Local(14, 1));
        var before = new Span(Local(13, 8), Local(13, 8).AddMinutes(earlierThatDay));
        Assert.That(Check(night, before), Is.EqualTo(expected));
        Assert.That(ServiceTime.MinutesPerLocalDay(night, Shanghai).ToList(),
            Is.EqualTo(new[] { (new DateOnly(2026, 6, 13), 60), (new DateOnly(2026, 6, 14), 60) }));
    }

    [Test]
    public void ARecordCrossingLocalMidnight_ChecksTheSecondDayToo()
    {
        var night = new Span(Local(13, 23), Local(14, 1));
        var nextDay = new Span(Local(14, 8), Local(14, 8).AddMinutes(421));
        Assert.That(Check(night, nextDay), Is.EqualTo(RecordProblem.DailyCapExceeded));
        Assert.That(Check(night, new Span(Local(14, 8), Local(14, 8).AddMinutes(420))), Is.Null);
    }

    [Test]
    public void Overlap_IsRefused_ButTouchingIsNot()
    {
        var existing = new Span(Local(14, 9), Local(14, 11));
        Assert.That(Check(new Span(Local(14, 11), Local(14, 12)), existing), Is.Null);
        Assert.That(Check(new Span(Local(14, 8), Local(14, 9)), existing), Is.Null);
        Assert.That(Check(new Span(Local(14, 10, 59), Local(14, 12)), existing), Is.EqualTo(RecordProblem.OverlappingRecord));
        Assert.That(Check(new Span(Local(14, 9, 30), Local(14, 10, 30)), existing), Is.EqualTo(RecordProblem.OverlappingRecord));
        Assert.That(Check(new Span(Local(14, 8), Local(14, 12)), existing), Is.EqualTo(RecordProblem.OverlappingRecord));
    }

    [TestCase(5, null)]
    [TestCase(6, RecordProblem.FutureTime)]
    public void TheEnd_MayBeAtMostFiveMinutesAhead(int minutesAhead, RecordProblem? expected) =>
        Assert.That(Check(new Span(Now.AddMinutes(-60), Now.AddMinutes(minutesAhead))), Is.EqualTo(expected));

    [TestCase(0, null)]
    [TestCase(1, RecordProblem.TooOld)]
    public void TheStart_MayBeAtMost90DaysBack(int minutesMore, RecordProblem? expected)
    {
        var start = Now.AddDays(-90).AddMinutes(-minutesMore);
        Assert.That(Check(new Span(start, start.AddMinutes(60))), Is.EqualTo(expected));
    }

    [Test]
    public void TimesMustBeWholeMinutes_AndTheEndAfterTheStart()
    {
        Assert.That(Check(new Span(Local(14, 9).AddSeconds(30), Local(14, 10))), Is.EqualTo(RecordProblem.NotWholeMinutes));
        Assert.That(Check(new Span(Local(14, 10), Local(14, 10))), Is.EqualTo(RecordProblem.EndBeforeStart));
        Assert.That(Check(new Span(Local(14, 10), Local(14, 9))), Is.EqualTo(RecordProblem.EndBeforeStart));
    }

    [Test]
    public void EachProblem_HasTheContractsCode()
    {
        Assert.That(RecordProblem.TooShort.Code(), Is.EqualTo("too-short"));
        Assert.That(RecordProblem.OverlappingRecord.Code(), Is.EqualTo("overlapping-record"));
        Assert.That(RecordProblem.DailyCapExceeded.Code(), Is.EqualTo("daily-cap-exceeded"));
        Assert.That(RecordProblem.FutureTime.Code(), Is.EqualTo("future-time"));
        Assert.That(RecordProblem.TooOld.Code(), Is.EqualTo("too-old"));
    }

    [Test]
    public void RuleVersion_InForce_IsTheLatestEffectiveAtTheStart()
    {
        var switchAt = Local(10, 0);
        var versions = new[]
        {
            new RuleVersion(1, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), Rules),
            new RuleVersion(2, switchAt, Rules with { PointsPerHour = 20 }),
        };
        Assert.That(RuleVersion.InForceAt(versions, switchAt.AddMinutes(-1))!.Version, Is.EqualTo(1));
        Assert.That(RuleVersion.InForceAt(versions, switchAt)!.Version, Is.EqualTo(2));
        Assert.That(RuleVersion.InForceAt(versions, new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero)), Is.Null);
    }
}
