namespace Ledger.Core.Rules;

/// <summary>Why a service record cannot be taken. Each has the contract's error code.</summary>
public enum RecordProblem
{
    /// <summary>A start in a year no one could mean (<see cref="ServiceTime.MinYear"/>–<see cref="ServiceTime.MaxYear"/>): a malformed request.</summary>
    StartOutOfRange,
    /// <summary>An end in a year no one could mean.</summary>
    EndOutOfRange,
    /// <summary>The end not after the start: a malformed request.</summary>
    EndBeforeStart,
    /// <summary>Longer than <see cref="ServiceTime.MaxRecordMinutes"/>: a typing error, not a shift.</summary>
    TooLong,
    OutsideActivity,
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
        RecordProblem.StartOutOfRange or RecordProblem.EndOutOfRange or RecordProblem.EndBeforeStart or RecordProblem.TooLong => "validation",
        RecordProblem.OutsideActivity => "outside-activity",
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

    public bool Within(Span outer) => Start >= outer.Start && End <= outer.End;

    /// <summary>The whole minutes of the span, rounded down: 09:03:27.512 to 10:15:41.512 is 72.</summary>
    public int Minutes => (int)((End - Start).Ticks / TimeSpan.TicksPerMinute);
}

/// <summary>The outcome of checking a record: its minutes, or the first rule it breaks.</summary>
public readonly record struct RecordCheck(int Minutes, RecordProblem? Problem)
{
    public bool IsValid => Problem is null;
}

/// <summary>
/// The service-time rules of PRODUCT.md. Times come at any precision and overlap is judged on the exact instants;
/// the minutes of a record are the whole minutes of its duration, rounded down, and the minimum, the daily cap and the
/// points count those. At least minMinutes, no overlap with the volunteer's other pending or approved records, at most
/// dailyCapMinutes per local day (a record crossing local midnight counts on both days, each its own part), no end in
/// the future, no start more than maxBackdateDays back, and, for attendance at an activity, within its time.
/// </summary>
public static class ServiceTime
{
    /// <summary>Phones and servers disagree about the time by a little; an end this far ahead still counts as now.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A single record longer than a day is a typing error, not a shift.</summary>
    public const int MaxRecordMinutes = 1440;

    /// <summary>The years a person could mean: outside them a time is a typing error (or year 1 of a missing field).</summary>
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    /// <summary>
    /// What is wrong with a span on its own, before any rule: a year no one could mean, the end not after the start,
    /// or longer than a day. The one check of a span's own times, for a record, an activity and an attendance entry alike.
    /// </summary>
    public static RecordProblem? Shape(Span record) =>
        record.Start.Year is < MinYear or > MaxYear ? RecordProblem.StartOutOfRange
        : record.End.Year is < MinYear or > MaxYear ? RecordProblem.EndOutOfRange
        : record.End <= record.Start ? RecordProblem.EndBeforeStart
        : record.End - record.Start > TimeSpan.FromMinutes(MaxRecordMinutes) ? RecordProblem.TooLong
        : null;

    /// <param name="activity">The activity's time when the record is attendance at it: the record must lie within it.</param>
    public static RecordCheck Check(RuleSet rules, TimeZoneInfo zone, DateTimeOffset now, Span record, IReadOnlyCollection<Span> others,
        Span? activity = null)
    {
        if (Shape(record) is { } shape)
            return new RecordCheck(0, shape);
        var minutes = record.Minutes;
        if (record.End > now + ClockSkew)
            return new RecordCheck(minutes, RecordProblem.FutureTime);
        if (record.Start < now.AddDays(-rules.MaxBackdateDays))
            return new RecordCheck(minutes, RecordProblem.TooOld);
        if (activity is { } window && !record.Within(window))
            return new RecordCheck(minutes, RecordProblem.OutsideActivity);
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

    /// <summary>The local days a span touches, with its minutes counted on each; they add up to <see cref="Span.Minutes"/>.</summary>
    public static IEnumerable<(DateOnly Day, int Minutes)> MinutesPerLocalDay(Span span, TimeZoneInfo zone)
    {
        var day = LocalDate(span.Start, zone);
        var last = LocalDate(span.End.AddTicks(-1), zone);
        for (; day <= last; day = day.AddDays(1))
            yield return (day, MinutesOnLocalDay(span, day, zone));
    }

    /// <summary>
    /// The span's minutes that count on a local day: its whole minutes, counted from its start, that end on that day.
    /// Rounding each day's part down on its own would lose a minute at midnight (23:59:30–00:01:30 is two minutes, but
    /// a half and a minute and a half), and a minute credited but counted on no day would slip past the daily cap;
    /// counted this way every credited minute falls on exactly one day.
    /// </summary>
    public static int MinutesOnLocalDay(Span span, DateOnly day, TimeZoneInfo zone)
    {
        var (dayStart, dayEnd) = LocalDayBounds(day, zone);
        var start = span.Start > dayStart ? span.Start : dayStart;
        var end = span.End < dayEnd ? span.End : dayEnd;
        return end > start ? new Span(span.Start, end).Minutes - new Span(span.Start, start).Minutes : 0;
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
