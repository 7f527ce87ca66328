namespace Ledger.Core.Grading;

/// <summary>Why a year's service cannot be certified. Both are the contract's <c>no-hours-in-year</c>.</summary>
public enum CertificateProblem
{
    /// <summary>The year has not begun in the community's zone.</summary>
    FutureYear,

    /// <summary>No approved hours in the year (pending, rejected and reversed records certify nothing).</summary>
    NoHours,
}

/// <summary>
/// A service certificate (志愿服务证明) certifies the approved hours of one local year. A year that has not begun, or
/// one without approved hours, has nothing to certify: printing it anyway gave a period that ended before it started,
/// or a certificate of zero hours. The running year is certified up to the day of issue, not the months to come.
/// </summary>
public static class Certification
{
    public const string Code = "no-hours-in-year";

    public static CertificateProblem? Check(int year, DateOnly today, long approvedMinutes) =>
        year > today.Year ? CertificateProblem.FutureYear
        : approvedMinutes <= 0 ? CertificateProblem.NoHours
        : null;

    public static (DateOnly Start, DateOnly End) Period(int year, DateOnly issuedOn)
    {
        var end = new DateOnly(year, 12, 31);
        return (new DateOnly(year, 1, 1), issuedOn < end ? issuedOn : end);
    }
}
