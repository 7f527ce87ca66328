namespace Ledger.Core.Volunteers;

/// <summary>
/// The short code printed on a member card and typed at the counter. Eight characters from an alphabet
/// without look-alikes (no 0/O, 1/I/L, U), so a code read aloud or off a worn card is typed right.
/// </summary>
public static class MemberCode
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Length = 8;

    /// <summary>Builds a code from random bytes (at least <see cref="Length"/> of them); the caller supplies the randomness.</summary>
    public static string FromRandom(ReadOnlySpan<byte> random)
    {
        if (random.Length < Length)
            throw new ArgumentException($"Need {Length} random bytes.", nameof(random));
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
            chars[i] = Alphabet[random[i] % Alphabet.Length];
        return new string(chars);
    }

    /// <summary>
    /// What staff typed or a scanner read, as a stored code: upper case, spaces and dashes dropped.
    /// Null when it cannot be a member code.
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 64)
            return null;
        Span<char> chars = stackalloc char[input.Length];
        var n = 0;
        foreach (var c in input)
        {
            if (c is ' ' or '-' or '\t')
                continue;
            var upper = char.ToUpperInvariant(c);
            if (Alphabet.IndexOf(upper) < 0 || n == Length)
                return null;
            chars[n++] = upper;
        }
        return n == Length ? new string(chars[..n]) : null;
    }
}
