using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ledger.Bench;

/// <param name="Nodes">Service processes on one database, the load spread over them round-robin (PostgreSQL only).</param>
/// <param name="Diagnose">PostgreSQL: pg_stat_statements on, its top statements written per scenario (slower: not for the figures).</param>
public sealed record Options(int Clients, TimeSpan Duration, int Volunteers, string? Only, bool Scale, string Provider, int Nodes, bool Diagnose)
{
    public bool Wants(string scenario) => Only is null || Only.Split(',').Contains(scenario);

    public bool Postgres => Provider == "postgresql";

    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var options = new Options(
            int.Parse(Value("--clients") ?? "64", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Value("--duration") ?? "10", CultureInfo.InvariantCulture)),
            int.Parse(Value("--volunteers") ?? "2000", CultureInfo.InvariantCulture),
            Value("--only"),
            args.Contains("--scale"),
            Value("--provider") ?? "sqlite",
            int.Parse(Value("--nodes") ?? "1", CultureInfo.InvariantCulture),
            args.Contains("--pg-diagnose"));
        if (options.Provider is not ("sqlite" or "postgresql"))
            throw new ArgumentException($"--provider {options.Provider}: sqlite or postgresql.");
        if (options.Nodes < 1 || (options.Nodes > 1 && !options.Postgres))
            throw new ArgumentException("--nodes: 1 or more, and more than 1 only with --provider postgresql (SQLite is one node's file).");
        if (options.Postgres && options.Scale)
            throw new ArgumentException("--scale builds its 10M-posting database with SQLite only.");
        if (options.Diagnose && !options.Postgres)
            throw new ArgumentException("--pg-diagnose needs --provider postgresql.");
        return options;
    }
}

public static class Paths
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// CPU a process has used so far, user and kernel, all threads (/proc/PID/stat), and with
    /// <paramref name="includeReapedChildren"/> that of the children it has waited for; Linux only.
    /// </summary>
    public static TimeSpan CpuTime(int pid, bool includeReapedChildren = false)
    {
        var fields = StatFields(pid);
        // utime and stime are the 14th and 15th fields, cutime and cstime the 16th and 17th.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (includeReapedChildren)
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    public static int ParentPid(int pid) => int.Parse(StatFields(pid)[1], CultureInfo.InvariantCulture);

    /// <summary>The fields of /proc/PID/stat from the 3rd on: the 2nd, the command name, is in parentheses and may hold spaces.</summary>
    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>USER_HZ, the unit of /proc times: 100 on every Linux the runtime supports.</summary>
    private const int ClockTicksPerSecond = 100;

    /// <summary>Peak resident set of a process (VmHWM), in MB; Linux only.</summary>
    public static double PeakRssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}

/// <summary>The service in a process of its own, built in Release, on a loopback port.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    public const string AdminKey = "lk_bench-admin-key-0123456789abcdef";

    private readonly Process _process;

    private ServiceProcess(Process process, Uri baseAddress, string databasePath)
    {
        _process = process;
        BaseAddress = baseAddress;
        DatabasePath = databasePath;
        Client = NewClient(baseAddress, AdminKey);
    }

    public Uri BaseAddress { get; }

    public string DatabasePath { get; }

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    public double PeakRssMb() => Paths.PeakRssMb(_process.Id);

    public static HttpClient NewClient(Uri baseAddress, string? key, int connections = 256)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static Task<ServiceProcess> Start(string repo, string work, string databaseName)
    {
        var db = Path.Combine(work, databaseName);
        return Start(repo, work, db, new Dictionary<string, string> { ["ConnectionStrings__Ledger"] = db });
    }

    /// <param name="database">The environment that names the database (provider, connection string).</param>
    public static async Task<ServiceProcess> Start(string repo, string work, string databasePath, IReadOnlyDictionary<string, string> database)
    {
        var api = Path.Combine(work, "api");
        if (!File.Exists(Path.Combine(api, "Ledger.Api.dll")))
        {
            Console.WriteLine("Building the service (Release)…");
            var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(repo, "Ledger.Api", "Ledger.Api.csproj"), "-c", "Release", "-o", api, "-nologo", "-v", "q"])
                { RedirectStandardOutput = true })!;
            await build.StandardOutput.ReadToEndAsync();
            await build.WaitForExitAsync();
            if (build.ExitCode != 0)
                throw new InvalidOperationException("The service did not build.");
        }
        var port = Paths.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(api, "Ledger.Api.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        foreach (var (name, value) in database)
            start.Environment[name] = value;
        start.Environment["Ledger__BootstrapAdminKey"] = AdminKey;
        start.Environment["Ledger__Expiry__Enabled"] = "false";
        // The benchmark is one key at thousands of requests a second: lift the per-key limit.
        start.Environment["Ledger__RateLimit__PermitsPerSecond"] = "1000000";
        start.Environment["Ledger__RateLimit__Burst"] = "1000000";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"), databasePath);
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await service.Client.GetAsync("/health")).IsSuccessStatusCode)
                    return service;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (process.HasExited)
                break;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("The service did not start:\n" + output);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

