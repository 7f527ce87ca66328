using FsCheck;
using FsCheck.Fluent;
using Ledger.Core.Rules;

namespace Ledger.Tests.Core;

public sealed class PointsAndStarsTests
{
    [TestCase(90, 10, "1.0", 15)]
    [TestCase(60, 10, "1.5", 15)]
    [TestCase(60, 10, "2.0", 20)]
    [TestCase(45, 10, "1.0", 7)]
    [TestCase(31, 10, "1.5", 7)]
    [TestCase(59, 10, "1.25", 12)]
    [TestCase(30, 1, "0.01", 0)]
    [TestCase(480, 1000, "10", 80000)]
    [TestCase(36, 10, "1.0", 6)]
    [TestCase(35, 10, "1.0", 5)]
    public void Points_AreTheFloorOfMinutesTimesRateTimesMultiplierOverSixty(int minutes, int rate, string multiplier, long expected) =>
        Assert.That(PointAward.For(minutes, rate, decimal.Parse(multiplier, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(expected));

    [Test]
    public void Points_UseTheCategoryMultiplier_OrOne()
    {
        Assert.That(PointAward.For(60, RuleSet.Default, "anti-fraud"), Is.EqualTo(15));
        Assert.That(PointAward.For(60, RuleSet.Default, "epidemic"), Is.EqualTo(20));
        Assert.That(PointAward.For(90, RuleSet.Default, "elderly-care"), Is.EqualTo(15));
    }

    [Test]
    public void Points_RefuseMoreThanTwoDecimals() =>
        Assert.That(() => PointAward.For(60, 10, 1.234m), Throws.ArgumentException);

    [TestCase(5999, 0, 1, "0.02")]
    [TestCase(6000, 1, 2, "200")]
    [TestCase(6240, 1, 2, "196")]
    [TestCase(17999, 1, 2, "0.02")]
    [TestCase(18000, 2, 3, "300")]
    [TestCase(89999, 4, 5, "0.02")]
    [TestCase(90000, 5, null, null)]
    [TestCase(0, 0, 1, "100")]
    public void Stars_FromApprovedMinutes_WithTheNextStar(long minutes, int stars, int? nextStars, string? hoursToGo)
    {
        var thresholds = RuleSet.Default.StarThresholdsHours;
        Assert.That(Stars.For(minutes, thresholds), Is.EqualTo(stars));
        var next = Stars.Next(minutes, thresholds);
        if (nextStars is null)
            Assert.That(next, Is.Null);
        else
            Assert.That(next, Is.EqualTo(new NextStar(nextStars.Value, decimal.Parse(hoursToGo!, System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static readonly decimal[] Multipliers = [0.01m, 0.5m, 1.0m, 1.25m, 1.5m, 2.0m, 3.33m, 10m];

    [Test]
    public void Property_PointsAreNeverNegative_AndMoreMinutesNeverGiveFewer()
    {
        var gen =
            from minutes in Gen.Choose(0, 1440)
            from more in Gen.Choose(0, 1440)
            from rate in Gen.Choose(1, 1000)
            from multiplier in Gen.Elements(Multipliers)
            select (minutes, more, rate, multiplier);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var points = PointAward.For(t.minutes, t.rate, t.multiplier);
            return points >= 0 && PointAward.For(t.minutes + t.more, t.rate, t.multiplier) >= points;
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void Property_PointsMatchExactRationalArithmetic()
    {
        var gen =
            from minutes in Gen.Choose(0, 1440)
            from rate in Gen.Choose(1, 1000)
            from multiplier in Gen.Elements(Multipliers)
            select (minutes, rate, multiplier);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            // p = floor(m·r·k/60) ⇔ p·60 ≤ m·r·k < (p+1)·60, checked in decimal without division.
            var p = PointAward.For(t.minutes, t.rate, t.multiplier);
            var product = t.minutes * t.rate * t.multiplier;
            return p * 60m <= product && product < (p + 1) * 60m;
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void Property_StarsNeverFallAsMinutesGrow()
    {
        var gen = from a in Gen.Choose(0, 200_000) from b in Gen.Choose(0, 200_000) select (a, b);
        Prop.ForAll(gen.ToArbitrary(), t =>
            Stars.For(t.a + t.b, RuleSet.Default.StarThresholdsHours) >= Stars.For(t.a, RuleSet.Default.StarThresholdsHours))
            .QuickCheckThrowOnFailure();
    }
}
