using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Infrastructure;

public sealed class WriterStoppedException() : Exception("The writer has stopped; the service is shutting down.");

/// <summary>What a unit of work sees: the write connection inside its own savepoint, the time, and who asked.</summary>
public sealed class WriteContext
{
    private readonly JsonSerializerOptions _json;

    internal WriteContext(System.Data.Common.DbConnection connection, JsonSerializerOptions json)
    {
        Connection = connection;
        _json = json;
    }

    public System.Data.Common.DbConnection Connection { get; }

    /// <summary>The time of this unit, read once so every row it writes agrees.</summary>
    public DateTimeOffset Now { get; internal set; }

    public string NowText => Sql.Time(Now);

    public Caller Caller { get; internal set; } = null!;

    /// <summary>The batch this unit commits with; units of one batch share one COMMIT.</summary>
    public long BatchId { get; internal set; }

    /// <summary>
    /// The one way to write an audit event: in the unit that makes the change, so both commit or neither does.
    /// Subjects read "kind:id" (volunteer:42).
    /// </summary>
    public void Audit(string action, string subject, object detail)
    {
        var last = AuditHead();
        var id = last.Id + 1;
        var at = NowText;
        var json = JsonSerializer.Serialize(detail, _json);
        var hash = Chain.Hash(Chain.Previous(last.Hash), Chain.AuditEvent(id, at, Caller.KeyId, action, subject, Caller.RequestId, json));
        Connection.Execute(
            """
            INSERT INTO audit_events (id, at, actor_key_id, action, subject, request_id, detail, hash)
            VALUES (@Id, @At, @Actor, @Action, @Subject, @RequestId, @Detail, @Hash)
            """,
            new { Id = id, At = at, Actor = Caller.KeyId, Action = action, Subject = subject, Caller.RequestId, Detail = json, Hash = hash });
        _auditHead = (id, hash);
    }

    // The heads of the two hash chains and the ids of accounts, kept between units so each is read once, not per row.
    // They follow the savepoints: a unit (or part) that rolls back restores them, a failed batch forgets them.
    private (long Id, string? Hash)? _auditHead;
    private (long Id, string? Hash)? _ledgerHead;
    private readonly Dictionary<Core.Ledger.AccountRef, long> _accounts = new();
    private readonly List<Core.Ledger.AccountRef> _accountsAdded = new();

    private (long Id, string? Hash) AuditHead() => _auditHead ??= Connection.QuerySingleOrDefault<(long, string?)?>(
        "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1") ?? (0, null);

    /// <summary>The last ledger transaction's id and hash: the one the next transaction chains from.</summary>
    public (long Id, string? Hash) LedgerHead() => _ledgerHead ??= Connection.QuerySingleOrDefault<(long, string?)?>(
        "SELECT id, hash FROM ledger_transactions ORDER BY id DESC LIMIT 1") ?? (0, null);

    public void LedgerAppended(long id, string hash) => _ledgerHead = (id, hash);

    public bool TryAccount(Core.Ledger.AccountRef account, out long id) => _accounts.TryGetValue(account, out id);

    public void RememberAccount(Core.Ledger.AccountRef account, long id)
    {
        if (_accounts.TryAdd(account, id))
            _accountsAdded.Add(account);
    }

    internal readonly record struct Mark(int AfterCommit, int Accounts, (long, string?)? AuditHead, (long, string?)? LedgerHead);

    internal Mark Snapshot() => new(_afterCommit.Count, _accountsAdded.Count, _auditHead, _ledgerHead);

    internal void Restore(Mark mark)
    {
        _afterCommit.RemoveRange(mark.AfterCommit, _afterCommit.Count - mark.AfterCommit);
        for (var i = mark.Accounts; i < _accountsAdded.Count; i++)
            _accounts.Remove(_accountsAdded[i]);
        _accountsAdded.RemoveRange(mark.Accounts, _accountsAdded.Count - mark.Accounts);
        _auditHead = mark.AuditHead;
        _ledgerHead = mark.LedgerHead;
    }

    /// <summary>
    /// Runs part of a unit in a nested savepoint: a failure undoes only that part and is returned, so a batch call
    /// (bulk attendance) can keep its good entries and report its bad ones. An exception is a bug, not a bad entry:
    /// it fails the whole unit.
    /// </summary>
    public Outcome<T> Isolated<T>(Func<Outcome<T>> part)
    {
        Connection.Execute("SAVEPOINT part");
        var mark = Snapshot();
        var outcome = part();
        if (!outcome.IsSuccess)
        {
            Connection.Execute("ROLLBACK TO part");
            Restore(mark);
        }
        Connection.Execute("RELEASE part");
        return outcome;
    }