public sealed class Report
{
    private readonly List<(string Name, LoadResult Result, string[] Ceilings)> _scenarios = new();
    private readonly Dictionary<string, (string Name, double PerSecond, double ServerCpuMicros)> _ceilings = new();

    public double PeakRssMb { get; set; }

    public List<string> Notes { get; } = new();

    public void Add(string name, LoadResult result, params string[] ceilings)
    {
        _scenarios.Add((name, result, ceilings));
        Console.WriteLine($"  {name}: {result.RequestsPerSecond:0} req/s, p50 {result.P50:0.0} ms, p95 {result.P95:0.0} ms, p99 {result.P99:0.0} ms, errors {result.Errors}, service CPU {result.ServerCpuMicros:0} µs/req{DatabaseNote(result)}");
    }

    private static string DatabaseNote(LoadResult r) => r.Database is { } d
        ? string.Create(CultureInfo.InvariantCulture,
            $", database CPU {d.Cpu.TotalMicroseconds / Math.Max(1, r.Requests):0} µs/req, {d.WalSyncs / r.Seconds:0} WAL fsyncs/s, {d.Commits / r.Seconds:0} commits/s, {d.Deadlocks} deadlocks")
        : "";

    public void Ceiling(string id, string name, double perSecond, double serverCpuMicros = double.NaN)
    {
        _ceilings[id] = (name, perSecond, serverCpuMicros);
        Console.WriteLine($"  ceiling ({id}) {name}: {perSecond:0}/s{CpuNote(serverCpuMicros)}");
    }

    private static string CpuNote(double serverCpuMicros) =>
        double.IsNaN(serverCpuMicros) ? "" : string.Create(CultureInfo.InvariantCulture, $", server CPU {serverCpuMicros:0} µs/req");

    public string Render()
    {
        var s = new StringBuilder();
        // A database server of its own (PostgreSQL) adds what it spent to the table; the SQLite table stays as it was.
        var server = _scenarios.Any(x => x.Result.Database is not null);
        s.AppendLine(server
            ? "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | service CPU µs/req | database CPU µs/req | WAL fsyncs/s | deadlocks | ratio to ceiling |"
            : "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | service CPU µs/req | ratio to ceiling |");
        s.AppendLine(server ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|" : "|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (name, r, ceilings) in _scenarios)
        {
            var ratios = ceilings.Where(_ceilings.ContainsKey).Select(id => $"{r.RequestsPerSecond / _ceilings[id].PerSecond:0.00} × ({id})").ToList();
            var ratio = ratios.Count == 0 ? "—" : string.Join(", ", ratios);
            var database = r.Database is { } d
                ? string.Create(CultureInfo.InvariantCulture, $" {d.Cpu.TotalMicroseconds / Math.Max(1, r.Requests):0} | {d.WalSyncs / r.Seconds:0} | {d.Deadlocks} |")
                : server ? " — | — | — |" : "";
            s.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {r.RequestsPerSecond:0} | {r.P50:0.0} | {r.P95:0.0} | {r.P99:0.0} | {r.Errors} | {r.ServerCpuMicros:0} |{database} {ratio} |");
        }
        s.AppendLine();
        foreach (var (id, (name, perSecond, cpu)) in _ceilings.OrderBy(c => c.Key))
            s.AppendLine(CultureInfo.InvariantCulture, $"- ceiling ({id}) {name}: {perSecond:0}/s{CpuNote(cpu)}");
        if (!double.IsNaN(PeakRssMb) && PeakRssMb > 0)
            s.AppendLine(CultureInfo.InvariantCulture, $"- peak RSS of the service: {PeakRssMb:0} MB");
        foreach (var note in Notes)
            s.AppendLine($"- {note}");
        return s.ToString();
    }
}
