namespace Ledger.Core.Rules;

public static class PointAward
{
    /// <summary>
    /// floor(minutes × pointsPerHour × multiplier / 60), exactly: multipliers have at most two decimals, so the
    /// computation is done in integers of hundredths and never touches floating point.
    /// </summary>
    public static long For(int minutes, int pointsPerHour, decimal multiplier)
    {
        if (minutes < 0 || pointsPerHour < 0 || multiplier < 0)
            throw new ArgumentOutOfRangeException(nameof(minutes), "Minutes, rate and multiplier are never negative.");
        var hundredths = decimal.ToInt64(multiplier * 100m);
        if (hundredths != multiplier * 100m)
            throw new ArgumentException("A multiplier has at most two decimals.", nameof(multiplier));
        return (long)minutes * pointsPerHour * hundredths / 6000;
    }

    public static long For(int minutes, RuleSet rules, string category) =>
        For(minutes, rules.PointsPerHour, rules.MultiplierFor(category));
}

public sealed record NextStar(int Stars, decimal HoursToGo);

public static class Stars
{
    /// <summary>Stars from cumulative approved minutes: one per threshold reached (100/300/600/1000/1500 h by default).</summary>
    public static int For(long approvedMinutes, IReadOnlyList<int> thresholdsHours) =>
        thresholdsHours.Count(hours => approvedMinutes >= hours * 60L);

    /// <summary>The next star and the hours still to serve for it (rounded up to the hundredth); null at the top.</summary>
    public static NextStar? Next(long approvedMinutes, IReadOnlyList<int> thresholdsHours)
    {
        var stars = For(approvedMinutes, thresholdsHours);
        if (stars >= thresholdsHours.Count)
            return null;
        var minutesToGo = thresholdsHours[stars] * 60L - Math.Max(0, approvedMinutes);
        return new NextStar(stars + 1, Math.Ceiling(minutesToGo * 100m / 60m) / 100m);
    }
}
