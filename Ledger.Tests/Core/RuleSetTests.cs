using Ledger.Core.Rules;

namespace Ledger.Tests.Core;

public sealed class RuleSetTests
{
    private static readonly RuleSet D = RuleSet.Default;

    [Test]
    public void Defaults_AreTheNumbersOfProductMd()
    {
        Assert.Multiple(() =>
        {
            Assert.That(D.PointsPerHour, Is.EqualTo(10));
            Assert.That(D.MinMinutes, Is.EqualTo(30));
            Assert.That(D.DailyCapMinutes, Is.EqualTo(480));
            Assert.That(D.MaxBackdateDays, Is.EqualTo(90));
            Assert.That(D.StarThresholdsHours, Is.EqualTo(new[] { 100, 300, 600, 1000, 1500 }));
            Assert.That(D.Expiry, Is.EqualTo(ExpiryPolicy.Never));
            Assert.That(D.MultiplierFor("epidemic"), Is.EqualTo(2.0m));
            Assert.That(D.MultiplierFor("anti-fraud"), Is.EqualTo(1.5m));
            Assert.That(D.MultiplierFor("elderly-care"), Is.EqualTo(1.0m));
            Assert.That(D.Grading.Excellent, Is.EqualTo(new GradeThreshold(100, 4.5m, 10)));
            Assert.That(D.Grading.Good, Is.EqualTo(new GradeThreshold(50, 4.0m, 6)));
            Assert.That(D.Grading.Qualified.MinHours, Is.EqualTo(20));
            Assert.That(D.Validate(), Is.Empty);
        });
    }

    [TestCase(0, false)]
    [TestCase(1, true)]
    [TestCase(1000, true)]
    [TestCase(1001, false)]
    public void PointsPerHour_Bounds(int value, bool valid) =>
        AssertValid(D with { PointsPerHour = value }, valid, "pointsPerHour");

    [TestCase(0, false)]
    [TestCase(1, true)]
    [TestCase(480, true)]
    [TestCase(481, false)]
    public void MinMinutes_MayNotExceedTheDailyCap(int minMinutes, bool valid) =>
        AssertValid(D with { MinMinutes = minMinutes }, valid, minMinutes == 0 ? "minMinutes" : "dailyCapMinutes");

    [TestCase(1440, true)]
    [TestCase(1441, false)]
    public void DailyCap_IsAtMostADay(int cap, bool valid) =>
        AssertValid(D with { DailyCapMinutes = cap }, valid, "dailyCapMinutes");

    [TestCase(-1, false)]
    [TestCase(0, true)]
    [TestCase(3650, true)]
    [TestCase(3651, false)]
    public void MaxBackdateDays_Bounds(int days, bool valid) =>
        AssertValid(D with { MaxBackdateDays = days }, valid, "maxBackdateDays");

    [TestCase("0", false)]
    [TestCase("0.01", true)]
    [TestCase("1.25", true)]
    [TestCase("1.234", false)]
    [TestCase("10", true)]
    [TestCase("10.01", false)]
    [TestCase("-1", false)]
    public void CategoryMultiplier_IsPositive_TwoDecimals_AtMostTen(string multiplier, bool valid) =>
        AssertValid(D with { CategoryMultipliers = new Dictionary<string, decimal> { ["x"] = decimal.Parse(multiplier, System.Globalization.CultureInfo.InvariantCulture) } },
            valid, "categoryMultipliers.x");

    [TestCase("anti-fraud", true)]
    [TestCase("elderly_care2", true)]
    [TestCase("", false)]
    [TestCase("has space", false)]
    [TestCase("防疫", false)]
    public void CategoryNames_AreShortMachineWords(string category, bool valid) =>
        AssertValid(D with { CategoryMultipliers = new Dictionary<string, decimal> { [category] = 1.5m } }, valid, $"categoryMultipliers.{category}");

    [Test]
    public void CategoryMultipliers_AtMostFifty()
    {
        var fifty = Enumerable.Range(0, 50).ToDictionary(i => $"c{i}", _ => 1.5m);
        var fiftyOne = Enumerable.Range(0, 51).ToDictionary(i => $"c{i}", _ => 1.5m);
        AssertValid(D with { CategoryMultipliers = fifty }, true, "categoryMultipliers");
        AssertValid(D with { CategoryMultipliers = fiftyOne }, false, "categoryMultipliers");
    }

    [TestCase(new[] { 1, 2, 3, 4, 5 }, true)]
    [TestCase(new[] { 100, 300, 300, 1000, 1500 }, false)]
    [TestCase(new[] { 100, 300, 600, 1000 }, false)]
    [TestCase(new[] { 100, 300, 600, 1000, 1500, 2000 }, false)]
    [TestCase(new[] { 0, 300, 600, 1000, 1500 }, false)]
    [TestCase(new[] { 1500, 1000, 600, 300, 100 }, false)]
    public void StarThresholds_AreFiveStrictlyRisingHours(int[] thresholds, bool valid) =>
        AssertValid(D with { StarThresholdsHours = thresholds }, valid, "starThresholdsHours");

    [Test]
    public void Grades_MustBeOrdered_ExcellentAboveGoodAboveQualified()
    {
        var swapped = D with { Grading = D.Grading with { Qualified = new GradeThreshold(60, 0, 0) } };
        AssertValid(swapped, false, "grading");
        var equal = D with { Grading = D.Grading with { Qualified = new GradeThreshold(50, 0, 0) } };
        AssertValid(equal, true, "grading");
    }

    [TestCase(5.0, 12, true)]
    [TestCase(5.01, 12, false)]
    [TestCase(4.5, 13, false)]
    public void GradeThresholds_StayWithinScoresAndMonths(double score, int months, bool valid) =>
        AssertValid(D with { Grading = D.Grading with { Excellent = new GradeThreshold(100, (decimal)score, months) } }, valid,
            score > 5 ? "grading.excellent.minAverageScore" : "grading.excellent.minActiveMonths");

    private static void AssertValid(RuleSet rules, bool valid, string field)
    {
        var problems = rules.Validate();
        if (valid)
            Assert.That(problems, Is.Empty);
        else
            Assert.That(problems.Select(p => p.Field), Does.Contain(field));
    }
}
