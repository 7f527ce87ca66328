using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Ledger.Api.Hosting;
using Ledger.Api.Storage;
using Ledger.Api.Storage.Sqlite;
using Ledger.Tests.Builders;
using Microsoft.Extensions.Configuration;

namespace Ledger.Tests.Api;

/// <summary>
/// The storage seam: which database the service runs on is decided in one place, only Storage/Sqlite/ knows it is
/// SQLite and only Storage/Postgres/ that it is PostgreSQL, and the SQL everywhere else is written so both take it.
/// These tests read the sources and start processes of their own: they run once, with the SQLite suite.
/// </summary>
public sealed partial class StorageSeamTests
{
    [Test]
    public void OnlyStorageSqlite_UsesTheSqliteProvider_AndOnlyTheCompositionRootNamesIt()
    {
        var offenders = ApiSources()
            .Where(f => !f.Path.StartsWith("Storage/Sqlite/", StringComparison.Ordinal))
            .SelectMany(f => SqliteNames().Matches(f.Text).Select(m => (f.Path, m.Value)))
            // LedgerSetup is where the provider is chosen: it names the SQLite implementation, and nothing of the provider below it.
            .Where(hit => !(hit.Path == "Hosting/LedgerSetup.cs" && hit.Value is "SqliteDatabase" or "Storage.Sqlite"))
            .Select(hit => $"{hit.Path}: {hit.Value}")
            .Distinct()
            .ToList();
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void OnlyStoragePostgres_UsesNpgsql_AndOnlyTheCompositionRootNamesIt()
    {
        var offenders = ApiSources()
            .Where(f => !f.Path.StartsWith("Storage/Postgres/", StringComparison.Ordinal))
            .SelectMany(f => PostgresNames().Matches(f.Text).Select(m => (f.Path, m.Value)))
            .Where(hit => !(hit.Path == "Hosting/LedgerSetup.cs" && hit.Value is "PostgresDatabase" or "Storage.Postgres"))
            .Select(hit => $"{hit.Path}: {hit.Value}")
            .Distinct()
            .ToList();
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void SqlOutsideTheProviders_UsesNoSqliteOnlySyntax()
    {
        var offenders = ApiSources()
            .Where(f => !f.Path.StartsWith("Storage/Sqlite/", StringComparison.Ordinal) && !f.Path.StartsWith("Storage/Postgres/", StringComparison.Ordinal))
            .SelectMany(f => SqliteOnlySql().Matches(f.Text).Select(m => $"{f.Path}: {m.Value}"))
            .ToList();
        Assert.That(offenders, Is.Empty);
    }

    /// <summary>PostgreSQL refuses a bare column in DO UPDATE SET as ambiguous (the existing row or excluded?).</summary>
    [Test]
    public void Upserts_NameTheExistingRowsColumnsByTheirTable()
    {
        var upserts = ApiSources()
            .SelectMany(f => Upsert().Matches(f.Text).Select(m => (f.Path, Set: m.Groups["set"].Value)))
            .ToList();
        Assert.That(upserts, Is.Not.Empty, "the scan finds the upserts");
        var bare = upserts
            .SelectMany(u => Assignment().Matches(u.Set)
                .Where(a => Regex.IsMatch(a.Groups["value"].Value, $@"(?<![.\w]){a.Groups["column"].Value}\b"))
                .Select(a => $"{u.Path}: {a.Value.Trim()}"))
            .ToList();
        Assert.That(bare, Is.Empty);
    }

    [TestCase("oracle")]
    [TestCase("postgres-maybe")]
    public void UnknownDatabaseProvider_IsRefused_NamingTheAcceptedValues(string provider)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [LedgerSetup.ProviderSetting] = provider }).Build();
        Assert.That(LedgerSetup.RefusedSettings(configuration), Does.Contain($"\"{provider}\"").And.Contain("Accepted values: sqlite"));
        // Where the database is made, too: the backup command and a host that gets its settings late meet it there.
        Assert.Throws<StartRefusedException>(() => LedgerSetup.CreateDatabase(configuration));
    }

    [Test]
    public async Task UnknownDatabaseProvider_EndsTheProcess_WithExitCode1_AndTheReason_NotACrash()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "ledger.db");
        await using var service = new ServiceProcess(database);
        service.Launch(["--urls", service.Address.ToString().TrimEnd('/')], new Dictionary<string, string> { ["Ledger__Database__Provider"] = "oracle" });
        Assert.That(await service.WaitForExit(TimeSpan.FromMinutes(1)), Is.EqualTo(1), service.Output);
        Assert.That(service.Output, Does.Contain("The service did not start: Ledger:Database:Provider is \"oracle\"").And.Contain("Accepted values: sqlite"));
        Assert.That(service.Output, Does.Not.Contain("Unhandled exception"));
        Assert.That(File.Exists(database), Is.False, "nothing was written to a database the operator did not mean");
    }

    [TestCase(null)]
    [TestCase("sqlite")]
    [TestCase(" SQLite ")]
    public async Task SqliteProvider_IsTheDefault_InAnyCase(string? provider)
    {
        var settings = provider is null ? null : new Dictionary<string, string> { [LedgerSetup.ProviderSetting] = provider };
        await using var app = new LedgerApp(settings: settings);
        Assert.That((await app.Admin().GetAsync("/api/v1/communities")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(app.Services.GetService(typeof(Database)), Is.TypeOf<SqliteDatabase>());
    }

    [Test]
    public async Task BackupCommand_CopiesTheConfiguredDatabase_ThroughTheSeam()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        await Seed.Volunteer(app, LedgerApp.AdminKey, community, "备份测试");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Ledger"] = app.ConnectionString })
            .Build();
        var target = Path.Combine(app.Folder, "copy", "ledger.db");

        Assert.That(BackupCommand.Run([BackupCommand.Name, target], configuration), Is.Zero);
        Assert.That(BackupCommand.Run([BackupCommand.Name, target], configuration), Is.EqualTo(2), "an existing file is never overwritten");

        await using var restored = new LedgerApp(Path.GetDirectoryName(target));
        var volunteers = await (await restored.Admin().GetAsync($"/api/v1/volunteers?communityId={community}")).Content.ReadAsStringAsync();
        Assert.That(volunteers, Does.Contain("备份测试"));
        Invariants.Check(restored);
    }

    [Test]
    public void BackupCommand_WithoutADatabase_SaysSo()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Ledger"] = Path.Combine(folder, "none.db") })
            .Build();
        Assert.That(BackupCommand.Run([BackupCommand.Name, Path.Combine(folder, "copy.db")], configuration), Is.EqualTo(1));
        Assert.That(Directory.Exists(folder), Is.False, "no empty database was made to copy");
    }

    [Test]
    public void BackupCommand_WithAnUnknownProvider_SaysSo_AndExits1()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Ledger"] = Path.Combine(folder, "ledger.db"),
                [LedgerSetup.ProviderSetting] = "oracle",
            })
            .Build();
        Assert.That(BackupCommand.Run([BackupCommand.Name, Path.Combine(folder, "copy.db")], configuration), Is.EqualTo(1));
        Assert.That(Directory.Exists(folder), Is.False, "nothing was made");
    }

    [Test]
    public async Task NewReward_StoresItsActiveFlag_AsTheInteger1()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var response = await app.Admin().PostJson("/api/v1/rewards", new { communityId = community, name = "毛巾", pointsCost = 10, stock = 3 });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var db = app.Database;
        Assert.That(db.Single<(string, long)>("SELECT typeof(active), active FROM rewards"), Is.EqualTo(("integer", 1L)));
    }

    [Test]
    public void DialectSql_IsBuiltOncePerDialect()
    {
        var builds = 0;
        var sql = new DialectSql(d => { builds++; return $"SELECT id FROM rewards ORDER BY id DESC {d.LimitTake}"; });
        var first = sql.For(SqliteDialect.Instance);
        Assert.That(sql.For(SqliteDialect.Instance), Is.SameAs(first));
        Assert.That(first, Is.EqualTo("SELECT id FROM rewards ORDER BY id DESC LIMIT @Take + 0"));
        Assert.That(builds, Is.EqualTo(1));
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                    yield return inner;
        }
    }

    /// <summary>Ledger.Api's C# sources, with paths relative to the project ("Storage/Sqlite/SqliteDatabase.cs").</summary>
    private static IEnumerable<(string Path, string Text)> ApiSources()
    {
        var project = Path.Combine(RepositoryRoot(), "Ledger.Api");
        var files = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(project, f).Replace('\\', '/')))
            .Where(f => !f.Relative.StartsWith("bin/", StringComparison.Ordinal) && !f.Relative.StartsWith("obj/", StringComparison.Ordinal))
            .ToList();
        Assert.That(files, Has.Count.GreaterThan(20), "the scan finds the service's sources");
        return files.Select(f => (f.Relative, File.ReadAllText(f.Full)));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Ledger.sln not found above the test assembly.");
    }

    /// <summary>The provider's namespace and types, and our SQLite code's (prose that says "SQLite" does not match).</summary>
    [GeneratedRegex(@"Microsoft\.Data\.Sqlite|SQLitePCL|\bSqlite[A-Z]\w*|Storage\.Sqlite")]
    private static partial Regex SqliteNames();

    [GeneratedRegex(@"\bNpgsql\w*|\bPostgres[A-Z]\w*|Storage\.Postgres|pg_\w+")]
    private static partial Regex PostgresNames();

    /// <summary>SQLite's own functions and statements, as SQL spells them (in either case; C#'s DateTime( is not SQL).</summary>
    [GeneratedRegex(@"\b(?:json_\w+|strftime|datetime|julianday|unixepoch|ifnull|group_concat|total|last_insert_rowid|total_changes|iif|JSON_\w+|STRFTIME|DATETIME|JULIANDAY|UNIXEPOCH|IFNULL|GROUP_CONCAT|TOTAL|LAST_INSERT_ROWID|TOTAL_CHANGES|IIF)\s*\(|\b(?:GLOB|INSERT\s+OR|REPLACE\s+INTO|LIMIT\s+-1|rowid|ROWID|PRAGMA|pragma)\b")]
    private static partial Regex SqliteOnlySql();

    [GeneratedRegex(@"DO\s+UPDATE\s+SET\s+(?<set>.+?)(?=\s+RETURNING\b|\s+WHERE\b|""|$)", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Upsert();

    [GeneratedRegex(@"(?<column>\w+)\s*=\s*(?<value>[^,]+)")]
    private static partial Regex Assignment();
}
