using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ledger.Bench;

/// <param name="ServerCpuMicros">CPU the serving processes spent per request (all their threads, user and kernel): steadier
/// than requests/s on a shared machine, since the load client's own share does not enter it.</param>
/// <param name="Database">What the database server did in the measured window, where it is a server of its own (PostgreSQL).</param>
public sealed record LoadResult(double RequestsPerSecond, double P50, double P95, double P99, long Errors, long Requests, double ServerCpuMicros = double.NaN,
    DatabaseCounters? Database = null, double Seconds = double.NaN);

/// <summary>What one scenario sends: a request per sequence number, with the key it is sent with.</summary>
public sealed record Scenario(string? Key, Func<long, HttpRequestMessage> Make);

/// <summary>
/// What a load is sent to: the nodes (each request to the next, round-robin), the processes whose CPU is the service's,
/// and the database server's counters where it has its own process.
/// </summary>
public sealed record Target(IReadOnlyList<Uri> Nodes, IReadOnlyList<int> Pids, Func<DatabaseCounters>? Database = null)
{
    public Target(Uri node, int pid) : this([node], [pid])
    {
    }

    public TimeSpan CpuTime() => Pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + Paths.CpuTime(pid));
}

/// <summary>C workers, each sending one request after another for a fixed time, each request timed.</summary>
public sealed class LoadRunner(int clients, TimeSpan duration)
{
    private long _sequence;
    private long _node;

    public async Task Warm(Target target, Scenario scenario, TimeSpan length)
    {
        using var http = ServiceProcess.NewClient(target.Nodes[0], scenario.Key, clients * 2);
        await Drive(http, target, scenario, length);
    }

    public Task<LoadResult> Run(Uri baseAddress, Scenario scenario, int serverPid) => Run(new Target(baseAddress, serverPid), scenario);

    public async Task<LoadResult> Run(Target target, Scenario scenario)
    {
        using var http = ServiceProcess.NewClient(target.Nodes[0], scenario.Key, clients * 2);
        await Drive(http, target, scenario, TimeSpan.FromSeconds(2));
        var cpuBefore = target.CpuTime();
        var databaseBefore = target.Database?.Invoke();
        var result = await Drive(http, target, scenario, duration);
        var cpu = target.CpuTime() - cpuBefore;
        return result with
        {
            ServerCpuMicros = cpu.TotalMicroseconds / Math.Max(1, result.Requests),
            Database = databaseBefore is null ? null : target.Database!() - databaseBefore,
        };
    }

    private async Task<LoadResult> Drive(HttpClient http, Target target, Scenario scenario, TimeSpan length)
    {
        var latencies = new List<double>[clients];
        var errors = 0L;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            while (clock.Elapsed < length)
            {
                using var request = scenario.Make(Interlocked.Increment(ref _sequence));
                if (target.Nodes.Count > 1)
                    request.RequestUri = new Uri(target.Nodes[(int)(Interlocked.Increment(ref _node) % target.Nodes.Count)], request.RequestUri!);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    await response.Content.LoadIntoBufferAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        if (Interlocked.Increment(ref errors) <= 3)
                            Console.WriteLine($"    error {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
        return new LoadResult(all.Length / elapsed, Percentile(0.50), Percentile(0.95), Percentile(0.99), errors, all.Length, Seconds: elapsed);
    }
}

public sealed record Seed(long CommunityId, string StaffKey, long[] Volunteers, long RewardId, DateTimeOffset BaseDay);

public static class Seeder
{
    public static async Task<Seed> Seed(HttpClient admin, int volunteers)
    {
        Console.WriteLine($"Seeding a community with {volunteers} volunteers through the API…");
        var community = await Post(admin, "/api/v1/communities", new { name = "压测社区", street = "桃浦镇", district = "普陀区" });
        var staffKey = (await Post(admin, "/api/v1/api-keys", new { name = "bench staff", role = "staff", communityId = community.GetProperty("id").GetInt64() }))
            .GetProperty("key").GetString()!;
        var communityId = community.GetProperty("id").GetInt64();
        var ids = new long[volunteers];
        await Parallel.ForEachAsync(Enumerable.Range(0, volunteers), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var v = await Post(admin, "/api/v1/volunteers", new { communityId, name = $"志愿者{i:D5}", phone = $"139{i:D8}", echelon = "first", grid = $"第{i % 10 + 1}网格" });
            ids[i] = v.GetProperty("id").GetInt64();
            await Post(admin, $"/api/v1/volunteers/{ids[i]}/adjustments", new { amount = 1_000_000, reason = "压测初始积分" });
        });
        var reward = await Post(admin, "/api/v1/rewards", new { communityId, name = "纸巾", pointsCost = 1, stock = 1_000_000 });
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        return new Seed(communityId, staffKey, ids, reward.GetProperty("id").GetInt64(),
            new DateTimeOffset(today.Year, today.Month, today.Day, 0, 0, 0, today.Offset).AddDays(-1));
    }

    private static async Task<JsonElement> Post(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

public static class Scenarios
{
    private static HttpRequestMessage Json(string url, object body) =>
        new(HttpMethod.Post, url) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };

    /// <summary>Half-hour records, each in a slot no other request uses: volunteer i mod N, then the next slot of that volunteer's days.</summary>
    public static Scenario RecordAndApprove(Seed seed) => new(seed.StaffKey, i =>
    {
        var n = seed.Volunteers.Length;
        var slot = i / n;
        var start = seed.BaseDay.AddDays(-(slot / 16)).AddMinutes(slot % 16 * 30);
        return Json("/api/v1/service-records", new
        {
            volunteerId = seed.Volunteers[i % n], category = "patrol", startedAt = start, endedAt = start.AddMinutes(30), approve = true, score = 5,
        });
    });

    public static Scenario Redeem(Seed seed) => new(seed.StaffKey, i =>
        Json("/api/v1/redemptions", new { volunteerId = seed.Volunteers[i % seed.Volunteers.Length], rewardId = seed.RewardId, quantity = 1 }));

    /// <summary>A point from each volunteer to the next in turn: every gift debits one account and credits another.</summary>
    public static Scenario Gift(Seed seed) => new(seed.StaffKey, i =>
    {
        var n = seed.Volunteers.Length;
        return Json($"/api/v1/volunteers/{seed.Volunteers[i % n]}/transfers", new { toVolunteerId = seed.Volunteers[(i + 1) % n], amount = 1 });
    });

    public static Scenario Summary(Seed seed) => new(seed.StaffKey, i =>
        new HttpRequestMessage(HttpMethod.Get, $"/api/v1/volunteers/{seed.Volunteers[i % seed.Volunteers.Length]}/summary"));

    public static Scenario LedgerPage(Seed seed) => new(seed.StaffKey, i =>
        new HttpRequestMessage(HttpMethod.Get, $"/api/v1/volunteers/{seed.Volunteers[i % seed.Volunteers.Length]}/ledger?limit=50"));

    public static Scenario Empty() => new(null, _ => new HttpRequestMessage(HttpMethod.Get, "/"));
}
