using Ledger.Tests.Api;

namespace Ledger.Tests.Builders;

/// <summary>
/// The books' invariants, read straight from the database: every transaction sums to zero, every community's trial
/// balance is zero, every kept balance equals the sum of its postings and the last posting's balance_after, and
/// every posting to a volunteer has its statement line.
/// </summary>
public static class Invariants
{
    public static void Check(LedgerApp app) => Check(app.Database);

    public static void Check(TestDatabase db)
    {
        var unbalanced = db.Query<(long Id, long Sum)>(
            "SELECT transaction_id, SUM(amount) FROM postings GROUP BY transaction_id HAVING SUM(amount) <> 0");
        var empty = db.Query<long>(
            "SELECT t.id FROM ledger_transactions t WHERE (SELECT COUNT(*) FROM postings p WHERE p.transaction_id = t.id) < 2");
        var communities = db.Query<(long Community, long Total)>(
            "SELECT community_id, SUM(balance) FROM accounts GROUP BY community_id HAVING SUM(balance) <> 0");
        var drift = db.Query<(long Account, long Kept, long Summed)>(
            """
            SELECT a.id, a.balance, COALESCE((SELECT SUM(p.amount) FROM postings p WHERE p.account_id = a.id), 0) AS summed
            FROM accounts a
            WHERE a.balance <> COALESCE((SELECT SUM(p.amount) FROM postings p WHERE p.account_id = a.id), 0)
            """);
        var lastAfter = db.Query<(long Account, long Kept, long After)>(
            """
            SELECT a.id, a.balance, p.balance_after FROM accounts a
            JOIN postings p ON p.id = (SELECT MAX(id) FROM postings WHERE account_id = a.id)
            WHERE p.balance_after <> a.balance
            """);
        var runningAfter = db.Scalar<long>(
            """
            SELECT COUNT(*) FROM postings p
            WHERE p.balance_after <> (SELECT SUM(q.amount) FROM postings q WHERE q.account_id = p.account_id AND q.id <= p.id)
            """);
        var lotDrift = db.Query<(long Account, long Balance, long InLots)>(
            """
            SELECT a.id, a.balance, COALESCE((SELECT SUM(l.remaining) FROM point_lots l WHERE l.account_id = a.id), 0) AS in_lots
            FROM accounts a
            WHERE a.kind = 'volunteer'
              AND CASE WHEN a.balance > 0 THEN a.balance ELSE 0 END <> COALESCE((SELECT SUM(l.remaining) FROM point_lots l WHERE l.account_id = a.id), 0)
            """);
        var movementDrift = db.Scalar<long>(
            "SELECT COUNT(*) FROM point_lots l WHERE l.remaining <> (SELECT COALESCE(SUM(m.amount), 0) FROM lot_movements m WHERE m.lot_id = l.id)");
        var volunteerPostings = db.Scalar<long>(
            "SELECT COUNT(*) FROM postings p JOIN accounts a ON a.id = p.account_id WHERE a.kind = 'volunteer'");
        var lines = db.Scalar<long>("SELECT COUNT(*) FROM statement_lines");
        var unmatched = db.Scalar<long>(
            """
            SELECT COUNT(*) FROM postings p
            JOIN accounts a ON a.id = p.account_id
            JOIN ledger_transactions t ON t.id = p.transaction_id
            WHERE a.kind = 'volunteer' AND NOT EXISTS (
                SELECT 1 FROM statement_lines s
                WHERE s.account_id = p.account_id AND s.posting_id = p.id AND s.transaction_id = t.id AND s.at = t.at
                  AND s.kind = t.kind AND s.amount = p.amount AND s.balance_after = p.balance_after
                  AND s.reference IS NOT DISTINCT FROM t.reference AND s.memo IS NOT DISTINCT FROM t.memo)
            """);
        Assert.Multiple(() =>
        {
            Assert.That(unmatched, Is.Zero, "postings to volunteers without a statement line that matches them");
            Assert.That(lines, Is.EqualTo(volunteerPostings), "statement lines that are not one per posting to a volunteer");
            Assert.That(lotDrift, Is.Empty, "volunteer accounts whose lots do not hold max(0, balance)");
            Assert.That(movementDrift, Is.Zero, "lots whose remaining is not the sum of their movements");
            Assert.That(unbalanced, Is.Empty, "transactions whose postings do not sum to zero");
            Assert.That(empty, Is.Empty, "transactions with fewer than two postings");
            Assert.That(communities, Is.Empty, "communities whose trial balance is not zero");
            Assert.That(drift, Is.Empty, "kept balances that differ from the sum of their postings");
            Assert.That(lastAfter, Is.Empty, "kept balances that differ from the last balance_after");
            Assert.That(runningAfter, Is.Zero, "postings whose balance_after is not the running sum");
        });
    }
}
