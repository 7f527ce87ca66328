using Ledger.Core.Rules;

namespace Ledger.Core.Grading;

/// <summary>One approved record as the year's figures see it.</summary>
public readonly record struct ApprovedService(DateTimeOffset StartedAt, int Minutes, int? Score);

/// <summary>A volunteer's year: approved minutes, active months (local months with an approved record), average score.</summary>
public sealed record YearStats(int Year, long ApprovedMinutes, int ActiveMonths, decimal? AverageScore)
{
    /// <summary>
    /// Records are placed in the year and month of their local start. The average is per record, to two decimals
    /// rounded half away from zero, and null when nothing was scored.
    /// </summary>
    public static YearStats From(int year, IEnumerable<ApprovedService> records, TimeZoneInfo zone)
    {
        long minutes = 0;
        var months = new HashSet<int>();
        long scoreSum = 0;
        var scored = 0;
        foreach (var r in records)
        {
            var local = ServiceTime.LocalDate(r.StartedAt, zone);
            if (local.Year != year)
                continue;
            minutes += r.Minutes;
            months.Add(local.Month);
            if (r.Score is { } s)
            {
                scoreSum += s;
                scored++;
            }
        }
        decimal? average = scored == 0 ? null : Math.Round((decimal)scoreSum / scored, 2, MidpointRounding.AwayFromZero);
        return new YearStats(year, minutes, months.Count, average);
    }
}
