using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Bench;

// The benchmark: the real service (Release, its own process, a real SQLite file with the production settings) under
// C concurrent HTTP clients, next to the ceilings it is compared with, measured on the same disk in the same run.
//   dotnet run -c Release --project bench/Ledger.Bench -- [--duration 10] [--clients 64] [--volunteers 2000] [--only a,b]
//       [--provider sqlite|postgresql] [--nodes N] [--pg-diagnose]
// Scenarios for --only: record-and-approve, redemption, gift, community, summary, ledger, ceilings, verify. --scale adds the 10M-posting database.
// --provider postgresql starts a throw-away PostgreSQL 15 cluster in the run's folder (fsync and synchronous_commit on),
// N service processes on one database, and sends each request to the next node in turn.
// A second mode serves the empty endpoint for ceiling (c): --serve-empty PORT.

if (args.Length == 2 && args[0] == "--serve-empty")
{
    await EmptyServer.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
var repo = Paths.RepositoryRoot();
var work = Path.Combine(repo, "bench", "results", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
Directory.CreateDirectory(work);
var provider = options.Postgres ? $"PostgreSQL 15, {options.Nodes} node{(options.Nodes == 1 ? "" : "s")}" : "SQLite";
Console.WriteLine($"Benchmark: {provider}, C = {options.Clients}, {options.Duration.TotalSeconds:0} s per scenario, {Environment.ProcessorCount} cores, work folder {Path.GetRelativePath(repo, work)}");

var report = new Report();
// Every node's pool (Npgsql's default of 100), its writer and leader connections, the ceiling's C, and spare.
await using (var postgres = options.Postgres ? PostgresServer.Start(work, options.Nodes * 110 + options.Clients + 50, options.Diagnose) : null)
{
    var nodes = new List<ServiceProcess>();
    try
    {
        if (postgres is null)
            nodes.Add(await ServiceProcess.Start(repo, work, "bench.db"));
        else
        {
            var database = new Dictionary<string, string>
            {
                ["Ledger__Database__Provider"] = "postgresql",
                ["ConnectionStrings__Ledger"] = postgres.CreateDatabase("ledger"),
            };
            // The first node builds the service and applies the migrations; the others find them applied.
            nodes.Add(await ServiceProcess.Start(repo, work, "", database));
            nodes.AddRange(await Task.WhenAll(Enumerable.Range(1, options.Nodes - 1).Select(_ => ServiceProcess.Start(repo, work, "", database))));
        }
        await Measure(nodes, postgres);
    }
    finally
    {
        foreach (var node in nodes)
            await node.DisposeAsync();
    }
}

async Task Measure(IReadOnlyList<ServiceProcess> nodes, PostgresServer? postgres)
{
    var service = nodes[0];
    var target = new Target(nodes.Select(n => n.BaseAddress).ToList(), nodes.Select(n => n.Pid).ToList(),
        postgres is null ? null : () => postgres.Counters("ledger"));
    var seed = await Seeder.Seed(service.Client, options.Volunteers);
    var load = new LoadRunner(options.Clients, options.Duration);
    // The JIT settles (tiered compilation, PGO) on every path before anything is measured, so no scenario pays for
    // running first.
    Console.WriteLine("Warming up every scenario…");
    foreach (var scenario in new[] { Scenarios.RecordAndApprove(seed), Scenarios.Redeem(seed), Scenarios.Gift(seed), Scenarios.Summary(seed), Scenarios.LedgerPage(seed) })
        await load.Warm(target, scenario, TimeSpan.FromSeconds(3));

    // Writes are compared with what the database commits by itself, reads with an empty endpoint.
    string[] writes = postgres is null ? ["a", "a-bare"] : ["pg", "pg-hot"];
    async Task Run(string only, string name, Scenario scenario, params string[] ceilings)
    {
        if (!options.Wants(only))
            return;
        if (!options.Diagnose)
        {
            report.Add(name, await load.Run(target, scenario), ceilings);
            return;
        }
        postgres!.ResetStatements("ledger");
        using var stop = new CancellationTokenSource();
        var waits = postgres.SampleWaits("ledger", stop.Token);
        var result = await load.Run(target, scenario);
        await stop.CancelAsync();
        report.Add(name, result, ceilings);
        var sampled = await waits;
        await File.WriteAllTextAsync(Path.Combine(work, $"diagnosis-{only}.md"), string.Create(CultureInfo.InvariantCulture,
            $"# {name}\n\n{result.Requests} requests measured (plus 2 s unmeasured before them).\n\n{postgres.TopStatements("ledger")}\n{sampled}"));
    }

    await Run("record-and-approve", "record-and-approve", Scenarios.RecordAndApprove(seed), writes);
    await Run("redemption", "redemption", Scenarios.Redeem(seed), writes);
    await Run("gift", "gift (transfer between volunteers)", Scenarios.Gift(seed), writes);
    await Run("community", "community (one row)", new Scenario(seed.StaffKey, _ => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/communities/{seed.CommunityId}")), "c");
    await Run("summary", "volunteer summary", Scenarios.Summary(seed), "c");
    await Run("ledger", "volunteer ledger, first page", Scenarios.LedgerPage(seed), "c");
    report.PeakRssMb = nodes.Max(n => n.PeakRssMb());

    if (options.Wants("ceilings"))
    {
        if (postgres is null)
        {
            report.Ceiling("a", "raw SQLite, the service's schema, one transaction per record-and-approve",
                RawSqlite.RunOnServiceSchema(Path.Combine(work, "raw-a.db"), repo, batch: 1, options.Duration));
            report.Ceiling("b", "raw SQLite, the service's schema, 100 record-and-approves per transaction",
                RawSqlite.RunOnServiceSchema(Path.Combine(work, "raw-b.db"), repo, batch: 100, options.Duration));
            report.Ceiling("a-bare", "raw SQLite, bare tables (fewer indexes, no foreign keys), one transaction per record-and-approve",
                RawSqlite.Run(Path.Combine(work, "raw-a-bare.db"), batch: 1, options.Duration));
        }
        else
        {
            var spread = await RawPostgres.Run(postgres, repo, "ceiling", options.Clients, options.Duration, sharedIssuance: false);
            report.Ceiling("pg", $"raw PostgreSQL, the service's schema, a record-and-approve's rows a transaction, {options.Clients} plain Npgsql connections, " +
                $"each for a community of its own (group commit, no shared row); {spread.Retries} deadlock/serialization retries", spread.CommitsPerSecond);
            var hot = await RawPostgres.Run(postgres, repo, "ceiling_hot", options.Clients, options.Duration, sharedIssuance: true);
            report.Ceiling("pg-hot", $"the same, all {options.Clients} connections posting for one community (its issuance account one row every " +
                $"transaction updates); {hot.Retries} deadlock/serialization retries", hot.CommitsPerSecond);
        }
        await using var empty = await EmptyServer.StartProcess();
        var emptyResult = await load.Run(empty.BaseAddress, Scenarios.Empty(), empty.Pid);
        report.Ceiling("c", "empty minimal-API endpoint on Kestrel", emptyResult.RequestsPerSecond, emptyResult.ServerCpuMicros);
    }

    if (postgres is not null)
    {
        // Units never retry: every batch takes the write lock before anything else, so no batch waits on a row another
        // holds (no deadlock), and nothing runs SERIALIZABLE (no serialization failure); the deadlocks column counts what
        // PostgreSQL itself detected.
        report.Notes.Add("deadlock/serialization retries of the service: 0 by construction (no retry path; each write batch takes one advisory lock first, " +
                         "READ COMMITTED); PostgreSQL's own deadlock count per scenario is in the table");
        if (options.Wants("verify"))
        {
            var clock = Stopwatch.StartNew();
            var verify = await service.Client.GetStringAsync("/api/v1/audit/verify");
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"audit verify after the run, through node 1 of {nodes.Count}: {verify} in {clock.Elapsed.TotalSeconds:0.00} s"));
        }
    }
    else if (options.Wants("verify"))
        report.Notes.Add(await ChainAndExport.Verify(service, work));
}

if (options.Scale)
{
    var (scaleSeed, note) = await Scale.Build(repo, work);
    report.Notes.Add(note);
    await using var big = await ServiceProcess.Start(repo, work, "scale.db");
    var load = new LoadRunner(options.Clients, options.Duration);
    await load.Warm(new Target(big.BaseAddress, big.Pid), Scenarios.Summary(scaleSeed), TimeSpan.FromSeconds(3));
    await load.Warm(new Target(big.BaseAddress, big.Pid), Scenarios.LedgerPage(scaleSeed), TimeSpan.FromSeconds(3));
    report.Add("volunteer summary, 10M postings", await load.Run(big.BaseAddress, Scenarios.Summary(scaleSeed), big.Pid), "c");
    report.Add("volunteer ledger page, 10M postings", await load.Run(big.BaseAddress, Scenarios.LedgerPage(scaleSeed), big.Pid), "c");
}

Console.WriteLine();
Console.WriteLine(report.Render());
await File.WriteAllTextAsync(Path.Combine(work, "report.md"), report.Render());
return 0;
