using Dapper;
using Ledger.Api.Rules;
using Ledger.Api.Storage;
using Ledger.Core.Rules;

namespace Ledger.Api.Communities;

/// <summary>
/// What valuing a record needs of its community: the time zone and every rule version. Read on nearly every write and
/// changed almost never, so it is kept in memory per database file; storing a rule version drops the cache once its
/// unit has committed, and a load that raced with that drop is not kept. (Several nodes would each need to hear of
/// the change — the PostgreSQL port has to replace this with a version check.)
/// </summary>
public sealed record CommunityContext(long CommunityId, TimeZoneInfo Zone, IReadOnlyList<RuleVersion> Versions)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Database, long Community), CommunityContext> Cache = new();
    private static long _generation;

    public static CommunityContext? Load(System.Data.IDbConnection connection, long communityId)
    {
        var key = (connection.ConnectionString, communityId);
        if (Cache.TryGetValue(key, out var cached))
            return cached;
        var generation = Interlocked.Read(ref _generation);
        var zone = connection.ExecuteScalar<string?>("SELECT time_zone FROM communities WHERE id = @Id", new { Id = communityId });
        if (zone is null)
            return null;
        var context = new CommunityContext(communityId, TimeZones.Find(zone), RuleVersions.Load(connection, communityId));
        if (Interlocked.Read(ref _generation) == generation)
            Cache[key] = context;
        return context;
    }

    /// <summary>
    /// The rules that apply at an instant; before the first version (a community's version 1 starts in 2000, so only
    /// for absurd instants) the first.
    /// </summary>
    public RuleSet RulesAt(DateTimeOffset at) => (RuleVersion.InForceAt(Versions, at) ?? Versions[0]).Rules;

    /// <summary>
    /// Each community's zone, for an export that writes local times row by row (its rows may span communities). A
    /// zone is looked up once per community and export, with a pooled connection held only for that look-up; without
    /// a community (audit events) the default zone.
    /// </summary>
    public static Func<long?, TimeZoneInfo> Zones(Database database)
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
            return known[id] = Load(connection, id)?.Zone ?? fallback;
        };
    }

    /// <summary>Called after a rule version commits.</summary>
    public static void Forget()
    {
        Interlocked.Increment(ref _generation);
        Cache.Clear();
    }
}
