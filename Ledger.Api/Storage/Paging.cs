using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Ledger.Api.Http;

namespace Ledger.Api.Storage;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Where a keyset page starts: rows with an id below <see cref="BeforeId"/>, at most <see cref="Limit"/> of them.</summary>
public sealed record PageRequest(long BeforeId, int Limit)
{
    /// <summary>Queries fetch one row more than the page to learn whether another page follows.</summary>
    public int Take => Limit + 1;
}

/// <summary>
/// The one way to page a list: keyset on the id, newest first. Cursors are opaque to clients (base64url of the
/// last id seen), so the ordering can grow richer without breaking them.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxCursorLength = 40;

    public static Outcome<PageRequest> Parse(string? cursor, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
            return Failure.Invalid("limit", "rule-out-of-range", 1, MaxLimit);
        var before = long.MaxValue;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (cursor.Length > MaxCursorLength || !TryDecode(cursor, out before))
                return Failure.Invalid("cursor", "invalid-cursor");
        }
        return new PageRequest(before, limit ?? DefaultLimit);
    }

    public static Page<T> ToPage<T>(IEnumerable<T> rows, PageRequest request, Func<T, long> id)
    {
        var items = rows.ToList();
        if (items.Count <= request.Limit)
            return new Page<T>(items, null);
        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, Encode(id(items[^1])));
    }

    /// <summary>
    /// A page of a list that is ordered in memory rather than by id (a ranking): the cursor is the position to go on
    /// from. The list is computed afresh for each page, so a page is as of its own request.
    /// </summary>
    public static Page<T> Slice<T>(IReadOnlyList<T> all, PageRequest request)
    {
        var from = request.BeforeId == long.MaxValue ? 0 : (int)Math.Min(request.BeforeId, all.Count);
        var items = all.Skip(from).Take(request.Limit).ToList();
        var next = from + items.Count;
        return new Page<T>(items, next < all.Count ? Encode(next) : null);
    }

    private static string Encode(long id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecode(string cursor, out long id)
    {
        id = 0;
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
