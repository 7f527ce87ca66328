using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Ledger.Api.Communities;
using Ledger.Api.Http;

namespace Ledger.Api.Storage;

public sealed class WriterStoppedException() : Exception("The writer has stopped; the service is shutting down.");

/// <param name="Unaudited">
/// Committed units that changed rows without writing an audit event. Every change a caller makes is to be audited (the
/// tests walk the write endpoints and expect this not to move); the idempotency purge is the one unit expected here.
/// </param>
public sealed record WriterStats(long Batches, long Units, int LargestBatch, long Unaudited);

/// <summary>
/// The one write path. A single loop owns the write connection; handlers hand it units of work and await them.
/// The loop takes every unit waiting, runs each inside its own SAVEPOINT (a unit that fails or returns a
/// <see cref="Failure"/> rolls back only itself), commits the batch with one durable COMMIT, and only then answers
/// each caller — so concurrent requests share one fsync, and nobody is told "done" before the disk has it.
/// </summary>
public sealed class Writer : IDisposable
{
    public const int MaxBatch = 512;

    private readonly Channel<WorkItem> _queue = Channel.CreateBounded<WorkItem>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly CommunityContexts _communities;
    private readonly ILogger<Writer> _logger;
    private readonly JsonSerializerOptions _json;
    private readonly Lock _startLock = new();
    private Task? _loop;
    private DbConnection? _connection;
    private long _batches;
    private long _units;
    private int _largestBatch;
    private long _unaudited;

    public Writer(Database database, TimeProvider clock, CommunityContexts communities, ILogger<Writer> logger, IOptions<JsonOptions> json)
    {
        _database = database;
        _clock = clock;
        _communities = communities;
        _logger = logger;
        _json = json.Value.SerializerOptions;
    }

    public WriterStats Stats => new(Interlocked.Read(ref _batches), Interlocked.Read(ref _units), Volatile.Read(ref _largestBatch),
        Interlocked.Read(ref _unaudited));

