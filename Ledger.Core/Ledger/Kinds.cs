namespace Ledger.Core.Ledger;

public enum AccountKind
{
    Volunteer,
    Issuance,
    Redemption,
    Expiry,
}

public enum TransactionKind
{
    Accrual,
    Reversal,
    Redemption,
    Cancellation,
    Adjustment,
    Expiry,
    Transfer,
}

/// <summary>
/// The stored text of each account kind: accounts.kind, and the account names the API shows and the ledger chain
/// hashes ("community:7:issuance"). A stored text never changes; SQL interpolates these constants, so its text stays
/// one constant (one prepared statement, and a literal a partial index can match).
/// </summary>
public static class AccountKinds
{
    public const string Volunteer = "volunteer";
    public const string Issuance = "issuance";
    public const string Redemption = "redemption";
    public const string Expiry = "expiry";

    public static readonly string[] All = Enum.GetValues<AccountKind>().Select(Name).ToArray();

    public static string Name(this AccountKind kind) => kind switch
    {
        AccountKind.Volunteer => Volunteer,
        AccountKind.Issuance => Issuance,
        AccountKind.Redemption => Redemption,
        AccountKind.Expiry => Expiry,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An account kind without a stored name."),
    };

    public static AccountKind Parse(string text) => text switch
    {
        Volunteer => AccountKind.Volunteer,
        Issuance => AccountKind.Issuance,
        Redemption => AccountKind.Redemption,
        Expiry => AccountKind.Expiry,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Not a stored account kind."),
    };
}

/// <summary>
/// The stored text of each transaction kind: ledger_transactions.kind and statement_lines.kind, the API's
/// <c>kind</c>, and a field the ledger chain hashes — so a text, once stored, never changes.
/// </summary>
public static class TransactionKinds
{
    public const string Accrual = "accrual";
    public const string Reversal = "reversal";
    public const string Redemption = "redemption";
    public const string Cancellation = "cancellation";
    public const string Adjustment = "adjustment";
    public const string Expiry = "expiry";
    public const string Transfer = "transfer";

    public static readonly string[] All = Enum.GetValues<TransactionKind>().Select(Name).ToArray();

    public static string Name(this TransactionKind kind) => kind switch
    {
        TransactionKind.Accrual => Accrual,
        TransactionKind.Reversal => Reversal,
        TransactionKind.Redemption => Redemption,
        TransactionKind.Cancellation => Cancellation,
        TransactionKind.Adjustment => Adjustment,
        TransactionKind.Expiry => Expiry,
        TransactionKind.Transfer => Transfer,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A transaction kind without a stored name."),
    };

    public static TransactionKind Parse(string text) => text switch
    {
        Accrual => TransactionKind.Accrual,
        Reversal => TransactionKind.Reversal,
        Redemption => TransactionKind.Redemption,
        Cancellation => TransactionKind.Cancellation,
        Adjustment => TransactionKind.Adjustment,
        Expiry => TransactionKind.Expiry,
        Transfer => TransactionKind.Transfer,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Not a stored transaction kind."),
    };
}
