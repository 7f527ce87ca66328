namespace Ledger.Api.Storage.Sqlite;

/// <summary>
/// The dialect corner: SQL that differs between SQLite and PostgreSQL, kept together so a second dialect replaces one
/// file. Everything else writes portable SQL (INSERT … RETURNING, keyset paging, CTEs).
/// </summary>
public static class Dialect
{
    /// <summary>Takes the write lock at once, so a batch never fails half-way on a lock upgrade.</summary>
    public const string BeginWrite = "BEGIN IMMEDIATE";

    /// <summary>
    /// A page's row limit (the <c>Take</c> parameter of <see cref="Ledger.Api.Storage.WhereClause.Page"/>). SQLite re-plans a statement on
    /// every run when its LIMIT is a bare parameter (the planner looks at the bound value), which cost more than the
    /// page itself; written as an expression, the limit leaves the statement prepared.
    /// </summary>
    public const string LimitTake = "LIMIT @Take + 0";

    /// <summary>
    /// An SQL expression rendering one JSON object from (name, expression) pairs; PostgreSQL spells it
    /// json_build_object. Times come out in their stored form, which is the form the API writes.
    /// </summary>
    public static string JsonObject(params (string Name, string Expression)[] fields) =>
        "json_object(" + string.Join(", ", fields.Select(f => $"'{f.Name}', {f.Expression}")) + ")";
}
