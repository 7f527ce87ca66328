using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Ledger.Api.Storage;

namespace Ledger.Api.Http;

/// <summary>A POST's Idempotency-Key, checked by the middleware and carried to the writer in <see cref="Caller"/>.</summary>
public sealed record IdempotencyTicket(long KeyId, string Key, string RequestHash);

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
            stored = IdempotencyStore.Find(connection, ticket);
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