    /// <summary>Opens the write connection and starts the loop; the startup sequence calls it once migrations are done.</summary>
    public void Start()
    {
        lock (_startLock)
        {
            if (_loop is not null)
                return;
            _connection = _database.OpenWrite();
            _loop = Task.Run(RunLoop);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch, for a unit whose value is no HTTP answer (the bootstrap key, the
    /// scheduled jobs, a page that issues on demand). Nothing is stored for an idempotent replay, so a request that
    /// carries an Idempotency-Key must go through one of the answers in <see cref="WriteAnswers"/> instead.
    /// </summary>
    public Task<Outcome<T>> Run<T>(Caller caller, Func<WriteContext, Outcome<T>> work)
    {
        if (caller.Idempotency is not null)
            throw new InvalidOperationException("A request with an Idempotency-Key must state its answer: use writer.Create, Update or Delete.");
        return Enqueue(new WorkItem<T>(caller, null, work));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch. On success with an Idempotency-Key, the answer is stored with
    /// the change (as <paramref name="successStatus"/>), so a replay can never find one without the other. Only
    /// <see cref="WriteAnswers"/> calls it: each of its answers names the status once, beside the result it builds.
    /// </summary>
    internal Task<Outcome<T>> RunAnswering<T>(Caller caller, int successStatus, Func<WriteContext, Outcome<T>> work) =>
        Enqueue(new WorkItem<T>(caller, successStatus, work));

    private async Task<Outcome<T>> Enqueue<T>(WorkItem<T> item)
    {
        try
        {
            await _queue.Writer.WriteAsync(item);
        }
        catch (ChannelClosedException)
        {
            throw new WriterStoppedException();
        }
        return await item.Task;
    }

    /// <summary>Graceful stop: no new units, but every unit already queued is committed and answered.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
            await _loop.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loop logs its own failures; disposal only has to release the connection.
        }
        _connection?.Dispose();
    }

    private async Task RunLoop()
    {
        var context = new WriteContext(_connection!, _database, _json, () => _database.RowsChanged(_connection!), _communities);
        var batch = new List<WorkItem>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                batch.Add(item);
            try
            {
                context.Connection = Connected(context.Connection);
                context.Connection = Begin(context.Connection);
                RunBatch(context.Connection, context, batch);
            }
            catch (Exception ex)
            {
                // Only BEGIN/COMMIT/SAVEPOINT themselves land here (a full disk, an I/O error, a lost connection): the
                // whole batch failed. After a lost connection, nobody can tell whether a COMMIT in flight took effect;
                // those callers get an error, and a retry with the same Idempotency-Key answers what was committed.
                _logger.LogError(ex, "Write batch of {Count} units failed; none of it was committed", batch.Count);
                TryExecute(context.Connection, "ROLLBACK");
                // A connection to a server that went away, or that is now a standby, is of no more use: open another.
                if (_database.IsUnavailable(ex) && context.Connection.State == System.Data.ConnectionState.Open)
                    context.Connection.Close();
                context.AbandonBatch();
                foreach (var item in batch)
                {
                    item.Fail(ex);
                    item.Complete();
                }
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// The write connection, opened again when the old one broke (the database restarted or failed over to a standby):
    /// the node carries on by itself once the database answers again. A failed reopen fails only the batch at hand.
    /// </summary>
    private DbConnection Connected(DbConnection connection)
    {
        if (connection.State == System.Data.ConnectionState.Open)
            return connection;
        connection.Dispose();
        _logger.LogWarning("The write connection was lost; opening a new one");
        var opened = _database.OpenWrite();
        _connection = opened;
        return opened;
    }

    /// <summary>
    /// Opens the batch's transaction (and, on PostgreSQL, takes the write lock). A connection that died while idle — the
    /// database restarted or failed over since the last batch — is found out here, before any unit ran, so the batch is
    /// tried once more on a new connection instead of failing callers for a connection nobody knew was gone.
    /// </summary>
    private DbConnection Begin(DbConnection connection)
    {
        try
        {
            connection.Execute(_database.Dialect.BeginWrite);
            return connection;
        }
        catch (Exception ex) when (_database.IsUnavailable(ex))
        {
            connection.Close();
            var fresh = Connected(connection);
            fresh.Execute(_database.Dialect.BeginWrite);
            return fresh;
        }
    }

    /// <summary>Runs the units of a batch whose transaction <see cref="Begin"/> opened, and commits them together.</summary>
    private void RunBatch(DbConnection connection, WriteContext context, List<WorkItem> batch)
    {
        var batchId = Interlocked.Increment(ref _batches);
        context.BeginBatch();
        foreach (var item in batch)
        {
            context.Now = _clock.GetUtcNow();
            context.Caller = item.Caller;
            context.BatchId = batchId;
            CultureInfo.CurrentUICulture = item.Caller.Culture;
            connection.Execute("SAVEPOINT unit");
            context.BeginUnit();
            bool keep;
            try
            {
                keep = item.Execute(context);
            }
            catch (Exception ex)
            {
                item.Fail(ex);
                keep = false;
            }
            if (!keep)
            {
                connection.Execute("ROLLBACK TO unit");
                context.RollBackUnit();
            }
            item.Unaudited &= keep;
            connection.Execute("RELEASE unit");
        }
        connection.Execute("COMMIT");
        context.CommitBatch();

        Interlocked.Add(ref _units, batch.Count);
        if (batch.Count > _largestBatch)
            Volatile.Write(ref _largestBatch, batch.Count);
        foreach (var item in batch)
        {
            if (item.Unaudited)
                Interlocked.Increment(ref _unaudited);
            item.Complete();
        }
    }

    private static void TryExecute(DbConnection connection, string sql)
    {
        // A connection that is not open holds no transaction. It may be the one Connected disposed before its reopen
        // failed (the database still out of reach): Dapper would try to open it, and the ObjectDisposedException would
        // end the write loop for good, leaving every later write of this node waiting forever.
        if (connection.State != System.Data.ConnectionState.Open)
            return;
        try
        {
            connection.Execute(sql);
        }
        catch (DbException)
        {
            // No transaction was open: nothing to undo.
        }
    }

    private abstract class WorkItem(Caller caller)
    {
        public Caller Caller { get; } = caller;

        /// <summary>The unit's work changed rows without an audit event (see <see cref="WriteContext.ChangedWithoutAudit"/>).</summary>
        public bool Unaudited { get; set; }

        /// <summary>Runs the unit; true when its changes are to be kept.</summary>
        public abstract bool Execute(WriteContext context);

        /// <summary>Answers the caller; called only once the batch is committed, or has failed as a whole.</summary>
        public abstract void Complete();

        /// <summary>Records that the unit, or its whole batch, failed with an exception.</summary>
        public abstract void Fail(Exception exception);
    }

    /// <param name="successStatus">The status a replay answers with; null for a unit that stores no answer.</param>
    private sealed class WorkItem<T>(Caller caller, int? successStatus, Func<WriteContext, Outcome<T>> work) : WorkItem(caller)
    {
        private readonly TaskCompletionSource<Outcome<T>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Outcome<T> _outcome;
        private StoredResponse? _replay;
        private Exception? _error;

        public Task<Outcome<T>> Task => _done.Task;

        public override bool Execute(WriteContext context)
        {
            var ticket = Caller.Idempotency;
            if (ticket is not null)
            {
                // A twin of this request committed between the middleware's look-up and now: answer as it was answered.
                var stored = IdempotencyStore.Find(context.Connection, ticket);
                if (stored is not null)
                {
                    if (stored.RequestHash == ticket.RequestHash)
                        _replay = stored;
                    else
                        _outcome = Idempotency.Reused();
                    return false;
                }
            }

            _outcome = work(context);
            if (!_outcome.IsSuccess)
                return false;
            Unaudited = context.ChangedWithoutAudit;
            if (ticket is not null && successStatus is { } status)
                IdempotencyStore.Store(context, ticket, status, context.Serialize(_outcome.Value));
            return true;
        }

        public override void Complete()
        {
            if (_error is not null)
                _done.TrySetException(_error);
            else if (_replay is not null)
                _done.TrySetException(new IdempotentReplayException(_replay));
            else
                _done.TrySetResult(_outcome);
        }

        public override void Fail(Exception exception)
        {
            // The unit's own exception wins; a failing batch turns every other answer into its exception too.
            _error ??= exception;
            _replay = null;
        }
    }
}
