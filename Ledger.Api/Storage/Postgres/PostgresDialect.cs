namespace Ledger.Api.Storage.Postgres;

/// <summary>PostgreSQL's spelling of the few things <see cref="ISqlDialect"/> names.</summary>
public sealed class PostgresDialect : ISqlDialect
{
    public static readonly PostgresDialect Instance = new();

    /// <summary>
    /// The advisory lock every write batch takes first, on every node: each batch appends to the audit chain (every
    /// change is audited), so batches are serialised anyway; taking the lock before anything else means no batch ever
    /// holds a row another waits for, so writers never deadlock, and every check a unit makes after it (balance, stock,
    /// overlaps, a twin's Idempotency-Key) sees every batch committed before.
    /// </summary>
    public const long WriteLock = 0x4C6564676572; // "Ledger"

    /// <summary>Held by the node that applies migrations, so nodes starting together apply them once.</summary>
    public const long MigrationLock = WriteLock + 1;

    /// <summary>The lock a node holds while it leads <paramref name="job"/> (see <see cref="Database.TryLead"/>).</summary>
    public static long JobLock(string job) => WriteLock + 16 + job switch
    {
        "expiry" => 0,
        "idempotency-purge" => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(job), job, "A job needs a lock number of its own."),
    };

    private PostgresDialect()
    {
    }

    public string MigrationsFolder => "postgresql";

    public string BeginWrite => $"BEGIN; SELECT pg_advisory_xact_lock({WriteLock})";

    public string LimitTake => "LIMIT @Take";

    public string JsonObject(params (string Name, string Expression)[] fields) =>
        "json_build_object(" + string.Join(", ", fields.Select(f => $"'{f.Name}', {f.Expression}")) + ")::text";

    public string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

    public string NextId(string table) => $"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))";

    public string CaseInsensitiveLike => "ILIKE";
}
