namespace Ledger.Core.Rules;

/// <summary>Why a service record cannot be taken. Each has the contract's error code.</summary>
public enum RecordProblem
{
    /// <summary>Start or end not on a whole minute, or the end not after the start: a malformed request.</summary>
    NotWholeMinutes,
    EndBeforeStart,
    TooShort,
    OverlappingRecord,
    DailyCapExceeded,
    FutureTime,
    TooOld,
}

public static class RecordProblems
{
    public static string Code(this RecordProblem problem) => problem switch
    {
        RecordProblem.NotWholeMinutes or RecordProblem.EndBeforeStart => "validation",
        RecordProblem.TooShort => "too-short",
        RecordProblem.OverlappingRecord => "overlapping-record",
        RecordProblem.DailyCapExceeded => "daily-cap-exceeded",
        RecordProblem.FutureTime => "future-time",
        RecordProblem.TooOld => "too-old",
        _ => throw new ArgumentOutOfRangeException(nameof(problem)),
    };
}

/// <summary>A span of service: [Start, End). Two spans that only touch (one ends as the other starts) do not overlap.</summary>
public readonly record struct Span(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Overlaps(Span other) => Start < other.End && other.Start < End;

    public int Minutes => (int)((End - Start).Ticks / TimeSpan.TicksPerMinute);
}

/// <summary>The outcome of checking a record: its minutes, or the first rule it breaks.</summary>
public readonly record struct RecordCheck(int Minutes, RecordProblem? Problem)
{
    public bool IsValid => Problem is null;
}

/// <summary>
/// The service-time rules of PRODUCT.md: whole minutes, at least minMinutes, no overlap with the volunteer's other
/// pending or approved records, at most dailyCapMinutes per local day (a record crossing local midnight counts on
/// both days, each its own part), no end in the future, no start more than maxBackdateDays back.
/// </summary>
public static class ServiceTime
{
    /// <summary>Phones and servers disagree about the time by a little; an end this far ahead still counts as now.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static RecordCheck Check(RuleSet rules, TimeZoneInfo zone, DateTimeOffset now, Span record, IReadOnlyCollection<Span> others)
    {
        if (!IsWholeMinute(record.Start) || !IsWholeMinute(record.End))
            return new RecordCheck(0, RecordProblem.NotWholeMinutes);
        if (record.End <= record.Start)
            return new RecordCheck(0, RecordProblem.EndBeforeStart);
        var minutes = record.Minutes;
        if (record.End > now + ClockSkew)
            return new RecordCheck(minutes, RecordProblem.FutureTime);
        if (record.Start < now.AddDays(-rules.MaxBackdateDays))
            return new RecordCheck(minutes, RecordProblem.TooOld);
        if (minutes < rules.MinMinutes)
            return new RecordCheck(minutes, RecordProblem.TooShort);
        if (others.Any(record.Overlaps))
            return new RecordCheck(minutes, RecordProblem.OverlappingRecord);
        foreach (var (day, dayMinutes) in MinutesPerLocalDay(record, zone))
        {
            var already = others.Sum(o => MinutesOnLocalDay(o, day, zone));
            if (already + dayMinutes > rules.DailyCapMinutes)
                return new RecordCheck(minutes, RecordProblem.DailyCapExceeded);
        }
        return new RecordCheck(minutes, null);
    }

    public static bool IsWholeMinute(DateTimeOffset t) => t.Ticks % TimeSpan.TicksPerMinute == 0;

    /// <summary>The local days a span touches, with the minutes it spends on each.</summary>
    public static IEnumerable<(DateOnly Day, int Minutes)> MinutesPerLocalDay(Span span, TimeZoneInfo zone)
    {
        var day = LocalDate(span.Start, zone);
        var last = LocalDate(span.End.AddTicks(-1), zone);
        for (; day <= last; day = day.AddDays(1))
            yield return (day, MinutesOnLocalDay(span, day, zone));
    }

    public static int MinutesOnLocalDay(Span span, DateOnly day, TimeZoneInfo zone)
    {
        var (dayStart, dayEnd) = LocalDayBounds(day, zone);
        var start = span.Start > dayStart ? span.Start : dayStart;
        var end = span.End < dayEnd ? span.End : dayEnd;
        return end > start ? new Span(start, end).Minutes : 0;
    }

    public static DateOnly LocalDate(DateTimeOffset t, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, zone).DateTime);

    /// <summary>Midnight to midnight in the zone, as instants (a day is not always 24 hours where clocks change).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) LocalDayBounds(DateOnly day, TimeZoneInfo zone) =>
        (LocalMidnight(day, zone), LocalMidnight(day.AddDays(1), zone));

    public static DateTimeOffset LocalMidnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight skipped by a clock change starts the day at the first instant that exists.
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(30);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The instants a local year spans: [1 Jan Y, 1 Jan Y+1) in the zone.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) LocalYearBounds(int year, TimeZoneInfo zone) =>
        (LocalMidnight(new DateOnly(year, 1, 1), zone), LocalMidnight(new DateOnly(year + 1, 1, 1), zone));
}
