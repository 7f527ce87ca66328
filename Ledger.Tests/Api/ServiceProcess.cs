using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>The built service in a process of its own, so a test can kill it (SIGKILL) or stop it (SIGTERM) like an operator.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _database;
    private readonly string _workingDirectory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <param name="databasePath">A SQLite file; its folder is the service's working directory.</param>
    public ServiceProcess(string databasePath)
        : this(new Dictionary<string, string> { ["ConnectionStrings:Ledger"] = databasePath }, Path.GetDirectoryName(databasePath)!)
    {
    }

    /// <param name="database">The service's database, on the suite's provider.</param>
    /// <param name="workingDirectory">Where the service runs (its relative paths, a demo's files).</param>
    public ServiceProcess(TestDatabase database, string workingDirectory) : this(database.Settings, workingDirectory)
    {
    }

    private ServiceProcess(IReadOnlyDictionary<string, string> database, string workingDirectory)
    {
        _database = database;
        _workingDirectory = workingDirectory;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    public Uri Address { get; }

    public int ExitCode => _process!.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public async Task Start(IReadOnlyDictionary<string, string>? environment = null)
    {
        Launch(["--urls", Address.ToString().TrimEnd('/')], environment);
        await WaitUntilHealthy();
    }

    /// <summary>Starts the built service with these command-line arguments, without waiting for it.</summary>
    public void Launch(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Ledger.Api.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _workingDirectory,
        };
        foreach (var (key, value) in _database)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["Ledger__BootstrapAdminKey"] = LedgerApp.AdminKey;
        start.Environment["Ledger__Expiry__Enabled"] = "false";
        start.Environment["Ledger__RateLimit__PermitsPerSecond"] = "100000";
        start.Environment["Ledger__RateLimit__Burst"] = "100000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until the output holds <paramref name="text"/>; fails with the output if the process ends first.</summary>
    public async Task WaitForOutput(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process!.HasExited || DateTime.UtcNow > until)
                throw new InvalidOperationException($"The service did not print \"{text}\":\n" + Output);
            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExit(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    private async Task WaitUntilHealthy()
    {
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await probe.GetAsync("/health")).IsSuccessStatusCode)
                    return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (_process!.HasExited)
                break;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("The service did not start:\n" + Output);
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient(new OpenApiConformance(new HttpClientHandler())) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a power cut to the process.</summary>
    public async Task Kill()
    {
        _process!.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or docker stop sends it; waits for the process to exit.</summary>
    public async Task Terminate()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}
