using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>
/// The authenticated API key behind a request, with what a unit of work needs to attribute and de-duplicate its
/// change. Handlers take it as a parameter; minimal APIs build it with <see cref="BindAsync"/>.
/// </summary>
public sealed record Caller(long? KeyId, string Role, long? CommunityId, string RequestId, IdempotencyTicket? Idempotency = null)
{
    /// <summary>The caller's language; the writer runs the caller's unit in it, so messages built there read right.</summary>
    public CultureInfo Culture { get; init; } = CultureInfo.CurrentUICulture;

    /// <summary>The service itself (bootstrap, scheduled jobs): audit events show no key.</summary>
    public static Caller System(string requestId) => new(null, Roles.Admin, null, requestId);

    public bool IsScoped => Roles.IsScoped(Role);

    /// <summary>Admin and auditor keys reach every community; staff and client keys only their own.</summary>
    public bool CanAccess(long communityId) => !IsScoped || CommunityId == communityId;

    public static ValueTask<Caller?> BindAsync(HttpContext http, ParameterInfo parameter)
    {
        var user = http.User;
        var keyId = user.FindFirstValue(LedgerClaims.KeyId);
        var role = user.FindFirstValue(ClaimTypes.Role);
        if (keyId is null || role is null)
            throw new InvalidOperationException("Caller bound on an endpoint without authorization.");
        var community = user.FindFirstValue(LedgerClaims.CommunityId);
        return ValueTask.FromResult<Caller?>(new Caller(
            long.Parse(keyId, CultureInfo.InvariantCulture),
            role,
            community is null ? null : long.Parse(community, CultureInfo.InvariantCulture),
            http.TraceIdentifier,
            http.Features.Get<IdempotencyTicket>()));
    }
}
