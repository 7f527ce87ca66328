using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Ledger.Api.Storage;

namespace Ledger.Api.Http;

public static class Roles
{
    public const string Admin = "admin";
    public const string Staff = "staff";
    public const string Client = "client";
    public const string Auditor = "auditor";

    public static readonly string[] All = [Admin, Staff, Client, Auditor];

    /// <summary>Staff and client keys act for one community; admin and auditor keys see all.</summary>
    public static bool IsScoped(string role) => role is Staff or Client;
}

/// <summary>Who may call an endpoint. Every /api/v1 endpoint names one of these; a test fails if one does not.</summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string Staff = "staff";
    public const string Write = "write";
    public const string Read = "read";
    public const string Audit = "audit";

    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [Admin] = [Roles.Admin],
        [Staff] = [Roles.Admin, Roles.Staff],
        [Write] = [Roles.Admin, Roles.Staff, Roles.Client],
        [Read] = [Roles.Admin, Roles.Staff, Roles.Client, Roles.Auditor],
        [Audit] = [Roles.Admin, Roles.Auditor],
    };
}

/// <summary>
/// API keys: random 256-bit secrets handed out once. Only their SHA-256 is stored — a slow password hash buys
/// nothing for secrets with this much entropy and would cost every request.
/// </summary>
public static class ApiKeySecrets
{
    public const string Prefix = "lk_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Characters of a key kept in clear, for listings. A configured bootstrap key may be as short as 16
    /// characters, so every character shown is one less to guess: four tell a person which key it is (lk_ and one more
    /// of a generated key), the name does the rest.</summary>
    public const int DisplayLength = 4;

    /// <summary>The part shown in listings so a person can tell keys apart without the secret.</summary>
    public static string Display(string key) => key.Length <= DisplayLength ? key : key[..DisplayLength];

    /// <summary>
    /// The hash of the request's Bearer key, or null without a well-formed one. Computed once a request: the rate
    /// limiter (before authentication) and the authentication handler both need it.
    /// </summary>
    public static string? HashOf(HttpContext http)
    {
        if (http.Items.TryGetValue(HashItem, out var known))
            return (string?)known;
        string? header = http.Request.Headers.Authorization;
        string? hash = null;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = header.AsSpan("Bearer ".Length).Trim();
            if (key.Length is > 0 and <= MaxKeyLength)
                hash = Hash(key.ToString());
        }
        http.Items[HashItem] = hash;
        return hash;
    }

    private const int MaxKeyLength = 200;

    private static readonly object HashItem = new();

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class LedgerClaims
{
    public const string KeyId = "ledger:key-id";
    public const string CommunityId = "ledger:community-id";
}

/// <summary>
/// Keys already looked up, by hash, so a request costs no query for its key. Revoking drops the whole cache once the
/// revocation has committed, so on this node a revoked key stops at once. Entries expire after a minute on a database of
/// one node; where several nodes share the database, after half a second, which bounds how long another node can still
/// accept a key revoked through this one (one look-up per key and half second is all it costs).
/// </summary>
public sealed class ApiKeyCache(TimeProvider clock, Storage.Database database)
{
    public TimeSpan Lifetime { get; } = database.SharedByNodes ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromMinutes(1);

    public sealed record Entry(long Id, string Role, long? CommunityId, DateTimeOffset Until);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _entries = new();
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public Entry? Find(string hash) =>
        _entries.TryGetValue(hash, out var entry) && entry.Until > clock.GetUtcNow() ? entry : null;

    public void Add(string hash, long id, string role, long? communityId, long generation)
    {
        if (_entries.Count > 10_000)
            _entries.Clear();
        if (Generation == generation)
            _entries[hash] = new Entry(id, role, communityId, clock.GetUtcNow() + Lifetime);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }
}

public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Database database,
    ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (string.IsNullOrEmpty(Request.Headers.Authorization))
            return AuthenticateResult.NoResult();
        if (ApiKeySecrets.HashOf(Context) is not { } hash)
            return AuthenticateResult.Fail("Not a well-formed Bearer key.");

        var row = cache.Find(hash) is { } hit ? (hit.Id, hit.Role, hit.CommunityId) : default;
        if (row.Id == 0)
        {
            var generation = cache.Generation;
            await using var connection = await database.OpenReadAsync(Context.RequestAborted);
            row = connection.QuerySingleOrDefault<(long Id, string Role, long? CommunityId)>(
                "SELECT id, role, community_id FROM api_keys WHERE key_hash = @Hash AND revoked_at IS NULL",
                new { Hash = hash });
            if (row.Id == 0)
                return AuthenticateResult.Fail("Unknown or revoked key.");
            cache.Add(hash, row.Id, row.Role, row.CommunityId, generation);
        }

        var claims = new List<Claim>
        {
            new(LedgerClaims.KeyId, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Role, row.Role),
        };
        if (row.CommunityId is { } communityId)
            claims.Add(new Claim(LedgerClaims.CommunityId, communityId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        return Problems.Write(Context, new Failure(401, "unauthorized", "unauthorized"), r => r.Headers.WWWAuthenticate = "Bearer");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, Failure.Forbidden());
}
