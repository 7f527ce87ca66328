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

    /// <summary>A time of 14 June 2026 in Shanghai, to the millisecond, as a mini-program sends it.</summary>
    private static DateTimeOffset At(string localTime) =>
        DateTimeOffset.ParseExact($"2026-06-14T{localTime}+08:00", "yyyy-MM-dd'T'HH:mm:ss.FFFzzz", System.Globalization.CultureInfo.InvariantCulture);

    // The record: 72 minutes and 14.000 seconds, so 72 minutes; at 10 points an hour floor(72 × 10 / 60) = 12.
    [TestCase("09:03:27.512", "10:15:41.512", 72, 12, null)]
    [TestCase("09:03:27.512", "10:15:27.511", 71, 11, null)]
    [TestCase("09:00:00", "09:30:00", 30, 5, null)]
    [TestCase("09:00:00", "09:29:59.999", 29, 4, RecordProblem.TooShort)]
    [TestCase("09:00:00.001", "09:30:00", 29, 4, RecordProblem.TooShort)]
    [TestCase("09:00:59.999", "09:31:00", 30, 5, null)]
    [TestCase("08:00:00.5", "16:00:00.499", 479, 79, null)]
    [TestCase("08:00:00", "16:00:59.999", 480, 80, null)]
    [TestCase("08:00:00", "16:01:00", 481, 80, RecordProblem.DailyCapExceeded)]
    public void AnyPrecision_MinutesAreTheWholeMinutesRoundedDown(string start, string end, int minutes, long points, RecordProblem? expected)
    {
        var check = ServiceTime.Check(Rules, Shanghai, Now, new Span(At(start), At(end)), []);
        Assert.That(check.Minutes, Is.EqualTo(minutes));
        Assert.That(check.Problem, Is.EqualTo(expected));
        Assert.That(PointAward.For(check.Minutes, Rules, "elderly-care"), Is.EqualTo(points));
    }

    [Test]
    public void Overlap_ComparesTheExactInstants()
    {
        var existing = new Span(At("09:03:27.512"), At("10:15:41.512"));
        Assert.That(Check(new Span(At("10:15:41.512"), At("11:00:00")), existing), Is.Null);
        Assert.That(Check(new Span(At("10:15:41.511"), At("11:00:00")), existing), Is.EqualTo(RecordProblem.OverlappingRecord));
        Assert.That(Check(new Span(At("08:00:00"), At("09:03:27.512")), existing), Is.Null);
        Assert.That(Check(new Span(At("08:00:00"), At("09:03:27.513")), existing), Is.EqualTo(RecordProblem.OverlappingRecord));
    }

    // Across local midnight each credited minute counts on exactly one day: the day its minute (counted from the start)
    // ends on. 23:29:30 to 00:41:48 is 72 minutes (72.3); rounded down per day it would be 30 + 41, and one credited
    // minute would count on no day at all.
    [TestCase("23:29:30", "00:41:48", 30, 42)]
    [TestCase("23:30:00", "00:42:18", 30, 42)]
    [TestCase("23:59:30", "00:01:30", 0, 2)]
    [TestCase("23:00:00.250", "01:00:00.249", 59, 60)]
    [TestCase("23:00:00", "01:00:00", 60, 60)]
    public void ARecordCrossingMidnight_CountsEachOfItsMinutesOnOneDay(string start, string end, int first, int second)
    {
        var night = new Span(At(start), At(end).AddDays(1));
        var parts = ServiceTime.MinutesPerLocalDay(night, Shanghai).ToList();
        Assert.That(parts, Is.EqualTo(new[] { (new DateOnly(2026, 6, 14), first), (new DateOnly(2026, 6, 15), second) }));
        Assert.That(parts.Sum(p => p.Minutes), Is.EqualTo(night.Minutes));
    }

    [TestCase(438, null)]
    [TestCase(439, RecordProblem.DailyCapExceeded)]
    public void ARecordOf72Point3MinutesAcrossMidnight_BringsAll72ToTheDailyCap(int laterThatNight, RecordProblem? expected)
    {
        // 23:29:30 on the 13th to 00:41:48 on the 14th: 42 of its 72 minutes count on the 14th.
        var night = new Span(new DateTimeOffset(2026, 6, 13, 23, 29, 30, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 6, 14, 0, 41, 48, TimeSpan.FromHours(8)));
        var day = new Span(Local(14, 1), Local(14, 1).AddMinutes(laterThatNight));
        Assert.That(Check(night, day), Is.EqualTo(expected));
    }

    [Test]
    public void TheEndMustBeAfterTheStart_AndARecordAtMostADay()
    {
        Assert.That(Check(new Span(Local(14, 10), Local(14, 10))), Is.EqualTo(RecordProblem.EndBeforeStart));
        Assert.That(Check(new Span(Local(14, 10), Local(14, 9))), Is.EqualTo(RecordProblem.EndBeforeStart));
        Assert.That(ServiceTime.Shape(new Span(Local(12, 9), Local(13, 9))), Is.Null);
        Assert.That(ServiceTime.Shape(new Span(Local(12, 9), Local(13, 9).AddMilliseconds(1))), Is.EqualTo(RecordProblem.TooLong));
    }

    // A record (or an activity, or an attendance entry) starting 09:00 local on 12 June 2026.
    [TestCase(1440 * 60_000L, null, TestName = "Exactly 1,440 minutes")]
    [TestCase(1440 * 60_000L + 1, RecordProblem.TooLong, TestName = "1,440 minutes and a millisecond")]
    [TestCase(1439 * 60_000L, null, TestName = "1,439 minutes")]
    [TestCase(1L, null, TestName = "A millisecond: the minimum is a rule, not the shape")]
    [TestCase(0L, RecordProblem.EndBeforeStart, TestName = "Ends as it starts")]
    [TestCase(-60_000L, RecordProblem.EndBeforeStart, TestName = "Ends before it starts")]
    public void Shape_AtMostADay_EndingAfterItStarts(long milliseconds, RecordProblem? expected)
    {
        var start = Local(12, 9);
        Assert.That(ServiceTime.Shape(new Span(start, start.AddMilliseconds(milliseconds))), Is.EqualTo(expected));
    }

    [TestCase("1999-12-31T23:30:00+00:00", "2000-01-01T00:30:00+00:00", RecordProblem.StartOutOfRange)]
    [TestCase("2000-01-01T00:00:00+00:00", "2000-01-01T01:00:00+00:00", null)]
    [TestCase("2100-12-31T22:00:00+00:00", "2100-12-31T23:00:00+00:00", null)]
    [TestCase("2100-12-31T23:30:00+00:00", "2101-01-01T00:30:00+00:00", RecordProblem.EndOutOfRange)]
    [TestCase("0001-01-01T00:00:00+00:00", "2026-06-12T09:00:00+08:00", RecordProblem.StartOutOfRange, TestName = "A start left out (year 1)")]
    public void Shape_OnlyYearsAPersonCouldMean(string start, string end, RecordProblem? expected)
    {
        var span = new Span(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(ServiceTime.Shape(span), Is.EqualTo(expected));
        Assert.That(ServiceTime.Check(Rules, Shanghai, Now, span, []).Problem is RecordProblem.StartOutOfRange or RecordProblem.EndOutOfRange,
            Is.EqualTo(expected is not null), "the full check begins with the shape");
    }

    // A 07:00–09:00 activity: attendance must lie within it.
    [TestCase(6, 0, 10, 0, RecordProblem.OutsideActivity)]
    [TestCase(6, 59, 8, 0, RecordProblem.OutsideActivity)]
    [TestCase(8, 0, 9, 1, RecordProblem.OutsideActivity)]
    [TestCase(7, 0, 9, 0, null)]
    [TestCase(7, 30, 8, 30, null)]
    public void Attendance_MustLieWithinTheActivity(int startHour, int startMinute, int endHour, int endMinute, RecordProblem? expected)
    {
        var activity = new Span(Local(14, 7), Local(14, 9));
        var entry = new Span(Local(14, startHour, startMinute), Local(14, endHour, endMinute));
        Assert.That(ServiceTime.Check(Rules, Shanghai, Now, entry, [], activity).Problem, Is.EqualTo(expected));
        Assert.That(ServiceTime.Check(Rules, Shanghai, Now, entry, []).Problem, Is.Null);
    }

    [Test]
    public void EachProblem_HasTheContractsCode()
    {
        Assert.That(RecordProblem.TooShort.Code(), Is.EqualTo("too-short"));
        Assert.That(RecordProblem.OverlappingRecord.Code(), Is.EqualTo("overlapping-record"));
        Assert.That(RecordProblem.DailyCapExceeded.Code(), Is.EqualTo("daily-cap-exceeded"));
        Assert.That(RecordProblem.FutureTime.Code(), Is.EqualTo("future-time"));
        Assert.That(RecordProblem.TooOld.Code(), Is.EqualTo("too-old"));
        Assert.That(RecordProblem.OutsideActivity.Code(), Is.EqualTo("outside-activity"));
        Assert.That(RecordProblem.TooLong.Code(), Is.EqualTo("validation"));
        Assert.That(RecordProblem.EndBeforeStart.Code(), Is.EqualTo("validation"));
        Assert.That(RecordProblem.StartOutOfRange.Code(), Is.EqualTo("validation"));
        Assert.That(RecordProblem.EndOutOfRange.Code(), Is.EqualTo("validation"));
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
