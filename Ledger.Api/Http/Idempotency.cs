using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Ledger.Api.Hosting;
using Ledger.Api.Storage;
using Ledger.Api.Storage.Sqlite;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>A POST's Idempotency-Key, checked by the middleware and carried to the writer in <see cref="Caller"/>.</summary>
public sealed record IdempotencyTicket(long KeyId, string Key, string RequestHash);

public sealed class StoredResponse
{
    public required string RequestHash { get; init; }
    public required long StatusCode { get; init; }
    public required string ResponseBody { get; init; }
}

/// <summary>Thrown by the writer when a twin request committed first; the middleware answers with the twin's response.</summary>
public sealed class IdempotentReplayException(StoredResponse stored) : Exception("Idempotent replay.")
{
    public StoredResponse Stored { get; } = stored;
}

/// <summary>
/// Idempotency-Key handling for every POST, in one place. The middleware answers known keys from the table without
/// running the endpoint; a new key travels with the request to the writer, which stores the first successful answer
/// in the same savepoint as the change — and re-checks the key there, because two copies of one request may race
/// past the middleware together. Failed attempts store nothing: they changed nothing, so a retry simply runs again.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 100;

    internal static StoredResponse? Find(System.Data.IDbConnection connection, IdempotencyTicket ticket) =>
        connection.QuerySingleOrDefault<StoredResponse>(
            """
            SELECT request_hash, status_code, response_body
            FROM idempotency_keys
            WHERE api_key_id = @KeyId AND idempotency_key = @Key
            """,
            new { ticket.KeyId, ticket.Key });

    internal static void Store(WriteContext context, IdempotencyTicket ticket, int statusCode, string body) =>
        context.Connection.Execute(
            """
            INSERT INTO idempotency_keys (api_key_id, idempotency_key, request_hash, status_code, response_body, created_at)
            VALUES (@KeyId, @Key, @RequestHash, @StatusCode, @Body, @At)
            """,
            new { ticket.KeyId, ticket.Key, ticket.RequestHash, StatusCode = statusCode, Body = body, At = context.NowText });

    internal static Failure Reused() => Failure.Conflict("idempotency-key-reused", "idempotency-key-reused");

    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsPost(http.Request.Method)
            || !http.Request.Headers.TryGetValue(Header, out var values)
            || http.User.FindFirstValue(LedgerClaims.KeyId) is not { } keyIdText)
        {
            await next(http);
            return;
        }

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            await Problems.Write(http, new Failure(400, "validation", "idempotency-key-invalid"));
            return;
        }

        var ticket = new IdempotencyTicket(long.Parse(keyIdText, System.Globalization.CultureInfo.InvariantCulture), key,
            await HashRequest(http.Request));
        StoredResponse? stored;
        await using (var connection = await http.RequestServices.GetRequiredService<Database>().OpenReadAsync(http.RequestAborted))
            stored = Find(connection, ticket);
        if (stored is not null)
        {
            if (stored.RequestHash == ticket.RequestHash)
                await Replay(http, stored);
            else
                await Problems.Write(http, Reused());
            return;
        }

        http.Features.Set(ticket);
        try
        {
            await next(http);
        }
        catch (IdempotentReplayException replay)
        {
            await Replay(http, replay.Stored);
        }
    });

    /// <summary>"Same request" means the same route and the same body bytes from the same API key.</summary>
    private static async Task<string> HashRequest(HttpRequest request)
    {
        request.EnableBuffering(BodyLimit.MaxBytes, BodyLimit.MaxBytes);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        request.Body.Position = 0;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        hash.AppendData(buffer.GetBuffer(), 0, (int)buffer.Length);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task Replay(HttpContext http, StoredResponse stored)
    {
        http.Response.Clear();
        http.Response.StatusCode = (int)stored.StatusCode;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers[ReplayedHeader] = "true";
        await http.Response.WriteAsync(stored.ResponseBody, http.RequestAborted);
    }
}

/// <summary>
/// Forgets stored answers older than the retention (8 days by default; API.md promises at least 7), once a day, through
/// the writer like every other write, so the table does not grow for ever.
/// </summary>
public sealed class IdempotencyPurge(Writer writer, TimeProvider clock, IConfiguration configuration, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    public const int MinimumRetentionDays = 7;

    public TimeSpan Retention { get; } =
        TimeSpan.FromDays(Math.Max(MinimumRetentionDays, configuration.GetValue("Ledger:Idempotency:RetentionDays", 8)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Ledger:Idempotency:Purge", true))
            return;
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(5), clock, stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromHours(24), clock);
            do
            {
                var purged = await RunOnce();
                if (purged > 0)
                    logger.LogInformation("Forgot {Count} idempotency keys older than {Days} days", purged, Retention.TotalDays);
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start purges again.
        }
    }

    public async Task<long> RunOnce()
    {
        var outcome = await writer.Run<long>(Caller.System("idempotency-purge"), w =>
            w.Connection.Execute("DELETE FROM idempotency_keys WHERE created_at < @Before", new { Before = StoredTime.Time(w.Now - Retention) }));
        return outcome.Value;
    }
}
