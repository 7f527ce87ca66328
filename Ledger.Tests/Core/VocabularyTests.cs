using System.Text;
using System.Text.RegularExpressions;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Audit;
using Ledger.Core.Counter;
using Ledger.Core.Ledger;
using Ledger.Core.Records;

namespace Ledger.Tests.Core;

/// <summary>
/// Every value of a persisted vocabulary has its one stored text, and every place that must know each value does:
/// the lot plan and the monthly report for transaction kinds, the database's CHECK lists for kinds and statuses.
/// A value added to an enum and forgotten in one of them fails here, not in a customer's books.
/// </summary>
public sealed class VocabularyTests
{
    // The texts rows, exports and the hash chains already carry: they never change.
    [Test]
    public void AccountKinds_RoundTripTheirStoredText() =>
        AssertRoundTrip(AccountKinds.Name, AccountKinds.Parse, AccountKinds.All, ["volunteer", "issuance", "redemption", "expiry"]);

    [Test]
    public void TransactionKinds_RoundTripTheirStoredText() =>
        AssertRoundTrip(TransactionKinds.Name, TransactionKinds.Parse, TransactionKinds.All,
            ["accrual", "reversal", "redemption", "cancellation", "adjustment", "expiry", "transfer"]);

    [Test]
    public void RecordStatuses_RoundTripTheirStoredText() =>
        AssertRoundTrip(RecordStatuses.Name, RecordStatuses.Parse, RecordStatuses.All, ["pending", "approved", "rejected", "reversed"]);

    [Test]
    public void RedemptionStatuses_RoundTripTheirStoredText() =>
        AssertRoundTrip(RedemptionStatuses.Name, RedemptionStatuses.Parse, RedemptionStatuses.All, ["completed", "cancelled"]);

    [Test]
    public void AuditActions_RoundTripTheirStoredText() =>
        AssertRoundTrip(AuditActions.Name, AuditActions.Parse, AuditActions.All,
        [
            "api-key.bootstrapped", "api-key.created", "api-key.revoked", "community.created", "rules.versioned",
            "volunteer.created", "volunteer.updated", "service-record.submitted", "service-record.approved",
            "service-record.rejected", "service-record.reversed", "activity.created", "activity.attendance",
            "points.adjusted", "points.transferred", "points.expired", "reward.created", "reward.updated",
            "redemption.completed", "redemption.cancelled", "certificate.issued",
        ]);

    [Test]
    public void AStoredTextThatIsNoValue_IsRefused()
    {
        Assert.That(() => TransactionKinds.Parse("Accrual"), Throws.TypeOf<ArgumentOutOfRangeException>(), "case matters: the text is exact");
        Assert.That(() => AccountKinds.Parse("community"), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => RecordStatuses.Parse(""), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => RedemptionStatuses.Parse("refunded"), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => AuditActions.Parse("test.write"), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => ((TransactionKind)99).Name(), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void EveryTransactionKind_HasALotRule() =>
        Assert.Multiple(() =>
        {
            foreach (var kind in Enum.GetValues<TransactionKind>())
                Assert.That(() => LotPlan.RuleFor(kind), Throws.Nothing, kind.ToString());
        });

    [Test]
    public void EveryTransactionKind_HasItsPlaceInTheMonthlyReport() =>
        Assert.Multiple(() =>
        {
            foreach (var kind in Enum.GetValues<TransactionKind>())
            {
                Assert.That(() => MonthlyFigures.Of(kind), Throws.Nothing, kind.ToString());
                if (MonthlyFigures.Of(kind) is { } figure)
                    Assert.That(MonthlyFigures.Source(figure).Account, Is.Not.EqualTo(AccountKind.Volunteer), $"{kind} is read off a community account");
            }
            // Every community account is read by some figure, so no points leave the report unaccounted for.
            var read = Enum.GetValues<PointsFigure>().Select(f => MonthlyFigures.Source(f).Account).ToHashSet();
            Assert.That(read, Is.EquivalentTo(Enum.GetValues<AccountKind>().Where(k => k != AccountKind.Volunteer)));
        });

    [TestCase("accounts", "kind")]
    [TestCase("ledger_transactions", "kind")]
    [TestCase("service_records", "status")]
    [TestCase("redemptions", "status")]
    public void TheLatestCheckList_HoldsExactlyTheStoredTexts(string table, string column)
    {
        var expected = (table, column) switch
        {
            ("accounts", _) => AccountKinds.All,
            ("ledger_transactions", _) => TransactionKinds.All,
            ("service_records", _) => RecordStatuses.All,
            _ => RedemptionStatuses.All,
        };
        Assert.That(LatestCheckLists().TryGetValue((table, column), out var allowed), Is.True, $"no CHECK ({column} IN …) on {table}");
        Assert.That(allowed, Is.EquivalentTo(expected));
    }

    [Test]
    public void EveryAuditAction_HasChineseWords() =>
        Assert.That(Labels.AuditAction.Codes, Is.EquivalentTo(AuditActions.All));

    private static void AssertRoundTrip<T>(Func<T, string> name, Func<string, T> parse, string[] all, string[] stored) where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        Assert.Multiple(() =>
        {
            foreach (var value in values)
                Assert.That(parse(name(value)), Is.EqualTo(value), value.ToString());
            Assert.That(all, Is.EqualTo(values.Select(name)), "All lists every value in the enum's order");
            Assert.That(all, Is.Unique);
            Assert.That(all, Is.EqualTo(stored), "a stored text never changes");
        });
    }

    private static readonly Regex Table = new(@"\b(?:CREATE|ALTER)\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", RegexOptions.IgnoreCase);
    private static readonly Regex CheckIn = new(@"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)", RegexOptions.IgnoreCase);
    private static readonly Regex Quoted = new("'([^']*)'");

    /// <summary>The CHECK (column IN (…)) lists of the SQLite migrations, the latest one for each table and column.</summary>
    private static Dictionary<(string Table, string Column), string[]> LatestCheckLists()
    {
        var assembly = typeof(Migrator).Assembly;
        var lists = new Dictionary<(string, string), string[]>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/sqlite/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            foreach (Match check in CheckIn.Matches(sql))
            {
                var table = Table.Matches(sql[..check.Index]).LastOrDefault()?.Groups[1].Value;
                Assert.That(table, Is.Not.Null, $"{resource}: a CHECK outside a table");
                lists[(table!, check.Groups[1].Value)] = Quoted.Matches(check.Groups[2].Value).Select(m => m.Groups[1].Value).ToArray();
            }
        }
        Assert.That(lists, Is.Not.Empty, "the migrations were not found");
        return lists;
    }
}
