using System.Data.Common;

namespace Ledger.Api.Storage;

/// <summary>
/// The one way to reach the database, whichever it is. Reads take a pooled connection each; writes go through
/// <see cref="Writer"/>, which holds the only write connection. A provider (Storage/Sqlite) implements the connecting,
/// the statement caching and the settings; everything above it sees plain <see cref="DbConnection"/>s and the
/// <see cref="Dialect"/>.
/// </summary>
public abstract class Database(ISqlDialect dialect) : IDisposable
{
    public ISqlDialect Dialect { get; } = dialect;

    /// <summary>Where the data lives, for the log and the command line: a file, or a server and database.</summary>
    public abstract string Location { get; }

    /// <summary>A pooled connection for reading, its statements kept prepared. Dispose it when the query is done.</summary>
    public abstract DbConnection OpenRead();

    public abstract Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs several reads on <paramref name="connection"/> (one from <see cref="OpenRead"/>) on one committed state, so
    /// figures read together agree. The queries inside need no transaction object passed around.
    /// </summary>
    public abstract T Snapshot<T>(DbConnection connection, Func<T> read);

    /// <summary>
    /// Rows straight off an unbuffered reader, for streaming exports: nothing is collected, and the connection lives
    /// exactly as long as the enumeration.
    /// </summary>
    public abstract IEnumerable<T> Stream<T>(string sql, object? parameters);

    /// <summary>The writer's connection, set up for durable writes; transactions on it are opened with plain SQL.</summary>
    internal abstract DbConnection OpenWrite();

    /// <summary>
    /// Rows the write connection has changed since it opened (only differences mean anything), for the writer's count
    /// of units that changed rows without an audit event; read around every unit, so it must cost no statement.
    /// </summary>
    internal abstract int? RowsChanged(DbConnection writeConnection);

    /// <summary>
    /// Other service nodes write to this database too: what the writer learnt in one batch (the heads of the chains)
    /// is read again in the next, under the batch's lock, instead of being kept.
    /// </summary>
    internal virtual bool SharedByNodes => false;

    /// <summary>
    /// Whether this node is the one to run <paramref name="job"/> (the daily expiry, the idempotency purge): on a
    /// database of one node, always; where several nodes share it, only the node holding the job's lock in the
    /// database, which it keeps until it stops or loses the database — then another node takes it at its next try.
    /// </summary>
    public virtual bool TryLead(string job) => true;

    /// <summary>
    /// The database was out of reach: the pooled connections opened before may all be dead (a failover ends every
    /// session), so they are dropped instead of failing one request each.
    /// </summary>
    public virtual void ConnectionLost()
    {
    }

    /// <summary>
    /// A connection of the provider's own, set up like the write connection, on which the <see cref="Migrator"/> uses the
    /// provider's transactions.
    /// </summary>
    internal abstract DbConnection OpenForMigrations();

    /// <summary>
    /// Copies the live database, consistent as of one commit, to the new file <paramref name="targetPath"/>; returns the
    /// size of the copy in bytes, or null when there is no database to copy.
    /// </summary>
    public abstract long? BackUp(string targetPath);

    public abstract void Dispose();
}
