using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ledger.Tests.Api;
using Npgsql;

namespace Ledger.Tests.Builders;

/// <summary>
/// What an operator runs, run by a test: deploy/up into a temp folder on free loopback ports (etcd, two PostgreSQL
/// nodes under Patroni, haproxy, three service nodes running the service this test run built), and deploy/down
/// --purge at the end. Skipped with a message where patroni, etcd, haproxy or PostgreSQL is missing; required under CI,
/// whose .ci/run installs them. It knows deploy/'s folder layout: pgN/patroni.pid, pgN/data/postmaster.pid, secrets/.
/// </summary>
public sealed class HaDeployment
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    private readonly string _repo;
    private readonly Dictionary<string, string> _environment;
    private readonly int _databasePort;

    private HaDeployment(string repo)
    {
        _repo = repo;
        Folder = Path.Combine(Path.GetTempPath(), $"ledger-ha-{Guid.NewGuid():N}");
        var ports = FreePorts(12);
        PatroniPorts = [ports[4], ports[5]];
        _databasePort = ports[6];
        Service = new Uri($"http://127.0.0.1:{ports[7]}");
        Nodes = [.. ports[8..11].Select(p => new Uri($"http://127.0.0.1:{p}"))];
        _environment = new Dictionary<string, string>
        {
            ["LEDGER_HA_DIR"] = Folder,
            ["LEDGER_HA_ETCD_PORT"] = Text(ports[0]),
            ["LEDGER_HA_ETCD_PEER_PORT"] = Text(ports[1]),
            ["LEDGER_HA_PG1_PORT"] = Text(ports[2]),
            ["LEDGER_HA_PG2_PORT"] = Text(ports[3]),
            ["LEDGER_HA_PATRONI1_PORT"] = Text(ports[4]),
            ["LEDGER_HA_PATRONI2_PORT"] = Text(ports[5]),
            ["LEDGER_HA_DB_PORT"] = Text(ports[6]),
            ["LEDGER_HA_SERVICE_PORT"] = Text(ports[7]),
            ["LEDGER_HA_STATS_PORT"] = Text(ports[11]),
            ["LEDGER_HA_NODE_PORTS"] = string.Join(' ', ports[8..11].Select(Text)),
            ["LEDGER_HA_API_DLL"] = Path.Combine(AppContext.BaseDirectory, "Ledger.Api.dll"),
            ["LEDGER_HA_ADMIN_KEY"] = LedgerApp.AdminKey,
            ["Ledger__Expiry__Enabled"] = "false",
            ["Ledger__RateLimit__PermitsPerSecond"] = "100000",
            ["Ledger__RateLimit__Burst"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    /// <summary>The state folder deploy/up fills: data, logs, pids, secrets.</summary>
    public string Folder { get; }

    /// <summary>haproxy's service port, in front of the nodes.</summary>
    public Uri Service { get; }

    public IReadOnlyList<Uri> Nodes { get; }

    /// <summary>The REST API ports of Patroni on pg1 and pg2.</summary>
    public IReadOnlyList<int> PatroniPorts { get; }

    public static IReadOnlyList<string> DatabaseNodes { get; } = ["pg1", "pg2"];

    /// <summary>The ledger database through haproxy's write port, as the service nodes reach it.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _databasePort,
        Database = "ledger",
        Username = "ledger",
        Password = File.ReadAllText(Path.Combine(Folder, "secrets", "ledger-password")),
        Pooling = false,
    }.ConnectionString;

    /// <summary>A deployment to bring up; fails under CI, skips elsewhere, when the tools it needs are missing.</summary>
    public static HaDeployment Require(string test)
    {
        var missing = new List<string>();
        if (FindTool("patroni") is null)
            missing.Add("patroni");
        if (FindTool("etcd") is null)
            missing.Add("etcd-server");
        if (FindTool("haproxy") is null)
            missing.Add("haproxy");
        if (!File.Exists(Path.Combine(PgBin, "postgres")))
            missing.Add("postgresql-15");
        var repo = FindRepo();
        if (repo is null)
            Assert.Fail($"The {test} runs deploy/up, which was not found above {AppContext.BaseDirectory}.");
        if (missing.Count == 0)
            return new HaDeployment(repo!);
        var packages = string.Join(", ", missing);
        if (Environment.GetEnvironmentVariable("CI") is not null)
            Assert.Fail($"CI must run the {test}, but these are missing: {packages} (.ci/run installs them).");
        Assert.Ignore($"The {test} needs Debian's {packages}: install them to run it.");
        return null!;
    }

    /// <summary>deploy/up: starts what is not running and waits until all of it is ready; fails the test with its output otherwise.</summary>
    public Task<string> Up() => Run("up", TimeSpan.FromMinutes(3));

    /// <summary>deploy/down --purge: stops everything and removes the folder.</summary>
    public Task<string> Down() => Run("down", TimeSpan.FromMinutes(2), "--purge");

    /// <summary>The database node Patroni's REST API calls the primary, or null while there is none.</summary>
    public async Task<string?> Primary()
    {
        for (var i = 0; i < DatabaseNodes.Count; i++)
        {
            if (await Answers(PatroniPorts[i], "/primary"))
                return DatabaseNodes[i];
        }
        return null;
    }

    public Task<bool> IsPrimary(string node) => Answers(PatroniPorts[Index(node)], "/primary");

    public Task<bool> IsSynchronousStandby(string node) => Answers(PatroniPorts[Index(node)], "/sync");

    /// <summary>
    /// The node dies as in a power cut: SIGKILL to its Patroni and to its postgres with every backend (the
    /// postmaster's process group), so nothing shuts down cleanly and nobody gives the leader key back.
    /// </summary>
    public async Task Kill(string node)
    {
        var folder = Path.Combine(Folder, node);
        var patroni = int.Parse(File.ReadAllLines(Path.Combine(folder, "patroni.pid"))[0], CultureInfo.InvariantCulture);
        var postmaster = int.Parse(File.ReadAllLines(Path.Combine(folder, "data", "postmaster.pid"))[0], CultureInfo.InvariantCulture);
        // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so count from its closing parenthesis.
        var stat = await File.ReadAllTextAsync($"/proc/{postmaster}/stat");
        var group = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2];
        using var kill = Process.Start("kill", ["-KILL", Text(patroni), "--", $"-{group}"])!;
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -KILL {patroni} -{group} failed");
    }

    /// <summary>The last lines of one of deploy's logs (etcd, pg1, pg2, haproxy, node1…), for a failure's message.</summary>
    public string LogTail(string name, int lines = 40)
    {
        var file = Path.Combine(Folder, "log", $"{name}.log");
        return File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : $"({name}.log not found)";
    }

    private async Task<string> Run(string script, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(_repo, "deploy", script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _repo,
        };
        foreach (var (name, value) in _environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"deploy/{script} did not finish in {timeout.TotalSeconds} s:\n{output}");
        }
        if (process.ExitCode != 0)
            Assert.Fail($"deploy/{script} failed ({process.ExitCode}):\n{output}");
        lock (output)
            return output.ToString();
    }

    private static async Task<bool> Answers(int port, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int Index(string node) => DatabaseNodes.ToList().IndexOf(node) is var i and >= 0 ? i : throw new ArgumentException(node);

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string? FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "deploy", "up")))
                return dir.FullName;
        }
        return null;
    }

    private static string? FindTool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Distinct free loopback ports, all held open until every one is chosen so none is handed out twice.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