    internal string Serialize<T>(T value) => JsonSerializer.Serialize(value, _json);

    private readonly List<Action> _afterCommit = new();
    private Mark _unitMark;

    /// <summary>Runs once the unit's batch is durable (caches to drop, for instance); not at all if the unit rolls back.</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    internal void BeginUnit() => _unitMark = Snapshot();

    internal void RollBackUnit() => Restore(_unitMark);

    internal void CommitBatch()
    {
        foreach (var action in _afterCommit)
            action();
        _afterCommit.Clear();
        _accountsAdded.Clear();
    }

    /// <summary>The whole batch is gone: forget everything learnt in it, and read the heads afresh next time.</summary>
    internal void AbandonBatch()
    {
        _afterCommit.Clear();
        _accounts.Clear();
        _accountsAdded.Clear();
        _auditHead = null;
        _ledgerHead = null;
    }
}

public sealed record WriterStats(long Batches, long Units, int LargestBatch);

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
    private readonly ILogger<Writer> _logger;
    private readonly JsonSerializerOptions _json;
    private readonly Lock _startLock = new();
    private Task? _loop;
    private PreparedConnection? _connection;
    private long _batches;
    private long _units;
    private int _largestBatch;

    public Writer(Database database, TimeProvider clock, ILogger<Writer> logger, IOptions<JsonOptions> json)
    {
        _database = database;
        _clock = clock;
        _logger = logger;
        _json = json.Value.SerializerOptions;
    }

    public WriterStats Stats => new(Interlocked.Read(ref _batches), Interlocked.Read(ref _units), Volatile.Read(ref _largestBatch));

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
    /// Runs <paramref name="work"/> in the next batch. On success with an Idempotency-Key, the answer is stored with
    /// the change (as <paramref name="successStatus"/>), so a replay can never find one without the other.
    /// </summary>
    public async Task<Outcome<T>> Run<T>(Caller caller, int successStatus, Func<WriteContext, Outcome<T>> work)
    {
        var item = new WorkItem<T>(caller, successStatus, work);
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
        var connection = _connection!;
        var context = new WriteContext(connection, _json);
        var batch = new List<WorkItem>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                batch.Add(item);
            try
            {
                RunBatch(connection, context, batch);
            }
            catch (Exception ex)
            {
                // Only BEGIN/COMMIT/SAVEPOINT themselves land here (a full disk, an I/O error): the whole batch failed.
                _logger.LogError(ex, "Write batch of {Count} units failed; none of it was committed", batch.Count);
                TryExecute(connection, "ROLLBACK");
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

    private void RunBatch(PreparedConnection connection, WriteContext context, List<WorkItem> batch)
    {
        var batchId = Interlocked.Increment(ref _batches);
        connection.Execute(Sql.BeginWrite);
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
            connection.Execute("RELEASE unit");
        }
        connection.Execute("COMMIT");
        context.CommitBatch();

        Interlocked.Add(ref _units, batch.Count);
        if (batch.Count > _largestBatch)
            Volatile.Write(ref _largestBatch, batch.Count);
        foreach (var item in batch)
            item.Complete();
    }

    private static void TryExecute(PreparedConnection connection, string sql)
    {
        try
        {
            connection.Execute(sql);
        }
        catch (SqliteException)
        {
            // No transaction was open: nothing to undo.
        }
    }

    private abstract class WorkItem(Caller caller)
    {
        public Caller Caller { get; } = caller;

        /// <summary>Runs the unit; true when its changes are to be kept.</summary>
        public abstract bool Execute(WriteContext context);

        /// <summary>Answers the caller; called only once the batch is committed, or has failed as a whole.</summary>
        public abstract void Complete();

        /// <summary>Records that the unit, or its whole batch, failed with an exception.</summary>
        public abstract void Fail(Exception exception);
    }

    private sealed class WorkItem<T>(Caller caller, int successStatus, Func<WriteContext, Outcome<T>> work) : WorkItem(caller)
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
                var stored = Idempotency.Find(context.Connection, ticket);
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
            if (ticket is not null)
                Idempotency.Store(context, ticket, successStatus, context.Serialize(_outcome.Value));
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
