using System.Net;
using System.Text.Json;
using Dapper;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// A database made by main at 808b323 (Fixtures/made-by-main-2026-12-03.sql, made through its HTTP API) must upgrade
/// without noticing: today's service starts on it without re-running or altering a migration, reads what it holds as
/// that version did, and writes on it. The test talks only HTTP and SQL, never the service's own types, so moving the
/// code around cannot move the guard with it.
/// </summary>
public sealed class SqliteUpgradeFromMainTests
{
    private const string Fixture = "made-by-main-2026-12-03.sql";

    // Secrets of keys the fixture holds (its header lists them); the admin key is LedgerApp.AdminKey.
    private const string StaffKey = "lk_aFaM_d-uh5wj7Kb-DHquhRIbaCDJaVct5BQQd8w7ibQ";
    private const string ClientKey = "lk_2dQRafu6JFYIy2F95632HxF4dzmcVMYeTtW84kBpnc8";
    private const string RevokedKey = "lk_ubJXUz-rCAzBm8dMizuqnjeuVUjETVrY4KEz6t3VgsY";

    // The fixture's community 1 and its people: 王秀英 (1), 李建国 (2), 张伟 (3, inactive), 刘芳 (4); reward 1 is 洗衣液.
    private const long Wang = 1, Li = 2, Liu = 4, Detergent = 1;

    // The day after the fixture was made, so the year's figures and what lapses next read as they did then.
    private static readonly DateTimeOffset DayAfter = new(2026, 12, 4, 10, 0, 0, TimeSpan.FromHours(8));

    private LedgerApp _app = null!;
    private IReadOnlyList<MigrationRow> _migrations = null!;
    private IReadOnlyList<SchemaObject> _schema = null!;

    [SetUp]
    public async Task RestoreTheFixtureAndStart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var restored = new TestDatabase(Path.Combine(folder, "ledger.db"), pooling: false);
        restored.Execute(await File.ReadAllTextAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", Fixture)));
        _migrations = Migrations(restored);
        _schema = Schema(restored);
        Assert.That(_migrations, Has.Count.GreaterThan(0), "the fixture restored no schema_migrations rows");

        _app = new LedgerApp(folder);
        _app.Clock.Set(DayAfter);
        _ = _app.Services;
    }

    [TearDown]
    public async Task Dispose()
    {
        // Null when the restore itself failed.
        if (_app is not null)
            await _app.DisposeAsync();
    }

    [Test]
    public async Task Start_OnADatabaseMadeByMain_AppliesNoMigration_AndLeavesTheSchemaAsItWas()
    {
        AssertMigrationsAndSchemaUnchanged();

        await _app.Restart();

        AssertMigrationsAndSchemaUnchanged();
        var db = _app.Database;
        Assert.That(db.Scalar<long>("SELECT COUNT(*) FROM api_keys"), Is.EqualTo(5), "the start made a key on a database that has them");
    }

