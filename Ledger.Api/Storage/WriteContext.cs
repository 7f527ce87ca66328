using System.Text.Json;
using Dapper;
using Ledger.Api.Communities;
using Ledger.Api.Http;
using Ledger.Core.Audit;

namespace Ledger.Api.Storage;

/// <summary>What a unit of work sees: the write connection inside its own savepoint, the time, who asked, and the communities.</summary>
public sealed class WriteContext
{
    private readonly JsonSerializerOptions _json;

    /// <summary>Rows the connection has changed so far (only differences mean anything); null where not counted.</summary>
    private readonly Func<int?> _changes;

    private readonly CommunityContexts _communities;

    internal WriteContext(System.Data.Common.DbConnection connection, Database database, JsonSerializerOptions json, Func<int?> changes,
        CommunityContexts communities)
    {
        Connection = connection;
        _database = database;
        _json = json;
        _changes = changes;
        _communities = communities;
    }

    private readonly Database _database;

    /// <summary>The writer's connection; a new one after the old one broke (a database failover).</summary>
    public System.Data.Common.DbConnection Connection { get; internal set; }

    /// <summary>The id the next row of <paramref name="table"/> gets, from the database (see <see cref="ISqlDialect.NextId"/>).</summary>
    public long NextId(string table) => Connection.ExecuteScalar<long>(_database.Dialect.NextId(table));

    /// <summary>The time of this unit, read once so every row it writes agrees.</summary>
    public DateTimeOffset Now { get; internal set; }

    public string NowText => StoredTime.Time(Now);

    public Caller Caller { get; internal set; } = null!;

    /// <summary>The batch this unit commits with; units of one batch share one COMMIT.</summary>
    public long BatchId { get; internal set; }

    /// <summary>A community's zone and rule versions as this unit sees them (null when there is no such community).</summary>
    public CommunityContext? Community(long communityId) => _communities.Load(this, communityId);

    /// <summary>A community's time zone, for a unit that needs no rules (null when there is no such community).</summary>
    public TimeZoneInfo? Zone(long communityId) => _communities.Zone(this, communityId);

    /// <summary>
    /// The one way to write an audit event: in the unit that makes the change, so both commit or neither does.
    /// Subjects read "kind:id" (volunteer:42).
    /// </summary>
    public void Audit(AuditAction auditAction, string subject, object detail)
    {
        var action = auditAction.Name();
        var last = AuditHead();
        var id = NextId("audit_events");
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
    private int? _changesAtUnitStart;

    /// <summary>
    /// Runs once the unit's batch is durable (a cache to drop or to fill with what the unit read, for instance); not at
    /// all if the unit rolls back or its batch fails.
    /// </summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    internal void BeginUnit()
    {
        _unitMark = Snapshot();
        _changesAtUnitStart = _changes();
    }

    /// <summary>
    /// The unit's work changed rows but left no audit event (one written by a part that rolled back does not count:
    /// the audit head follows the savepoints). Asked once the work is done, before the writer's own bookkeeping.
    /// </summary>
    internal bool ChangedWithoutAudit => _auditHead == _unitMark.AuditHead && _changes() is { } now && now != _changesAtUnitStart;

    internal void RollBackUnit() => Restore(_unitMark);

    /// <summary>
    /// A batch begins, its lock taken. Where other nodes write too, the chain heads they may have moved are read again;
    /// account ids stay known, since an account once opened never changes its id.
    /// </summary>
    internal void BeginBatch()
    {
        if (!_database.SharedByNodes)
            return;
        _auditHead = null;
        _ledgerHead = null;
    }

    internal void CommitBatch()
    {
        foreach (var action in _afterCommit)
            action();
        _afterCommit.Clear();
        _accountsAdded.Clear();
    }

    /// <summary>
    /// The whole batch is gone: forget everything learnt in it (what was to be kept after the commit included), and
    /// read the heads afresh next time.
    /// </summary>
    internal void AbandonBatch()
    {
        _afterCommit.Clear();
        _accounts.Clear();
        _accountsAdded.Clear();
        _auditHead = null;
        _ledgerHead = null;
    }
}
