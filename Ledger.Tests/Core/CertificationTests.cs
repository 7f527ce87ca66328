using Ledger.Core.Grading;

namespace Ledger.Tests.Core;

public sealed class CertificationTests
{
    private static readonly DateOnly Today = new(2026, 12, 3);

    [TestCase(2026, 600, null, TestName = "The running year with hours")]
    [TestCase(2025, 1, null, TestName = "A past year with one approved minute")]
    [TestCase(2025, 0, CertificateProblem.NoHours, TestName = "A past year without approved hours")]
    [TestCase(2026, 0, CertificateProblem.NoHours, TestName = "The running year without approved hours yet")]
    [TestCase(2027, 0, CertificateProblem.FutureYear, TestName = "Next year")]
    [TestCase(2027, 600, CertificateProblem.FutureYear, TestName = "Next year, whatever the figures say")]
    public void Check_CertifiesOnlyABegunYearWithApprovedHours(int year, long minutes, CertificateProblem? expected) =>
        Assert.That(Certification.Check(year, Today, minutes), Is.EqualTo(expected));

    [TestCase(2026, "2026-12-03", "2026-01-01", "2026-12-03", TestName = "The running year ends on the day of issue")]
    [TestCase(2025, "2026-12-03", "2025-01-01", "2025-12-31", TestName = "A past year is the whole year")]
    [TestCase(2026, "2026-01-01", "2026-01-01", "2026-01-01", TestName = "Issued on New Year's Day: one day")]
    public void Period_NeverEndsBeforeItStarts(int year, string issued, string start, string end) =>
        Assert.That(Certification.Period(year, DateOnly.Parse(issued)), Is.EqualTo((DateOnly.Parse(start), DateOnly.Parse(end))));
}
