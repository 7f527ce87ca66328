using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

public sealed class RateLimitOptions
{
    /// <summary>Requests a key may make per second, sustained.</summary>
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests a key may make at once after a quiet spell.</summary>
    public int Burst { get; set; } = 400;
}

/// <summary>
/// Per-key rate limiting with ASP.NET Core's limiter: a token bucket per API key, 429 problem <c>rate-limited</c> with
/// Retry-After when it is empty. Only a key this node has recently authenticated (it is in <see cref="ApiKeyCache"/>)
/// has a bucket of its own, by its id; every other call — no key, a made-up or revoked key, a real key not looked up
/// in the last minute — draws on its client address's bucket. A bucket per Authorization header would let anyone
/// invent headers for fresh buckets (the anonymous certificate check counted on that limit). The limiter runs before
/// authentication, so a flood of made-up keys is refused before it costs a database look-up each.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddLedgerRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Ledger:RateLimit").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ApiKeyCache>((limiter, keys) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(Partition(http, keys), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.Burst),
                    TokensPerPeriod = Math.Max(1, options.PermitsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                await Problems.Write(context.HttpContext, new Failure(429, "rate-limited", "rate-limited", seconds),
                    r => r.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture));
            };
        });
        return services;
    }

    public const string Header = "RateLimit";

    /// <summary>
    /// Tells every caller how many requests its key may still make at once, in the RateLimit field of the IETF draft
    /// (draft-ietf-httpapi-ratelimit-headers): <c>"key";r=57;t=1</c> — r requests left, t seconds until the bucket next
    /// refills. Written as the answer starts, so it survives the problem writers' Response.Clear(); placed before the
    /// limiter, so a 429 carries it too.
    /// </summary>
    public static IApplicationBuilder UseRateLimitHeaders(this IApplicationBuilder app)
    {
        var limiter = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimiterOptions>>().Value.GlobalLimiter!;
        return app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var left = limiter.GetStatistics(http)?.CurrentAvailablePermits ?? 0;
                http.Response.Headers[Header] = $"\"key\";r={left.ToString(CultureInfo.InvariantCulture)};t=1";
                return Task.CompletedTask;
            });
            return next(http);
        });
    }

    private static string Partition(HttpContext http, ApiKeyCache keys) =>
        ApiKeySecrets.HashOf(http) is { } hash && keys.Find(hash) is { } key
            ? "key:" + key.Id.ToString(CultureInfo.InvariantCulture)
            : "ip:" + http.Connection.RemoteIpAddress;
}
