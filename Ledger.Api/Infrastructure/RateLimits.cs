using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Ledger.Api.Infrastructure;

public sealed class RateLimitOptions
{
    /// <summary>Requests a key may make per second, sustained.</summary>
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests a key may make at once after a quiet spell.</summary>
    public int Burst { get; set; } = 400;
}

/// <summary>
/// Per-key rate limiting with ASP.NET Core's limiter: a token bucket per API key (per client address for calls
/// without one), 429 problem <c>rate-limited</c> with Retry-After when it is empty. Partitioned by a hash of the key, so
/// the secret is not held as a dictionary key.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddLedgerRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Ledger:RateLimit").Get<RateLimitOptions>() ?? new RateLimitOptions();
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(Partition(http), _ => new TokenBucketRateLimiterOptions
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

    private static string Partition(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return "ip:" + http.Connection.RemoteIpAddress;
        return "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header)), 0, 12);
    }
}
