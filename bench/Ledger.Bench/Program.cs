using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Bench;

// The benchmark: the real service (Release, its own process, a real SQLite file with the production settings) under
// C concurrent HTTP clients, next to the ceilings it is compared with, measured on the same disk in the same run.
//   dotnet run -c Release --project bench/Ledger.Bench -- [--duration 10] [--clients 64] [--volunteers 2000] [--only a,b]
// Scenarios for --only: record-and-approve, redemption, community, summary, ledger, ceilings, verify. --scale adds the 10M-posting database.
// A second mode serves the empty endpoint for ceiling (c): --serve-empty PORT.

if (args.Length == 2 && args[0] == "--serve-empty")
{
    await EmptyServer.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

var options = Options.Parse(args);
var repo = Paths.RepositoryRoot();
var work = Path.Combine(repo, "bench", "results", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
Directory.CreateDirectory(work);
Console.WriteLine($"Benchmark: C = {options.Clients}, {options.Duration.TotalSeconds:0} s per scenario, {Environment.ProcessorCount} cores, work folder {Path.GetRelativePath(repo, work)}");

var report = new Report();
await using (var service = await ServiceProcess.Start(repo, work, "bench.db"))
{
    var seed = await Seeder.Seed(service.Client, options.Volunteers);
    var load = new LoadRunner(options.Clients, options.Duration);
    // The JIT settles (tiered compilation, PGO) on every path before anything is measured, so no scenario pays for
    // running first.
    Console.WriteLine("Warming up every scenario…");
    foreach (var scenario in new[] { Scenarios.RecordAndApprove(seed), Scenarios.Redeem(seed), Scenarios.Summary(seed), Scenarios.LedgerPage(seed) })
        await load.Warm(service.BaseAddress, scenario, TimeSpan.FromSeconds(3));

    if (options.Wants("record-and-approve"))
        report.Add("record-and-approve", await load.Run(service.BaseAddress, Scenarios.RecordAndApprove(seed), service.Pid), "a", "a-bare");
    if (options.Wants("redemption"))
        report.Add("redemption", await load.Run(service.BaseAddress, Scenarios.Redeem(seed), service.Pid), "a", "a-bare");
    if (options.Wants("community"))
        report.Add("community (one row)", await load.Run(service.BaseAddress, new Scenario(seed.StaffKey, _ => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/communities/{seed.CommunityId}")), service.Pid), "c");
    if (options.Wants("summary"))
        report.Add("volunteer summary", await load.Run(service.BaseAddress, Scenarios.Summary(seed), service.Pid), "c");
    if (options.Wants("ledger"))
        report.Add("volunteer ledger, first page", await load.Run(service.BaseAddress, Scenarios.LedgerPage(seed), service.Pid), "c");
    report.PeakRssMb = service.PeakRssMb();

    if (options.Wants("ceilings"))
    {
        report.Ceiling("a", "raw SQLite, the service's schema, one transaction per record-and-approve",
            RawSqlite.RunOnServiceSchema(Path.Combine(work, "raw-a.db"), repo, batch: 1, options.Duration));
        report.Ceiling("b", "raw SQLite, the service's schema, 100 record-and-approves per transaction",
            RawSqlite.RunOnServiceSchema(Path.Combine(work, "raw-b.db"), repo, batch: 100, options.Duration));
        report.Ceiling("a-bare", "raw SQLite, bare tables (fewer indexes, no foreign keys), one transaction per record-and-approve",
            RawSqlite.Run(Path.Combine(work, "raw-a-bare.db"), batch: 1, options.Duration));
        await using var empty = await EmptyServer.StartProcess();
        var emptyResult = await load.Run(empty.BaseAddress, Scenarios.Empty(), empty.Pid);
        report.Ceiling("c", "empty minimal-API endpoint on Kestrel", emptyResult.RequestsPerSecond, emptyResult.ServerCpuMicros);
    }

    if (options.Wants("verify"))
        report.Notes.Add(await ChainAndExport.Verify(service, work));
}

if (options.Scale)
{
    var (scaleSeed, note) = await Scale.Build(repo, work);
    report.Notes.Add(note);
    await using var big = await ServiceProcess.Start(repo, work, "scale.db");
    var load = new LoadRunner(options.Clients, options.Duration);
    await load.Warm(big.BaseAddress, Scenarios.Summary(scaleSeed), TimeSpan.FromSeconds(3));
    await load.Warm(big.BaseAddress, Scenarios.LedgerPage(scaleSeed), TimeSpan.FromSeconds(3));
    report.Add("volunteer summary, 10M postings", await load.Run(big.BaseAddress, Scenarios.Summary(scaleSeed), big.Pid), "c");
    report.Add("volunteer ledger page, 10M postings", await load.Run(big.BaseAddress, Scenarios.LedgerPage(scaleSeed), big.Pid), "c");
}

Console.WriteLine();
Console.WriteLine(report.Render());
await File.WriteAllTextAsync(Path.Combine(work, "report.md"), report.Render());
return 0;