    [Test]
    public async Task VolunteerSummaryAndLedger_OnADatabaseMadeByMain_AnswerAsItsDataSays()
    {
        var admin = _app.Admin();

        // 王秀英: 25 + 20 + 30 + 30 points earned in 2024–2026 (2.5 h, 2 h, 3 h, 3 h at the clean-up day), 20 redeemed,
        // 7 given to 李建国.
        var wang = await (await admin.GetAsync($"/api/v1/volunteers/{Wang}/summary")).Read<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(wang.GetProperty("balance").GetInt64(), Is.EqualTo(78));
            Assert.That(wang.GetProperty("approvedMinutes").GetInt64(), Is.EqualTo(630));
            Assert.That(wang.GetProperty("stars").GetInt32(), Is.Zero);
            Assert.That(wang.GetProperty("year").GetProperty("approvedMinutes").GetInt64(), Is.EqualTo(360));
            Assert.That(wang.GetProperty("expiringSoon").GetProperty("points").GetInt64(), Is.EqualTo(78));
        });

        // 刘芳: a reversed record and a cancelled redemption leave nothing behind; 15 points adjusted in.
        var liu = await (await admin.GetAsync($"/api/v1/volunteers/{Liu}/summary")).Read<JsonElement>();
        Assert.That(liu.GetProperty("balance").GetInt64(), Is.EqualTo(60));
        Assert.That(liu.GetProperty("approvedMinutes").GetInt64(), Is.EqualTo(270));

        // The ledger page as the books of record say, read here from postings and transactions, not from the lines the
        // page itself reads.
        var db = _app.Database;
        foreach (var volunteer in new[] { Wang, Li, Liu })
        {
            var books = db.Query<(long TransactionId, string Kind, long Amount, long BalanceAfter, string? Reference)>(
                """
                SELECT t.id, t.kind, p.amount, p.balance_after, t.reference
                FROM postings p JOIN accounts a ON a.id = p.account_id JOIN ledger_transactions t ON t.id = p.transaction_id
                WHERE a.volunteer_id = @Volunteer ORDER BY p.id DESC
                """, new { Volunteer = volunteer }).ToList();
            var page = (await (await admin.GetAsync($"/api/v1/volunteers/{volunteer}/ledger?limit=200")).Read<JsonElement>())
                .GetProperty("items").EnumerateArray()
                .Select(i => (i.GetProperty("transactionId").GetInt64(), i.GetProperty("kind").GetString()!, i.GetProperty("amount").GetInt64(),
                    i.GetProperty("balanceAfter").GetInt64(), i.GetProperty("reference").GetString()))
                .ToList();
            Assert.That(page, Is.EqualTo(books), $"the ledger of volunteer {volunteer}");
        }
        var kinds = (await (await admin.GetAsync($"/api/v1/volunteers/{Liu}/ledger")).Read<JsonElement>())
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("kind").GetString()).ToList();
        Assert.That(kinds, Is.EqualTo(new[] { "adjustment", "cancellation", "redemption", "accrual", "reversal", "accrual", "accrual", "accrual" }));
    }

    [Test]
    public async Task AuditVerify_OnADatabaseMadeByMain_FindsBothChainsAndTheStatementLinesIntact()
    {
        var verify = await (await _app.Admin().GetAsync("/api/v1/audit/verify")).Content.ReadAsStringAsync();
        var result = JsonDocument.Parse(verify).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("ok").GetBoolean(), Is.True, verify);
            Assert.That(result.GetProperty("firstBroken").ValueKind, Is.EqualTo(JsonValueKind.Null), verify);
            Assert.That(result.GetProperty("checkedEvents").GetInt64(), Is.EqualTo(55), verify);
            Assert.That(result.GetProperty("checkedTransactions").GetInt64(), Is.EqualTo(18), verify);
            Assert.That(result.GetProperty("checkedStatementLines").GetInt64(), Is.EqualTo(19), verify);
        });
    }

    [Test]
    public async Task KeysAndStoredAnswers_OfADatabaseMadeByMain_StillHold()
    {
        Assert.That((await _app.Client(RevokedKey).GetAsync($"/api/v1/volunteers/{Wang}")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await _app.Client(StaffKey).GetAsync($"/api/v1/volunteers/{Wang}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _app.Client(ClientKey).GetAsync($"/api/v1/volunteers/{Wang}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _app.Client(ClientKey).GetAsync("/api/v1/audit/verify")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden),
            "a client key main made is still only a client key");

        // The counter sent this redemption with this Idempotency-Key; a retry now must get that answer, not a second one.
        var replay = await _app.Client(StaffKey).PostRaw("/api/v1/redemptions", $$"""{"volunteerId":{{Wang}},"rewardId":{{Detergent}},"quantity":1}""",
            idempotencyKey: "redeem-1");
        var body = await replay.Read<JsonElement>();
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(replay.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true", Is.True);
        Assert.That(body.GetProperty("receiptNo").GetString(), Is.EqualTo("C001-2026-00001"));
        var db = _app.Database;
        Assert.That(db.Scalar<long>("SELECT COUNT(*) FROM redemptions"), Is.EqualTo(2));
    }

    [Test]
    public async Task RecordApproveAndRedemption_OnADatabaseMadeByMain_WorkAndKeepTheBooksBalanced()
    {
        var staff = _app.Client(StaffKey);

        var recorded = await staff.PostJson("/api/v1/service-records", new
        {
            volunteerId = Liu,
            category = "elderly-care",
            startedAt = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(8)),
            endedAt = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(8)),
        });
        Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.Created), await recorded.Content.ReadAsStringAsync());
        var record = (await recorded.Read<JsonElement>()).GetProperty("id").GetInt64();
        var approved = await staff.PostJson($"/api/v1/service-records/{record}/approve", new { score = 5 });
        var approval = await approved.Read<JsonElement>();
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK), approval.ToString());
        Assert.That(approval.GetProperty("points").GetInt64(), Is.EqualTo(10));
        Assert.That(approval.GetProperty("ruleVersion").GetInt32(), Is.EqualTo(2), "valued by the rule version main stored");

        var redeemed = await staff.PostJson("/api/v1/redemptions", new { volunteerId = Wang, rewardId = Detergent, quantity = 1 }, "after-upgrade-1");
        var redemption = await redeemed.Read<JsonElement>();
        Assert.That(redeemed.StatusCode, Is.EqualTo(HttpStatusCode.Created), redemption.ToString());
        Assert.That(redemption.GetProperty("receiptNo").GetString(), Is.EqualTo("C001-2026-00003"), "receipt numbers go on from main's");
        Assert.That(redemption.GetProperty("balanceAfter").GetInt64(), Is.EqualTo(78 - 20));

        var liu = await (await staff.GetAsync($"/api/v1/volunteers/{Liu}/summary")).Read<JsonElement>();
        Assert.That(liu.GetProperty("balance").GetInt64(), Is.EqualTo(60 + 10));
        var trial = await (await _app.Admin().GetAsync("/api/v1/ledger/trial-balance?communityId=1")).Read<JsonElement>();
        Assert.That(trial.GetProperty("total").GetInt64(), Is.Zero);
        var verify = await (await _app.Admin().GetAsync("/api/v1/audit/verify")).Read<JsonElement>();
        Assert.That(verify.GetProperty("ok").GetBoolean(), Is.True, verify.ToString());
        Assert.That(verify.GetProperty("checkedTransactions").GetInt64(), Is.EqualTo(18 + 2), verify.ToString());
        Invariants.Check(_app);
        AssertMigrationsAndSchemaUnchanged();
    }

    private void AssertMigrationsAndSchemaUnchanged()
    {
        var db = _app.Database;
        Assert.That(Migrations(db), Is.EqualTo(_migrations),
            "schema_migrations was changed: a migration ran again or its row was rewritten (a new numbered migration belongs in this test's expectations)");
        Assert.That(Schema(db), Is.EqualTo(_schema), "the schema of the database main made was changed at start");
    }

    private static IReadOnlyList<MigrationRow> Migrations(TestDatabase db) =>
        db.Query<MigrationRow>("SELECT version, name, checksum, applied_at AS AppliedAt FROM schema_migrations ORDER BY version").ToList();

    private static IReadOnlyList<SchemaObject> Schema(TestDatabase db) =>
        db.Query<SchemaObject>("SELECT type, name, tbl_name AS TableName, sql FROM sqlite_master ORDER BY type, name").ToList();

    private sealed record MigrationRow(long Version, string Name, string Checksum, string AppliedAt);

    private sealed record SchemaObject(string Type, string Name, string TableName, string? Sql);
}
