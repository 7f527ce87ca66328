using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Ledger.Core.Audit;

namespace Ledger.Api.Demo;

/// <summary>
/// <c>dotnet run --project Ledger.Api -- --seed-demo</c>: once the service listens, a demo community of 桃浦镇 is made
/// through the service's own API — volunteers of both echelons, a year of approved hours, a campaign, rewards and some
/// redemptions — and the keys it made are printed, so a first run shows a living system.
/// </summary>
public static class DemoData
{
    public const string Flag = "--seed-demo";

    /// <summary>Adds the demo to a database that already holds communities.</summary>
    public const string ForceFlag = "--force";

    private static readonly string[] Names =
    [
        "王秀英", "李建国", "张桂兰", "刘志强", "陈美华", "杨国庆", "赵淑芬", "黄卫东", "周丽娟", "吴德明", "徐红梅", "孙海涛",
        "胡玉珍", "朱晓明", "高秀兰", "林志伟", "何桂芳", "郭建华", "马丽萍", "罗文斌", "梁秀珍", "宋立新", "郑春燕", "谢永刚",
    ];

    private static readonly string[] Categories = ["elderly-care", "patrol", "environment", "culture", "anti-fraud"];

    /// <summary>
    /// What the command line asks of the demo, and the arguments left for the host. Our flags are taken out before the
    /// host reads the command line: it reads "--seed-demo --urls X" as seed-demo = "--urls" and drops X.
    /// </summary>
    public sealed record Request(bool Force)
    {
        public static (Request? Demo, string[] HostArgs) Parse(string[] args) =>
            args.Contains(Flag)
                ? (new Request(args.Contains(ForceFlag)), args.Where(a => a is not (Flag or ForceFlag)).ToArray())
                : (null, args);
    }

