using Ledger.Core.Volunteers;

namespace Ledger.Tests.Core;

public sealed class MemberCodeTests
{
    [Test]
    public void FromRandom_GivesEightCharactersOfTheAlphabet()
    {
        for (var i = 0; i < 1000; i++)
        {
            var code = MemberCode.FromRandom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
            Assert.That(code, Has.Length.EqualTo(8));
            Assert.That(code.All(c => MemberCode.Alphabet.Contains(c)), code);
        }
    }

    [Test]
    public void Alphabet_HasNoLookAlikes() =>
        Assert.That(MemberCode.Alphabet.Intersect("01ILOU"), Is.Empty);

    [TestCase("K7M2-9QXP", "K7M29QXP")]
    [TestCase("k7m2 9qxp", "K7M29QXP")]
    [TestCase("  K7M29QXP ", "K7M29QXP")]
    [TestCase("K7M29QX", null)]
    [TestCase("K7M29QXPP", null)]
    [TestCase("K7M29QX0", null)]
    [TestCase("", null)]
    [TestCase(null, null)]
    public void Normalize_AcceptsWhatStaffTypeOrScan(string? input, string? expected) =>
        Assert.That(MemberCode.Normalize(input), Is.EqualTo(expected));
}
