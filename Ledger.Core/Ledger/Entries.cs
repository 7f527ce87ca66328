namespace Ledger.Core.Ledger;

/// <summary>
/// An account: a volunteer's, or one of a community's own (issuance: points created; redemption: points spent at the
/// counter; expiry: points that lapsed). Written as "volunteer:42" or "community:7:issuance".
/// </summary>
public readonly record struct AccountRef(long CommunityId, AccountKind Kind, long? VolunteerId)
{
    public static AccountRef Volunteer(long communityId, long volunteerId) => new(communityId, AccountKind.Volunteer, volunteerId);
    public static AccountRef Issuance(long communityId) => new(communityId, AccountKind.Issuance, null);
    public static AccountRef Redemption(long communityId) => new(communityId, AccountKind.Redemption, null);
    public static AccountRef ExpiryOf(long communityId) => new(communityId, AccountKind.Expiry, null);

    public override string ToString() => Kind == AccountKind.Volunteer
        ? $"volunteer:{VolunteerId}"
        : $"community:{CommunityId}:{Kind.Name()}";
}

public readonly record struct Posting(AccountRef Account, long Amount);

/// <summary>
/// A balanced set of postings. The constructor is the double-entry rule: at least two postings, none zero, summing to
/// zero — so an unbalanced transaction cannot even be built, let alone written.
/// </summary>
public sealed record Entry
{
    public Entry(TransactionKind kind, IReadOnlyList<Posting> postings)
    {
        if (postings.Count < 2)
            throw new ArgumentException("A transaction has at least two postings.", nameof(postings));
        if (postings.Any(p => p.Amount == 0))
            throw new ArgumentException("A posting of zero points says nothing.", nameof(postings));
        long sum = 0;
        foreach (var p in postings)
            sum = checked(sum + p.Amount);
        if (sum != 0)
            throw new ArgumentException($"Postings sum to {sum}, not zero.", nameof(postings));
        if (postings.Select(p => p.Account.CommunityId).Distinct().Count() != 1)
            throw new ArgumentException("A transaction stays within one community.", nameof(postings));
        Kind = kind;
        Postings = postings;
    }

    public TransactionKind Kind { get; }

    public IReadOnlyList<Posting> Postings { get; }

    public long CommunityId => Postings[0].Account.CommunityId;
}

/// <summary>The transactions of PRODUCT.md's ledger, as pure functions of their amounts.</summary>
public static class Entries
{
    /// <summary>Approved hours: points move from the community's issuance account to the volunteer.</summary>
    public static Entry Accrual(long communityId, long volunteerId, long points) =>
        Move(TransactionKind.Accrual, AccountRef.Issuance(communityId), AccountRef.Volunteer(communityId, volunteerId), Positive(points));

    /// <summary>Staff correction: positive creates points (from issuance), negative takes them back to issuance.</summary>
    public static Entry Adjustment(long communityId, long volunteerId, long amount) =>
        amount == 0
            ? throw new ArgumentException("An adjustment is never zero.", nameof(amount))
            : new Entry(TransactionKind.Adjustment,
            [
                new Posting(AccountRef.Volunteer(communityId, volunteerId), amount),
                new Posting(AccountRef.Issuance(communityId), -amount),
            ]);

    /// <summary>A gift of points between two volunteers of one community (时间币转赠).</summary>
    public static Entry Transfer(long communityId, long fromVolunteerId, long toVolunteerId, long amount) =>
        fromVolunteerId == toVolunteerId
            ? throw new ArgumentException("A volunteer cannot give points to themself.", nameof(toVolunteerId))
            : Move(TransactionKind.Transfer, AccountRef.Volunteer(communityId, fromVolunteerId), AccountRef.Volunteer(communityId, toVolunteerId), Positive(amount));

    /// <summary>Points spent at the counter: from the volunteer to the community's redemption account.</summary>
    public static Entry Redemption(long communityId, long volunteerId, long points) =>
        Move(TransactionKind.Redemption, AccountRef.Volunteer(communityId, volunteerId), AccountRef.Redemption(communityId), Positive(points));

    /// <summary>Lapsed points: from the volunteer to the community's expiry account.</summary>
    public static Entry Expiry(long communityId, long volunteerId, long points) =>
        Move(TransactionKind.Expiry, AccountRef.Volunteer(communityId, volunteerId), AccountRef.ExpiryOf(communityId), Positive(points));

    /// <summary>The compensating transaction: every posting of the original, negated. The original stays as it was.</summary>
    public static Entry Compensate(TransactionKind kind, IReadOnlyList<Posting> original) =>
        kind is TransactionKind.Reversal or TransactionKind.Cancellation
            ? new Entry(kind, original.Select(p => p with { Amount = -p.Amount }).ToList())
            : throw new ArgumentException("Only reversals and cancellations compensate.", nameof(kind));

    private static Entry Move(TransactionKind kind, AccountRef from, AccountRef to, long amount) =>
        new(kind, [new Posting(from, -amount), new Posting(to, amount)]);

    private static long Positive(long amount) =>
        amount > 0 ? amount : throw new ArgumentOutOfRangeException(nameof(amount), amount, "The amount must be positive.");
}
