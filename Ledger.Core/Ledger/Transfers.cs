namespace Ledger.Core.Ledger;

/// <summary>Why points cannot be moved by hand. Each has its answer in the contract (see the handlers' mapping).</summary>
public enum PointsRefusal
{
    /// <summary>The move would overdraw the volunteer.</summary>
    InsufficientPoints,

    /// <summary>A gift to oneself.</summary>
    SelfTransfer,

    /// <summary>The receiver is not a volunteer of the giver's community.</summary>
    ReceiverNotFound,

    GiverInactive,
    ReceiverInactive,
}

/// <summary>A volunteer as the rules for moving points see them.</summary>
public readonly record struct Holder(long VolunteerId, long CommunityId, bool Active);

/// <summary>
/// Staff corrections and gifts between volunteers. Only a reversal of hours may leave a balance below zero
/// (PRODUCT.md); a correction or a gift never does.
/// </summary>
/// <remarks>
/// Each decision is about a balance read a moment before: the caller must post in the same unit that read it, under
/// the database's guard (one writer today; on several nodes the account row read locked, or a conditional debit).
/// </remarks>
public static class Transfers
{
    /// <summary>A staff correction, either way; a negative one takes at most what the volunteer holds.</summary>
    public static PointsRefusal? Adjust(long balance, long amount) =>
        amount < 0 && balance + amount < 0 ? PointsRefusal.InsufficientPoints : null;

    /// <summary>
    /// A gift (时间币转赠, e.g. to an elderly relative): to another volunteer of the same community, both active, and
    /// never more than the giver holds.
    /// </summary>
    /// <param name="receiver">Null when no such volunteer exists.</param>
    public static PointsRefusal? Give(Holder giver, Holder? receiver, long balance, long amount) =>
        receiver?.VolunteerId == giver.VolunteerId ? PointsRefusal.SelfTransfer
        : receiver is not { } to || to.CommunityId != giver.CommunityId ? PointsRefusal.ReceiverNotFound
        : !giver.Active ? PointsRefusal.GiverInactive
        : !to.Active ? PointsRefusal.ReceiverInactive
        : balance < amount ? PointsRefusal.InsufficientPoints
        : null;
}
