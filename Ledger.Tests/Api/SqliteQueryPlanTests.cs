using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Ledger.Api.Storage.Sqlite;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// Every list query the API runs, with each of its filters, is checked with EXPLAIN QUERY PLAN: no big table may be
/// scanned, and a filtered page may not walk the table by id hoping to meet its rows.
/// </summary>
[TestFixture, NonParallelizable]
public sealed partial class SqliteQueryPlanTests
{
    /// <summary>
    /// Plans known to walk a table by id, left for the performance work (see the README's benchmark section): a time
    /// range alone (SQLite prefers the id order of the page to the time index), and a name/phone search across all
    /// communities (a contains-search cannot use an index anyway). Anything else that scans fails this test.
    /// </summary>
    private static readonly (string Table, string Filter)[] KnownWalks =
    [
        ("audit_events", "WHERE id < @BeforeId AND at >= @From ORDER BY"),
        ("service_records", "WHERE id < @BeforeId AND started_at >= @From ORDER BY"),
        ("ledger_transactions", "WHERE t.id < @BeforeId AND t.at >= @From ORDER BY"),
        ("redemptions", "WHERE r.id < @BeforeId AND r.created_at >= @From ORDER BY"),
        ("volunteers", "WHERE id < @BeforeId AND (member_code = @Code"),
    ];

    private static readonly string[] BigTables =
        ["postings", "ledger_transactions", "service_records", "audit_events", "volunteers", "redemptions", "lot_movements", "point_lots", "accounts", "rewards", "activities"];

    [Test]
    public async Task EveryListQuery_UsesAnIndexForItsFilters()
    {
        await using var app = new LedgerApp();
        var (community, v) = await SomethingOfEachKind(app);
        var seen = await StatementsPrepared(app, ListUrls(community, v));
        var lists = seen.Where(sql => sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && sql.Contains("LIMIT", StringComparison.Ordinal)).ToList();
        Assert.That(lists, Has.Count.GreaterThanOrEqualTo(20), "the list queries were not seen");
        var problems = new List<string>();
        foreach (var sql in lists)
        {
            var filtered = Filter().IsMatch(sql);
            foreach (var step in app.Database.QueryPlan(sql))
            {
                var table = BigTables.FirstOrDefault(t => Regex.IsMatch(step, $@"^(SCAN|SEARCH) {t}\b"));
                if (table is null)
                    continue;
                var fullScan = step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal);
                var walksById = filtered && step.Contains("INTEGER PRIMARY KEY (rowid<?)", StringComparison.Ordinal);
                var known = KnownWalks.Any(k => k.Table == table && Regex.Replace(sql, @"\s+", " ").Contains(k.Filter, StringComparison.Ordinal));
                if ((fullScan || walksById) && !known)
                    problems.Add($"{step}\n    in: {Regex.Replace(sql, @"\s+", " ")}");
            }
        }
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    /// <summary>
    /// A statement SQLite must re-plan on every run (a bare LIMIT parameter, a LIKE pattern) pays its preparation
    /// again each time. Each statement the API prepared is prepared here once more, bound and stepped, and SQLite's
    /// own counter says whether binding made it re-plan.
    /// </summary>
    [Test]
    public async Task ListQueries_StayPrepared_WhenBound()
    {
        await using var app = new LedgerApp();
        var (community, v) = await SomethingOfEachKind(app);
        var statements = await StatementsPrepared(app, ListUrls(community, v).Where(u => !u.Contains("q=", StringComparison.Ordinal)));

        // "IN @Ids" is Dapper's list expansion, not SQL: those texts run unprepared anyway.
        var replanned = statements.Where(s => !s.Contains(" IN @", StringComparison.Ordinal))
            .Where(app.Database.ReplansWhenBound)
            .Select(sql => Regex.Replace(sql, @"\s+", " "))
            .ToList();
        Assert.That(statements.Count(s => s.Contains("LIMIT", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(15), "the list queries were not seen");
        Assert.That(replanned, Is.Empty, string.Join("\n", replanned));
    }

    /// <summary>A community with a volunteer who has an approved record and a redemption, so every list has a row.</summary>
    private static async Task<(long Community, long Volunteer)> SomethingOfEachKind(LedgerApp app)
    {
        var community = await Seed.Community(app);
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var v = (await Seed.Volunteer(app, staff, community, "孙悟空")).Id();
        await Records.Submit(app, staff, v, 60, approveScore: 5);
        var reward = (await app.Client(staff).CreateReward(community, 1, 9, "x")).Id();
        await app.Client(staff).Redeem(v, reward);
        return (community, v);
    }

    /// <summary>Every SQL text the API prepares while answering these URLs.</summary>
    private static async Task<List<string>> StatementsPrepared(LedgerApp app, IEnumerable<string> urls)
    {
        var seen = new ConcurrentBag<string>();
        PreparedConnection.Preparing = seen.Add;
        try
        {
            foreach (var url in urls)
            {
                var response = await app.Admin().GetAsync(url);
                Assert.That(response.IsSuccessStatusCode, Is.True, url);
            }
        }
        finally
        {
            PreparedConnection.Preparing = null;
        }
        return seen.Distinct().ToList();
    }

    private static string[] ListUrls(long community, long v)
    {
        var from = "from=2020-01-01T00:00:00Z";
        return
        [
            "/api/v1/communities", "/api/v1/api-keys",
            $"/api/v1/volunteers?communityId={community}", $"/api/v1/volunteers?communityId={community}&q=孙", $"/api/v1/volunteers?q=1391",
            $"/api/v1/service-records?communityId={community}", $"/api/v1/service-records?volunteerId={v}", $"/api/v1/service-records?communityId={community}&status=approved",
            $"/api/v1/service-records?{from}", $"/api/v1/activities?communityId={community}", $"/api/v1/rewards?communityId={community}&active=true",
            $"/api/v1/redemptions?communityId={community}", $"/api/v1/redemptions?volunteerId={v}", $"/api/v1/redemptions?{from}",
            $"/api/v1/ledger/transactions?communityId={community}", $"/api/v1/ledger/transactions?communityId={community}&kind=accrual",
            $"/api/v1/ledger/transactions?{from}", $"/api/v1/volunteers/{v}/ledger", $"/api/v1/volunteers/{v}/ledger?kind=accrual&{from}",
            $"/api/v1/volunteers/{v}/summary", "/api/v1/audit/events", "/api/v1/audit/events?actor=system", "/api/v1/audit/events?actor=api-key:1",
            "/api/v1/audit/events?action=redemption.completed", $"/api/v1/audit/events?subject=volunteer:{v}", $"/api/v1/audit/events?{from}",
        ];
    }

    /// <summary>A filter other than the keyset's own "id &lt; @BeforeId".</summary>
    [GeneratedRegex(@"(?<!\bid )(?<!\.id )(=|>=|<|LIKE) @(?!BeforeId|Take)\w+")]
    private static partial Regex Filter();
}
