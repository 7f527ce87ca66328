using Dapper;
using Ledger.Api.Storage;
using Ledger.Api.Storage.Sqlite;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class SqliteStorageTests
{
    [Test]
    public async Task Restart_KeepsData_AndAppliesMigrationsOnlyOnce()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var volunteer = await Seed.Volunteer(app, LedgerApp.AdminKey, community, "重启测试");
        var migrations = app.Database.Count("schema_migrations");

        await app.Restart();

        var again = await app.Admin().GetJson($"/api/v1/volunteers/{volunteer.Id()}");
        Assert.That(again.GetProperty("name").GetString(), Is.EqualTo("重启测试"));
        Assert.That(app.Database.Count("schema_migrations"), Is.EqualTo(migrations));
        Assert.That(app.Database.Scalar<long>("SELECT COUNT(*) FROM api_keys WHERE role = 'admin'"), Is.EqualTo(1), "the bootstrap key is made once");
    }

    /// <summary>A database copied while its service runs (as a backup, or a file from an older release) starts as it is: no migration runs again or changes.</summary>
    [Test]
    public async Task ACopyOfALiveDatabase_StartsWithItsDataAndMigrationsAsTheyWere()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var volunteer = (await Seed.Volunteer(app, LedgerApp.AdminKey, community, "复制测试")).Id();
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        var copy = app.Database.CopyTo(Path.Combine(folder, "ledger.db"));
        const string Migrations = "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version";
        var before = copy.Query<(long, string, string, string)>(Migrations);

        await using var started = new LedgerApp(folder);

        Assert.That((await started.Admin().GetJson($"/api/v1/volunteers/{volunteer}")).GetProperty("name").GetString(), Is.EqualTo("复制测试"));
        Assert.That(started.Database.Query<(long, string, string, string)>(Migrations), Is.EqualTo(before).And.Not.Empty);
    }

    [Test]
    public async Task Database_IsInWalMode_WithForeignKeysOn()
    {
        await using var app = new LedgerApp();
        await app.Admin().GetAsync("/api/v1/communities");
        Assert.That(app.Database.Scalar<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
        var database = (Database)app.Services.GetService(typeof(Database))!;
        using var read = database.OpenRead();
        Assert.That(read.ExecuteScalar<long>("PRAGMA foreign_keys"), Is.EqualTo(1));
    }

    [Test]
    public void FailingMigration_StopsWithAClearMessage_AndLeavesTheDatabaseAsItWas()
    {
        var database = new TestDatabase(Path.Combine(Path.GetTempPath(), $"ledger-migrate-{Guid.NewGuid():N}.db"));
        try
        {
            var good = new Migration(1, "0001_good.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
            Assert.That(database.Migrate([good]), Is.EqualTo(new[] { "0001_good.sql" }));

            var bad = new Migration(2, "0002_bad.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);");
            var error = Assert.Throws<MigrationException>(() => database.Migrate([good, bad]))!;
            Assert.That(error.Message, Does.Contain("0002_bad.sql").And.Contain("nowhere"));
            Assert.That(database.Tables(), Does.Not.Contain("b"), "half a migration was kept");
            Assert.That(database.Query<long>("SELECT version FROM schema_migrations"), Is.EqualTo(new[] { 1L }));

            Assert.That(database.Migrate([good]), Is.Empty, "applied twice");
            var edited = good with { Sql = "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);" };
            Assert.That(() => database.Migrate([edited]), Throws.TypeOf<MigrationException>().With.Message.Contains("changed"));
        }
        finally
        {
            TestDatabase.ReleaseAll();
            File.Delete(database.Path);
        }
    }

    [Test]
    public void EmbeddedMigrations_AreNumberedInOrder()
    {
        var migrations = Migrator.Embedded(SqliteDialect.Instance);
        Assert.That(migrations, Is.Not.Empty);
        Assert.That(migrations.Select(m => m.Version), Is.Ordered.Ascending.And.Unique);
        Assert.That(migrations[0].Name, Is.EqualTo("0001_initial.sql"));
    }

    [Test]
    public async Task Times_RoundTripThroughDapper_AsSortableUtcText()
    {
        await using var app = new LedgerApp();
        await app.Admin().GetAsync("/health");
        StoredTime.ConfigureDapper();
        var db = app.Database;
        var local = new DateTimeOffset(2026, 3, 1, 8, 30, 15, 123, TimeSpan.FromHours(8));
        var stored = db.Scalar<string>("SELECT @T", new { T = StoredTime.Time(local) });
        Assert.That(stored, Is.EqualTo("2026-03-01T00:30:15.123Z"));
        // A DateTimeOffset handed to Dapper as it is goes through the same handler, so it is stored the same way.
        Assert.That(db.Scalar<string>("SELECT @T", new { T = local }), Is.EqualTo(stored));
        Assert.That(db.Scalar<string>("SELECT @T", new { T = (DateTimeOffset?)local }), Is.EqualTo(stored));
        var back = db.Single<TimeRow>("SELECT @T AS at", new { T = stored });
        Assert.That(back.At, Is.EqualTo(local));
        Assert.That(back.At.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(string.CompareOrdinal(StoredTime.Time(local), StoredTime.Time(local.AddMilliseconds(1))), Is.LessThan(0));
    }

    [TestCase("0001-01-01T00:00:00.000Z")]
    [TestCase("2024-02-29T23:59:59.999Z")]
    [TestCase("2026-11-23T05:12:01.007Z")]
    [TestCase("9999-12-31T23:59:59.999Z")]
    public void StoredTimes_ReadAndWriteBackUnchanged(string stored)
    {
        var parsed = StoredTime.ParseTime(stored);
        Assert.That(parsed, Is.EqualTo(DateTimeOffset.Parse(stored, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(parsed.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(StoredTime.Time(parsed), Is.EqualTo(stored));
    }

    [Test]
    public void OtherIsoTimes_AreStillRead_AndImpossibleOnesRefused()
    {
        Assert.That(StoredTime.ParseTime("2026-03-01T08:30:15+08:00"), Is.EqualTo(new DateTimeOffset(2026, 3, 1, 0, 30, 15, TimeSpan.Zero)));
        Assert.That(StoredTime.ParseTime("2026-03-01T00:30:15Z"), Is.EqualTo(new DateTimeOffset(2026, 3, 1, 0, 30, 15, TimeSpan.Zero)));
        Assert.Throws<FormatException>(() => StoredTime.ParseTime("2026-02-30T00:00:00.000Z"));
        Assert.Throws<FormatException>(() => StoredTime.ParseTime("2026-13-01T00:00:00.000Z"));
        Assert.Throws<FormatException>(() => StoredTime.ParseTime("2026-01-01T24:00:00.000Z"));
    }

    private sealed class TimeRow
    {
        public DateTimeOffset At { get; init; }
    }
}
