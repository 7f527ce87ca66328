using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Http;

/// <summary>The one rule for a list's community filter: scoped keys default to, and are held to, their own community.</summary>
public static class CommunityScope
{
    /// <summary>The community to filter by (null: every community, for admin and auditor keys), or 403.</summary>
    public static Outcome<long?> For(Caller caller, long? requested)
    {
        if (!caller.IsScoped)
            return requested;
        var community = requested ?? caller.CommunityId;
        return community is { } c && caller.CanAccess(c) ? c : Failure.Forbidden();
    }
}
