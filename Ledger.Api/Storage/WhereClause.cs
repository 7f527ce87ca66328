using Dapper;

namespace Ledger.Api.Storage;

/// <summary>
/// The one way a list query gets its WHERE clause: a filter the caller left out is left out of the SQL, rather than
/// written as "(@x IS NULL OR col = @x)" — a condition of that shape cannot use an index, and on a table of millions
/// of rows it turns every filtered page into a scan.
/// </summary>
public sealed class WhereClause
{
    private readonly List<string> _conditions = new();

    public DynamicParameters Parameters { get; } = new();

    /// <summary>Adds <paramref name="condition"/> with its parameter, unless the value is null (no such filter).</summary>
    public WhereClause Where(string condition, string name, object? value)
    {
        if (value is null)
            return this;
        _conditions.Add(condition);
        Parameters.Add(name, value);
        return this;
    }

    public WhereClause Param(string name, object? value)
    {
        Parameters.Add(name, value);
        return this;
    }

    /// <summary>The keyset condition of a page (none for an export, which reads everything).</summary>
    public WhereClause Page(string column, PageRequest? page) =>
        page is null ? this : Where($"{column} < @BeforeId", "BeforeId", page.BeforeId).Param("Take", page.Take);

    public string Sql => _conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", _conditions);

    public static string? Time(DateTimeOffset? value) => value is { } v ? StoredTime.Time(v) : null;
}
