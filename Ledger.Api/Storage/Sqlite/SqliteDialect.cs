namespace Ledger.Api.Storage.Sqlite;

/// <summary>SQLite's spelling of the few things <see cref="ISqlDialect"/> names.</summary>
public sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect()
    {
    }

    public string MigrationsFolder => "sqlite";

    /// <summary>Takes the write lock at once, so a batch never fails half-way on a lock upgrade.</summary>
    public string BeginWrite => "BEGIN IMMEDIATE";

    /// <summary>
    /// SQLite re-plans a statement on every run when its LIMIT is a bare parameter (the planner looks at the bound
    /// value), which cost more than the page itself; written as an expression, the limit leaves the statement prepared.
    /// </summary>
    public string LimitTake => "LIMIT @Take + 0";

    /// <summary>PostgreSQL spells it json_build_object.</summary>
    public string JsonObject(params (string Name, string Expression)[] fields) =>
        "json_object(" + string.Join(", ", fields.Select(f => $"'{f.Name}', {f.Expression}")) + ")";

    /// <summary>Dapper expands <c>IN @Ids</c> into one parameter per value; PostgreSQL takes the array whole (= ANY).</summary>
    public string InList(string column, string parameter) => $"{column} IN @{parameter}";

    /// <summary>The writer holds the file's only write lock, so the largest id plus one is taken by nobody else.</summary>
    public string NextId(string table) => $"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}";

    public string CaseInsensitiveLike => "LIKE";
}
