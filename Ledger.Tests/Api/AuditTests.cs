using System.Net;
using System.Text;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>Auditors can trust and trace every point: tampering straight in the database file is detected.</summary>
/// <remarks>Each test has a service of its own to tamper with; the tampering unbalances the books on purpose.</remarks>
public sealed class AuditTests() : ApiFixture(servicePerTest: true, checkBooksAfterEachTest: false)
{
    [SetUp]
    public async Task TwoVolunteersWithAccrualsAndAGift()
    {
        var v = (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();
        var w = (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();
        for (var i = 0; i < 3; i++)
            await Records.Submit(App, StaffKey, v, minutes: 60, approveScore: 5);
        await Staff.Give(v, w, 5);
    }

    private async Task<JsonElement> Verify() => await Auditor.GetJson("/api/v1/audit/verify");

    [Test]
    public async Task AnUntouchedDatabase_Verifies()
    {
        var result = await Verify();
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        Assert.That(result.GetProperty("firstBroken").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(result.GetProperty("checkedEvents").GetInt64(), Is.EqualTo(Database.Count("audit_events")));
        Assert.That(result.GetProperty("checkedTransactions").GetInt64(), Is.EqualTo(4));
        // Three accruals to one volunteer, and a transfer out of their account into another's.
        Assert.That(result.GetProperty("checkedStatementLines").GetInt64(), Is.EqualTo(5));
    }

    /// <summary>Someone with the file edits it while the service is down; the service restarts and verifies.</summary>
    /// <returns>The verify answer, and what the tampering returned (the id it touched).</returns>
    private async Task<(JsonElement Result, long Touched)> VerifyAfterTampering(Func<TestDatabase, long> tamper)
    {
        await App.Stop();
        var touched = tamper(Database);
        await App.Restart();
        return (await Verify(), touched);
    }

    private static void AssertBrokenAt(JsonElement result, string kind, long id)
    {
        Assert.That(result.GetProperty("ok").GetBoolean(), Is.False, result.ToString());
        Assert.That(result.GetProperty("firstBroken").GetProperty("kind").GetString(), Is.EqualTo(kind));
        Assert.That(result.GetProperty("firstBroken").Id(), Is.EqualTo(id));
    }

    [Test]
    public async Task APostingEditedInTheFile_IsFoundAfterRestart()
    {
        var (result, touched) = await VerifyAfterTampering(db =>
        {
            // Someone with the file drops the guard and adds ten points to the second transaction's credit.
            var edited = db.Scalar<long>("SELECT id FROM ledger_transactions ORDER BY id LIMIT 1 OFFSET 1");
            db.AllowEdits("postings");
            db.Execute("UPDATE postings SET amount = amount + 10 WHERE transaction_id = @T AND amount > 0", new { T = edited });
            return edited;
        });
        AssertBrokenAt(result, "transaction", touched);
    }

    [Test]
    public async Task AnAuditEventDeletedInTheFile_IsFoundAfterRestart()
    {
        var (result, touched) = await VerifyAfterTampering(db =>
        {
            var deleted = db.Scalar<long>("SELECT id FROM audit_events WHERE action = 'service-record.approved' ORDER BY id LIMIT 1");
            db.Execute("DELETE FROM audit_events WHERE id = @Id", new { Id = deleted });
            return deleted;
        });
        // The chain breaks at the event that followed the removed one: its hash was built on the missing event's.
        AssertBrokenAt(result, "auditEvent", touched + 1);
    }

    [Test]
    public async Task AnEditedAuditDetail_IsFound()
    {
        var (result, _) = await VerifyAfterTampering(db => db.Execute("UPDATE audit_events SET detail = detail || ' ' WHERE id = 3"));
        AssertBrokenAt(result, "auditEvent", 3);
    }

    [TestCase("amount = amount + 10")]
    [TestCase("balance_after = balance_after - 1")]
    [TestCase("memo = 'for the rice'")]
    [TestCase("at = '2020-01-01T00:00:00.000Z'")]
    public async Task AStatementLineEditedInTheFile_IsFound_AndNamesItsPosting(string edit)
    {
        var (result, touched) = await VerifyAfterTampering(db =>
        {
            // The second accrual's line: its memo is empty, so the memo edit also proves NULL is compared.
            var edited = db.Scalar<long>("SELECT posting_id FROM statement_lines WHERE kind = 'accrual' ORDER BY posting_id LIMIT 1 OFFSET 1");
            db.AllowEdits("statement_lines");
            db.Execute($"UPDATE statement_lines SET {edit} WHERE posting_id = @P", new { P = edited });
            return edited;
        });
        AssertBrokenAt(result, "statementLine", touched);
    }

    [Test]
    public async Task AStatementLineDeletedInTheFile_IsFound()
    {
        var (result, touched) = await VerifyAfterTampering(db =>
        {
            var deleted = db.Scalar<long>("SELECT MAX(posting_id) FROM statement_lines");
            db.AllowEdits("statement_lines");
            db.Execute("DELETE FROM statement_lines WHERE posting_id = @P", new { P = deleted });
            return deleted;
        });
        AssertBrokenAt(result, "statementLine", touched);
    }

    [Test]
    public async Task ADatabaseFromBeforeStatementLines_GetsThemOnUpgrade_AndShowsTheSameLedger()
    {
        var v = Database.Scalar<long>("SELECT volunteer_id FROM accounts WHERE volunteer_id IS NOT NULL ORDER BY id LIMIT 1");
        var before = await (await Staff.GetAsync($"/api/v1/volunteers/{v}/ledger")).Content.ReadAsStringAsync();

        var (result, _) = await VerifyAfterTampering(db =>
        {
            // The database as migration 0006 left it.
            db.Execute("DROP TABLE statement_lines");
            return db.Execute("DELETE FROM schema_migrations WHERE version = 7");
        });

        Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, result.ToString());
        Assert.That(result.GetProperty("checkedStatementLines").GetInt64(), Is.EqualTo(5));
        var after = await (await Staff.GetAsync($"/api/v1/volunteers/{v}/ledger")).Content.ReadAsStringAsync();
        Assert.That(after, Is.EqualTo(before));
        Assert.That(JsonDocument.Parse(after).RootElement.GetProperty("items").GetArrayLength(), Is.EqualTo(4));
    }

    [Test]
    public async Task AuditEvents_FilterByActorActionSubjectAndTime_AndExportAsCsv()
    {
        var client = Auditor;
        var approvals = await client.GetJson("/api/v1/audit/events?action=service-record.approved");
        Assert.That(approvals.GetProperty("items").GetArrayLength(), Is.EqualTo(3));
        var first = approvals.GetProperty("items")[0];
        Assert.That(first.GetProperty("actor").GetString(), Does.StartWith("api-key:"));
        Assert.That(first.GetProperty("requestId").GetString(), Is.Not.Empty);

        var bySubject = await client.GetJson($"/api/v1/audit/events?subject={first.GetProperty("subject").GetString()}");
        Assert.That(bySubject.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()),
            Is.EqualTo(new[] { "service-record.approved", "service-record.submitted" }));

        var bySystem = await client.GetJson("/api/v1/audit/events?actor=system");
        Assert.That(bySystem.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()), Is.EqualTo(new[] { "api-key.bootstrapped" }));
        var byKey = await client.GetJson($"/api/v1/audit/events?actor={first.GetProperty("actor").GetString()}&limit=200");
        Assert.That(byKey.GetProperty("items").EnumerateArray().All(e => e.GetProperty("actor").GetString() == first.GetProperty("actor").GetString()), Is.True);

        var future = await client.GetJson("/api/v1/audit/events?from=2099-01-01T00:00:00Z");
        Assert.That(future.GetProperty("items").GetArrayLength(), Is.Zero);
        await Seed.Problem(await client.GetAsync("/api/v1/audit/events?actor=someone"), HttpStatusCode.BadRequest, "validation");

        var csv = await App.Client(AuditorKey, "en").GetByteArrayAsync("/api/v1/audit/events?format=csv");
        Assert.That(csv.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        var lines = Encoding.UTF8.GetString(csv, 3, csv.Length - 3).TrimEnd().Split('\n');
        Assert.That(lines[0].TrimEnd('\r'), Is.EqualTo("id,at,actor,action,subject,requestId,detail"));
        Assert.That(lines.Length - 1, Is.EqualTo(Database.Count("audit_events")));
    }

    [Test]
    public async Task LedgerAndRecordLists_ExportAsCsv()
    {
        var client = App.Client(AuditorKey, "en");
        var ledger = Encoding.UTF8.GetString(await client.GetByteArrayAsync($"/api/v1/ledger/transactions?communityId={CommunityId}&format=csv"));
        var rows = ledger.TrimStart('\uFEFF').TrimEnd().Split('\n');
        Assert.That(rows[0].TrimEnd('\r'), Does.StartWith("transactionId,at,kind,"));
        Assert.That(rows, Has.Length.EqualTo(1 + 4 * 2), "a row per posting");
        var records = Encoding.UTF8.GetString(await client.GetByteArrayAsync("/api/v1/service-records?format=csv"));
        Assert.That(records.TrimStart('\uFEFF').TrimEnd().Split('\n'), Has.Length.EqualTo(4));
    }

    [Test]
    public async Task AnAuditor_ChangesNothing()
    {
        var client = Auditor;
        await Seed.Problem(await client.PostJson("/api/v1/volunteers", Seed.VolunteerBody(CommunityId)), HttpStatusCode.Forbidden, "forbidden");
        await Seed.Problem(await client.PostJson("/api/v1/rewards", new { communityId = CommunityId, name = "x", pointsCost = 1, stock = 1 }),
            HttpStatusCode.Forbidden, "forbidden");
    }
}
