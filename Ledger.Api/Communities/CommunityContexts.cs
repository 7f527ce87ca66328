using System.Collections.Concurrent;
using System.Data;
using Dapper;
using Ledger.Api.Rules;
using Ledger.Api.Storage;

namespace Ledger.Api.Communities;

/// <summary>
/// The community contexts, kept in memory: read on nearly every write and summary, changed almost never. Each use
/// first reads the community's newest rule version number — one single-row seek on the rule_versions primary key —
/// and loads the context again only when it differs from the one kept. A community's zone never changes and its
/// versions are only ever added, so that number is the context's version: a rule version committed by another node
/// (or by anything behind this process's back) is seen on the next use, and nothing has to be told to forget.
/// </summary>
public sealed class CommunityContexts
{
    internal const string NewestVersion = "SELECT version FROM rule_versions WHERE community_id = @Id ORDER BY version DESC LIMIT 1";

    private readonly ConcurrentDictionary<long, CommunityContext> _kept = new();

    /// <summary>The context as committed, on a read connection; a fresh load is kept.</summary>
    public CommunityContext? Load(IDbConnection connection, long communityId)
    {
        var (context, loaded) = Read(connection, communityId);
        if (loaded && context is { Versions.Count: > 0 })
            _kept[communityId] = context;
        return context;
    }

    /// <summary>
    /// The context as a unit of the writer sees it, rule versions written earlier in its batch included. A fresh load
    /// is kept only once the batch has committed: a batch that fails leaves no rule version in memory that never was.
    /// </summary>
    public CommunityContext? Load(WriteContext w, long communityId)
    {
        var (context, loaded) = Read(w.Connection, communityId);
        if (loaded && context is { Versions.Count: > 0 })
            w.AfterCommit(() => _kept[communityId] = context);
        return context;
    }

    /// <summary>
    /// A community's time zone, which never changes once the community exists: a kept context answers without the
    /// version check (redemptions, lots and receipts need only the zone). Null when there is no such community.
    /// </summary>
    public TimeZoneInfo? Zone(IDbConnection connection, long communityId) =>
        _kept.TryGetValue(communityId, out var kept) ? kept.Zone : Load(connection, communityId)?.Zone;

    /// <summary>The zone as a unit of the writer sees it; see <see cref="Zone(IDbConnection, long)"/>.</summary>
    public TimeZoneInfo? Zone(WriteContext w, long communityId) =>
        _kept.TryGetValue(communityId, out var kept) ? kept.Zone : Load(w, communityId)?.Zone;

    private (CommunityContext? Context, bool Loaded) Read(IDbConnection connection, long communityId)
    {
        var newest = connection.ExecuteScalar<long?>(NewestVersion, new { Id = communityId });
        if (newest is not null && _kept.TryGetValue(communityId, out var kept) && kept.Version == newest)
            return (kept, false);
        var zone = connection.ExecuteScalar<string?>("SELECT time_zone FROM communities WHERE id = @Id", new { Id = communityId });
        if (zone is null)
            return (null, false);
        return (new CommunityContext(communityId, TimeZones.Find(zone), RuleVersions.Load(connection, communityId)), true);
    }

    /// <summary>
    /// Each community's zone, for an export that writes local times row by row (its rows may span communities). A
    /// zone is looked up once per community and export, with a pooled connection held only for that look-up; without
    /// a community (audit events) the default zone.
    /// </summary>
    public Func<long?, TimeZoneInfo> Zones(Database database)
    {
        var fallback = TimeZones.Find(TimeZones.Default);
        var known = new Dictionary<long, TimeZoneInfo>();
        return communityId =>
        {
            if (communityId is not { } id)
                return fallback;
            if (known.TryGetValue(id, out var zone))
                return zone;
            using var connection = database.OpenRead();
            return known[id] = Zone(connection, id) ?? fallback;
        };
    }
}
