using Ledger.Api.Http;
using Ledger.Core.Grading;

namespace Ledger.Api.Reports;

public sealed record GradeCheck(string Grade, string Measure, decimal Actual, decimal Needed, bool Met);

public sealed record GradeResponse(
    long VolunteerId,
    int Year,
    string Grade,
    long ApprovedMinutes,
    decimal? AverageScore,
    int ActiveMonths,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<GradeCheck> Checks,
    bool PromotionCandidate);

public sealed record RankingItem(int Rank, long VolunteerId, string Name, string? Grid, string Echelon, long ApprovedMinutes, decimal? AverageScore,
    int ActiveMonths, string Grade, bool PromotionCandidate);

public sealed record MonthReport(int Month, long ApprovedMinutes, int Volunteers, long PointsIssued, long PointsRedeemed, long PointsExpired, long PointsAdjusted);

/// <summary>
/// A year by month. Outstanding points reconcile: opening + issued − redeemed − expired + adjusted = closing, where
/// issued is accruals net of reversals, redeemed is redemptions net of cancellations.
/// </summary>
public sealed record MonthlyReport(long CommunityId, int Year, IReadOnlyList<MonthReport> Months, long OpeningOutstanding, long ClosingOutstanding);

public sealed record CertificateCategory(string Category, long Minutes);

/// <summary>The body of an issue is optional: without it, or without a year, the community's running year.</summary>
public sealed record IssueCertificateRequest(int? Year);

/// <summary>What a certificate certifies, as issued; <c>checkUrl</c> is the public address of its check, printed and as a QR code.</summary>
public sealed record CertificateResponse(
    string Code,
    string Community,
    string Street,
    string District,
    string Volunteer,
    int Year,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    long ApprovedMinutes,
    decimal Hours,
    int Stars,
    IReadOnlyList<CertificateCategory> Categories,
    DateTimeOffset IssuedAt,
    DateOnly IssuedOn,
    string CheckUrl,
    DateOnly? SupersededOn = null);

public static class GradeTexts
{
    public static string Name(Grade grade) => Messages.IsEnglish
        ? grade switch { Grade.Excellent => "excellent", Grade.Good => "good", Grade.Qualified => "qualified", _ => "needs improvement" }
        : grade switch { Grade.Excellent => "优秀", Grade.Good => "良好", Grade.Qualified => "合格", _ => "待提升" };

    /// <summary>A reason as a community worker would say it: "全年服务 104.5 小时，达到良好所需的 50 小时".</summary>
    public static string Reason(GradeReason r)
    {
        var grade = Name(r.For);
        return (r.Measure, r.Met, Messages.IsEnglish) switch
        {
            (Measure.Hours, true, false) => $"全年服务 {r.Actual:0.##} 小时，达到{grade}所需的 {r.Needed:0.##} 小时",
            (Measure.Hours, false, false) => $"全年服务 {r.Actual:0.##} 小时，距{grade}所需的 {r.Needed:0.##} 小时还差 {r.Needed - r.Actual:0.##} 小时",
            (Measure.AverageScore, true, false) => $"平均服务效果评分 {r.Actual:0.##}，达到{grade}所需的 {r.Needed:0.##}",
            (Measure.AverageScore, false, false) => $"平均服务效果评分 {r.Actual:0.##}，低于{grade}所需的 {r.Needed:0.##}",
            (Measure.ActiveMonths, true, false) => $"全年有 {r.Actual:0} 个月参加服务，达到{grade}所需的 {r.Needed:0} 个月",
            (Measure.ActiveMonths, false, false) => $"全年有 {r.Actual:0} 个月参加服务，少于{grade}所需的 {r.Needed:0} 个月",
            (Measure.Hours, true, true) => $"{r.Actual:0.##} hours served, at least the {r.Needed:0.##} needed for {grade}",
            (Measure.Hours, false, true) => $"{r.Actual:0.##} hours served, {r.Needed - r.Actual:0.##} short of the {r.Needed:0.##} needed for {grade}",
            (Measure.AverageScore, true, true) => $"average score {r.Actual:0.##}, at least the {r.Needed:0.##} needed for {grade}",
            (Measure.AverageScore, false, true) => $"average score {r.Actual:0.##}, below the {r.Needed:0.##} needed for {grade}",
            (Measure.ActiveMonths, true, true) => $"active in {r.Actual:0} months, at least the {r.Needed:0} needed for {grade}",
            _ => $"active in {r.Actual:0} months, fewer than the {r.Needed:0} needed for {grade}",
        };
    }
}
