using Dapper;
using Ledger.Api.Http;

namespace Ledger.Api.Storage;

/// <summary>A stored answer: what a replay of its request is sent.</summary>
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
/// The idempotency_keys table: the first successful answer to a POST with an Idempotency-Key, stored by the writer in
/// the same savepoint as the change it answers (<see cref="Http.Idempotency"/> is the middleware that reads it).
/// </summary>
public static class IdempotencyStore
{
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
}

/// <summary>
/// Forgets stored answers older than the retention (8 days by default; API.md promises at least 7), once a day, through
/// the writer like every other write, so the table does not grow for ever.
/// </summary>
public sealed class IdempotencyPurge(Writer writer, Database database, TimeProvider clock, IConfiguration configuration, ILogger<IdempotencyPurge> logger)
    : BackgroundService
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
            await Task.Delay(configuration.GetValue("Ledger:Idempotency:FirstPurgeDelay", TimeSpan.FromMinutes(5)), clock, stoppingToken);
            using var timer = new PeriodicTimer(configuration.GetValue("Ledger:Idempotency:PurgeInterval", TimeSpan.FromHours(24)), clock);
            do
            {
                if (!database.TryLead("idempotency-purge"))
                {
                    logger.LogInformation("Another node leads the idempotency purge; this node leaves it to that one");
                    continue;
                }
                logger.LogInformation("This node leads the idempotency purge: running it");
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