    /// <summary>
    /// Starts the service, refuses a database that already holds communities (unless forced), seeds the demo through
    /// the API, prints the keys and keeps serving until stopped. Returns the process exit code.
    /// </summary>
    public static async Task<int> Run(WebApplication app, Request request)
    {
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex)
        {
            // Most often the port is taken (another instance of the service); the framework would end in a stack trace.
            Console.Error.WriteLine($"{Flag}: the service could not start listening: {ex.Message} Choose a free address with --urls.");
            return 1;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
            .Replace("+", "127.0.0.1", StringComparison.Ordinal).Replace("*", "127.0.0.1", StringComparison.Ordinal);

        var existing = ExistingCommunities(app.Services.GetRequiredService<Database>());
        if (existing.Count > 0 && !request.Force)
        {
            Console.Error.WriteLine($"""

                {Flag}: this database already holds {existing.Count} communit{(existing.Count == 1 ? "y" : "ies")} ({string.Join("、", existing.Take(3))}{(existing.Count > 3 ? "…" : "")}).
                The demo is meant for an empty database, so nothing was added. Point ConnectionStrings__Ledger at a new
                file for the demo, or run again with {Flag} {ForceFlag} to add a demo community to this database anyway.

                """);
            await app.StopAsync();
            return 2;
        }

        Demo demo;
        try
        {
            demo = await Seed(app.Services, address);
        }
        catch (Exception ex)
        {
            app.Logger.LogError(ex, "Seeding the demo community failed");
            await app.StopAsync();
            return 1;
        }
        Console.WriteLine($"""

            ==== Demo community ready: {demo.Records} approved records, {demo.Volunteers} volunteers, {demo.Rewards} rewards ====
            Counter page:  {address}/counter/   (paste the staff key)
            Swagger:       {address}/swagger
            staff key:     {demo.StaffKey}
            client key:    {demo.ClientKey}
            auditor key:   {demo.AuditorKey}
            admin key:     {demo.AdminKey}
            Try a member code at the counter: {demo.SampleCode} ({demo.SampleName})
            Keys are shown only now: copy them. The keys stay valid after a restart; the demo is in this database.
            The service keeps serving at {address} — press Ctrl+C to stop it.

            """);
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static List<string> ExistingCommunities(Database database)
    {
        using var connection = database.OpenRead();
        return connection.Query<string>("SELECT name FROM communities ORDER BY id LIMIT 4").ToList();
    }

    public sealed record Demo(long CommunityId, int Records, int Volunteers, int Rewards, string StaffKey, string ClientKey, string AuditorKey,
        string AdminKey, string SampleCode, string SampleName);

    /// <summary>Builds the demo through the API of the service listening at <paramref name="address"/>.</summary>
    public static async Task<Demo> Seed(IServiceProvider services, string address)
    {
        var adminKey = await DemoAdminKey(services.GetRequiredService<Writer>());
        // The demo is one key making a few thousand calls, more than the per-key rate limit allows at once: it waits as
        // Retry-After says, like any well-behaved client.
        using var http = new HttpClient(new RespectRetryAfter { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);

        var community = (await Post(http, "/api/v1/communities", new { name = "桃浦新村第三居民区（演示）", street = "桃浦镇", district = "普陀区" })).GetProperty("id").GetInt64();
        // A year of history needs a longer backdate than the 90-day default; expiry shows points lapsing at year end.
        await Send(http, HttpMethod.Put, $"/api/v1/communities/{community}/rules",
            new { maxBackdateDays = 400, expiry = "endOfFollowingYear", effectiveFrom = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        var staff = (await Post(http, "/api/v1/api-keys", new { name = "演示柜台", role = "staff", communityId = community })).GetProperty("key").GetString();
        var client = (await Post(http, "/api/v1/api-keys", new { name = "演示小程序", role = "client", communityId = community })).GetProperty("key").GetString();
        var auditor = (await Post(http, "/api/v1/api-keys", new { name = "演示审计", role = "auditor" })).GetProperty("key").GetString();

        var random = new Random(2026);
        var volunteers = new List<(long Id, string Code, string Name)>();
        for (var i = 0; i < Names.Length; i++)
        {
            var v = await Post(http, "/api/v1/volunteers", new
            {
                communityId = community, name = Names[i], phone = $"139{random.Next(10_000_000, 99_999_999)}",
                grid = $"第{i % 4 + 1}网格", buildingGroup = $"{random.Next(1, 60)}号楼", skills = new[] { "理发", "测血压", "修家电", "书法" }[..(i % 3 + 1)],
                echelon = i < 8 ? "first" : i < 20 ? "second" : "reserve",
            });
            volunteers.Add((v.GetProperty("id").GetInt64(), v.GetProperty("memberCode").GetString()!, Names[i]));
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        var records = 0;
        foreach (var (v, index) in volunteers.Select((v, i) => (v, i)))
        {
            var keen = index < 12 ? 5 : index < 20 ? 3 : 1;
            for (var daysBack = 360; daysBack >= 2; daysBack -= random.Next(6, 15) * (6 - keen) / 2 + 3)
            {
                var day = today.Date.AddDays(-daysBack);
                var start = new DateTimeOffset(day.AddHours(random.Next(8, 15)), today.Offset);
                var response = await http.PostAsJsonAsync("/api/v1/service-records", new
                {
                    volunteerId = v.Id, category = Categories[random.Next(Categories.Length)], startedAt = start,
                    endedAt = start.AddMinutes(random.Next(2, 9) * 30), approve = true, score = random.Next(3, 6),
                });
                if (response.IsSuccessStatusCode)
                    records++;
            }
        }

        var campaignStart = new DateTimeOffset(today.Date.AddDays(-20).AddHours(9), today.Offset);
        var campaign = (await Post(http, "/api/v1/activities", new
        {
            communityId = community, title = "反诈宣传进楼组", category = "anti-fraud", startsAt = campaignStart, endsAt = campaignStart.AddHours(2), location = "桃浦新村广场",
        })).GetProperty("id").GetInt64();
        await Post(http, $"/api/v1/activities/{campaign}/attendance",
            new { entries = volunteers.Take(16).Select(v => new { memberCode = v.Code, score = 5 }).ToArray() });

        var rewards = new List<long>();
        foreach (var (name, cost, stock) in new[] { ("大米 5kg", 120, 20), ("食用油 1.8L", 80, 30), ("洗衣液", 60, 40), ("毛巾", 20, 100), ("牙膏", 15, 100), ("理发券", 30, 50) })
            rewards.Add((await Post(http, "/api/v1/rewards", new { communityId = community, name, pointsCost = cost, stock })).GetProperty("id").GetInt64());
        foreach (var v in volunteers.Take(10))
            await http.PostAsJsonAsync("/api/v1/redemptions", new { volunteerId = v.Id, rewardId = rewards[random.Next(rewards.Count)], quantity = 1 });

        return new Demo(community, records, volunteers.Count, rewards.Count, staff!, client!, auditor!, adminKey, volunteers[0].Code, volunteers[0].Name);
    }

    /// <summary>An admin key of the demo's own, written through the writer like any key; its secret is printed once.</summary>
    private static async Task<string> DemoAdminKey(Writer writer)
    {
        var key = ApiKeySecrets.Generate();
        await writer.Run<long>(Caller.System("seed-demo"), w => ApiKeys.ApiKeysApi.Issue(w, "demo admin", Roles.Admin, null, key, AuditAction.ApiKeyCreated).Id);
        return key;
    }

    private static Task<JsonElement> Post(HttpClient http, string url, object body) => Send(http, HttpMethod.Post, url, body);

    private static async Task<JsonElement> Send(HttpClient http, HttpMethod method, string url, object body)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed class RespectRetryAfter : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var contentType = request.Content?.Headers.ContentType;
            for (var attempt = 0; ; attempt++)
            {
                var response = await base.SendAsync(request, cancellationToken);
                if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt == 20)
                    return response;
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                response.Dispose();
                await Task.Delay(wait, cancellationToken);
                var retry = new HttpRequestMessage(request.Method, request.RequestUri);
                foreach (var header in request.Headers)
                    retry.Headers.TryAddWithoutValidation(header.Key, header.Value);
                if (body is not null)
                {
                    retry.Content = new ByteArrayContent(body);
                    retry.Content.Headers.ContentType = contentType;
                }
                request = retry;
            }
        }
    }
}
