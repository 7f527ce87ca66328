using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// The real service on a real database of its own: a SQLite file in a temp folder, or a PostgreSQL database on the run's
/// cluster (<see cref="TestProvider"/>). One per fixture; <see cref="Restart"/> stops it and starts
/// a new one on the same file.
/// </summary>
public sealed class LedgerApp : IAsyncDisposable
{
    public const string AdminKey = "lk_test-admin-key-0123456789abcdef";

    private WebApplicationFactory<Program> _factory;

    private readonly bool _kestrel;

    /// <summary>Per-key requests a second; tests fire hundreds a second through one key, so the default is lifted.</summary>
    public int RateLimit { get; }

    /// <summary>Further configuration for this service (Ledger:PublicBaseUrl, …).</summary>
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <param name="kestrel">Serve on a real loopback port (for a browser) instead of the in-memory test server.</param>
    public LedgerApp(string? folder = null, bool kestrel = false, int rateLimit = 100_000, IReadOnlyDictionary<string, string>? settings = null)
    {
        RateLimit = rateLimit;
        _settings = settings ?? new Dictionary<string, string>();
        Folder = folder ?? Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Database = TestDatabase.For(Folder);
        _kestrel = kestrel;
        _factory = Create();
    }

    /// <summary>Where a browser reaches the service; only with kestrel: true.</summary>
    public Uri Address
    {
        get
        {
            var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    public string Folder { get; }

    /// <summary>The service's database, for the checks the API does not expose.</summary>
    public TestDatabase Database { get; }

    public IServiceProvider Services => _factory.Services;

    public string ConnectionString => Database.ConnectionString;

    private WebApplicationFactory<Program> Create()
    {
        var factory = Configure();
        if (_kestrel)
        {
            factory.UseKestrel(0);
            factory.StartServer();
        }
        return factory;
    }

    private WebApplicationFactory<Program> Configure() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Testing");
        foreach (var (key, value) in Database.Settings)
            b.UseSetting(key, value);
        b.UseSetting("Ledger:BootstrapAdminKey", AdminKey);
        b.UseSetting("Ledger:Expiry:Enabled", "false");
        b.UseSetting("Ledger:Idempotency:Purge", "false");
        b.UseSetting("Ledger:RateLimit:PermitsPerSecond", RateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        b.UseSetting("Ledger:RateLimit:Burst", RateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in _settings)
            b.UseSetting(key, value);
        b.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        // UseKestrel(0) alone leaves Kestrel on its default URL (port 5000), which a second test run on the machine holds.
        if (_kestrel)
            b.UseUrls("http://127.0.0.1:0");
    });

    /// <summary>The service's clock: real time unless a test sets it.</summary>
    public TestClock Clock { get; } = new();

    /// <summary>
    /// A client as WebApplicationFactory makes one (following redirects, keeping cookies) whose every answer is held to
    /// the OpenAPI document (<see cref="OpenApiConformance"/>).
    /// </summary>
    public HttpClient Client(string? key = null, string? language = null)
    {
        var client = _factory.CreateDefaultClient(_kestrel ? Address : _factory.ClientOptions.BaseAddress,
            new RedirectHandler(), new CookieContainerHandler(), new OpenApiConformance());
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (language is not null)
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    public HttpClient Admin() => Client(AdminKey);

    /// <summary>Stops the service (the writer drains, connections close) so a test can touch the file behind its back.</summary>
    public async Task Stop()
    {
        await _factory.DisposeAsync();
        TestDatabase.ReleaseAll();
    }

    public async Task Restart()
    {
        await Stop();
        _factory = Create();
        _ = _factory.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        TestDatabase.ReleaseAll();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped on some platforms; the temp folder is cleaned by the OS eventually.
        }
    }
}

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string url, string body, string contentType = "application/json", string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, System.Text.Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static async Task<T> Read<T>(this HttpResponseMessage response)
    {
        var value = await response.Content.ReadFromJsonAsync<T>(Json.Options);
        return value ?? throw new InvalidOperationException("Empty body.");
    }
}

public static class Json
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);
}

/// <summary>Real time, or a time a test sets (to earn points in one year and see them lapse two years on).</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset? _now;

    public void Set(DateTimeOffset now) => _now = now;

    public void Reset() => _now = null;

    public override DateTimeOffset GetUtcNow() => _now?.ToUniversalTime() ?? base.GetUtcNow();
}
