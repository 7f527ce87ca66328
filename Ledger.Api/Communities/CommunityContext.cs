using Ledger.Core.Rules;

namespace Ledger.Api.Communities;

/// <summary>What valuing a record needs of its community: the time zone and every rule version, oldest first.</summary>
public sealed record CommunityContext(long CommunityId, TimeZoneInfo Zone, IReadOnlyList<RuleVersion> Versions)
{
    /// <summary>The newest version's number. Versions are only ever added, so it names the whole list.</summary>
    public int Version => Versions.Count == 0 ? 0 : Versions[^1].Version;

    /// <summary>
    /// The rules that apply at an instant; before the first version (a community's version 1 starts in 2000, so only
    /// for absurd instants) the first.
    /// </summary>
    public RuleSet RulesAt(DateTimeOffset at) => (RuleVersion.InForceAt(Versions, at) ?? Versions[0]).Rules;
}
