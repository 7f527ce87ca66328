namespace Ledger.Api.Storage;

/// <summary>
/// The SQL that differs between the databases we run on, and nothing else: every other statement is written inline
/// beside its handler in SQL that SQLite and PostgreSQL both accept (INSERT … RETURNING, keyset paging, CTEs, upserts
/// whose DO UPDATE names the existing row by its table and the proposed one as <c>excluded</c>, booleans as parameters).
/// A dialect is chosen once at start (<see cref="Hosting.LedgerSetup"/>) and reached through <see cref="Database.Dialect"/>.
/// </summary>
public interface ISqlDialect
{
    /// <summary>The folder under migrations/ that holds this database's numbered scripts.</summary>
    string MigrationsFolder { get; }

    /// <summary>Opens the writer's transaction so that a batch never fails half-way on a lock it could not take.</summary>
    string BeginWrite { get; }

    /// <summary>A page's row limit: the <c>Take</c> parameter of <see cref="WhereClause.Page"/>, written after ORDER BY.</summary>
    string LimitTake { get; }

    /// <summary>
    /// An SQL expression rendering one JSON object from (name, expression) pairs. Times come out in their stored form,
    /// which is the form the API writes.
    /// </summary>
    string JsonObject(params (string Name, string Expression)[] fields);

    /// <summary>
    /// A condition that <paramref name="column"/> is one of the values of the list parameter <paramref name="parameter"/>
    /// (an array or list handed to Dapper).
    /// </summary>
    string InList(string column, string parameter);

    /// <summary>
    /// A scalar query for the id the next row of <paramref name="table"/> is to get, for a row whose id must be known
    /// before it is written (a chain link hashes its own id). It runs under the writer's lock, so two units never get one id.
    /// </summary>
    string NextId(string table);

    /// <summary>LIKE that ignores the case of Latin letters, as SQLite's LIKE does and PostgreSQL's does not.</summary>
    string CaseInsensitiveLike { get; }
}

/// <summary>
/// SQL text that depends on the dialect but not on the request, built once per dialect instead of on every call: the
/// text is also the key of the prepared-statement cache, so it must not be rebuilt per request.
/// </summary>
public sealed class DialectSql(Func<ISqlDialect, string> build)
{
    private Built? _built;

    public string For(ISqlDialect dialect)
    {
        var built = Volatile.Read(ref _built);
        if (built is not null && ReferenceEquals(built.Dialect, dialect))
            return built.Text;
        // Two threads may both build it the first time; either text is the same.
        built = new Built(dialect, build(dialect));
        Volatile.Write(ref _built, built);
        return built.Text;
    }

    private sealed record Built(ISqlDialect Dialect, string Text);
}
