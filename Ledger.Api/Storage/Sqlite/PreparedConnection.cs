using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Ledger.Api.Storage.Sqlite;

/// <summary>
/// A connection that keeps every SQL text it has run prepared. Dapper creates and disposes a command per call, and
/// Microsoft.Data.Sqlite re-prepares the statement each time; on the hot paths that preparation costs more than the
/// query. Here a command is created once per text and connection and handed out again, only its parameters cleared.
/// Connections live in a small pool of their own (<see cref="Database"/>), so the prepared statements survive.
/// </summary>
public sealed class PreparedConnection : DbConnection
{
    /// <summary>Texts beyond this many (list expansions of IN @ids make new ones) run unprepared rather than grow the cache.</summary>
    private const int MaxCachedStatements = 400;

    private readonly SqliteConnection _inner;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Action<PreparedConnection>? _release;

    internal PreparedConnection(SqliteConnection inner, Action<PreparedConnection>? release)
    {
        _inner = inner;
        _release = release;
    }

    public SqliteConnection Inner => _inner;

    /// <summary>True while a transaction opened with plain SQL (BEGIN) is still open.</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(_inner.Handle) == 0;

    /// <summary>
    /// Rows inserted, updated or deleted on this connection since it opened (wrapping at 2^32; take differences). A
    /// counter SQLite keeps anyway, read without a statement, so the writer can ask it around every unit.
    /// </summary>
    public int TotalChanges => SQLitePCL.raw.sqlite3_total_changes(_inner.Handle);

    /// <summary>Sees each SQL text the first time a connection prepares it; tests use it to check query plans.</summary>
    internal static Action<string>? Preparing { get; set; }

    internal SqliteCommand Rent(string sql, out bool cached)
    {
        if (_commands.TryGetValue(sql, out var command))
        {
            command.Parameters.Clear();
            cached = true;
            return command;
        }
        Preparing?.Invoke(sql);
        command = _inner.CreateCommand();
        command.CommandText = sql;
        cached = _commands.Count < MaxCachedStatements;
        if (cached)
            _commands[sql] = command;
        return command;
    }

    [AllowNull]
    public override string ConnectionString
    {
        get => _inner.ConnectionString;
        set => throw new NotSupportedException("A prepared connection keeps its connection string.");
    }

    public override string Database => _inner.Database;
    public override string DataSource => _inner.DataSource;
    public override string ServerVersion => _inner.ServerVersion;
    public override ConnectionState State => _inner.State;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();
    public override void Open() => _inner.Open();
    public override void Close() => Dispose(true);

    /// <summary>Transactions are opened with plain SQL (BEGIN / SAVEPOINT), so commands never need a transaction object.</summary>
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) =>
        throw new NotSupportedException("Use BEGIN/COMMIT through Database.Snapshot or the Writer.");

    protected override DbCommand CreateDbCommand() => new PreparedCommand(this);

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        if (_release is not null)
        {
            _release(this);
            return;
        }
        Destroy();
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        return ValueTask.CompletedTask;
    }

    internal void Destroy()
    {
        foreach (var command in _commands.Values)
            command.Dispose();
        _commands.Clear();
        _inner.Dispose();
    }
}

/// <summary>A command that borrows its connection's prepared statement for its text.</summary>
public sealed class PreparedCommand(PreparedConnection connection) : DbCommand
{
    private SqliteCommand? _inner;
    private bool _cached;
    private string _text = "";

    private SqliteCommand Inner => _inner ?? throw new InvalidOperationException("Set CommandText first.");

    [AllowNull]
    public override string CommandText
    {
        get => _text;
        set
        {
            // Dapper rewrites the text after binding when it expands a list (IN @ids): the parameters move along.
            var bound = _inner?.Parameters.Cast<SqliteParameter>()
                .Select(p => new SqliteParameter(p.ParameterName, p.Value) { DbType = p.DbType, Size = p.Size })
                .ToList();
            ReleaseInner();
            _text = value ?? "";
            _inner = connection.Rent(_text, out _cached);
            if (bound is { Count: > 0 })
                _inner.Parameters.AddRange(bound);
        }
    }

    public override int CommandTimeout { get => Inner.CommandTimeout; set { if (_inner is not null) _inner.CommandTimeout = value; } }
    public override CommandType CommandType { get => CommandType.Text; set { if (value != CommandType.Text) throw new NotSupportedException(); } }
    public override bool DesignTimeVisible { get; set; }
    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get => connection; set { } }
    protected override DbParameterCollection DbParameterCollection => Inner.Parameters;
    protected override DbTransaction? DbTransaction { get => null; set { } }

    public override void Cancel() => _inner?.Cancel();
    public override int ExecuteNonQuery() => PrefixedNames().ExecuteNonQuery();
    public override object? ExecuteScalar() => PrefixedNames().ExecuteScalar();
    public override void Prepare() => Inner.Prepare();
    protected override DbParameter CreateDbParameter() => new SqliteParameter();
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => PrefixedNames().ExecuteReader(behavior);

    private static readonly ConcurrentDictionary<string, string> Prefixed = new(StringComparer.Ordinal);

    /// <summary>
    /// Dapper names parameters without their prefix ("Id"); Microsoft.Data.Sqlite then looks such a name up four
    /// times ("Id", "@Id", "$Id", ":Id"), a native call each, on every execution. Our SQL writes every parameter as
    /// @Name, so naming them so binds each with one look-up.
    /// </summary>
    private SqliteCommand PrefixedNames()
    {
        var parameters = Inner.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var name = parameter.ParameterName;
            if (name.Length > 0 && name[0] is not ('@' or '$' or ':'))
                parameter.ParameterName = Prefixed.Count < 10_000 ? Prefixed.GetOrAdd(name, static n => "@" + n) : "@" + name;
        }
        return Inner;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            ReleaseInner();
        base.Dispose(disposing);
    }

    private void ReleaseInner()
    {
        if (_inner is not null && !_cached)
            _inner.Dispose();
        else
            _inner?.Parameters.Clear();
        _inner = null;
    }
}

/// <summary>The read connections, kept open with their prepared statements; a connection given back mid-transaction is rolled back first.</summary>
internal sealed class ConnectionPool(Func<SqliteConnection> open, int capacity)
{
    private readonly ConcurrentBag<PreparedConnection> _idle = new();
    private int _count;

    public PreparedConnection Rent()
    {
        if (_idle.TryTake(out var connection))
            return connection;
        Interlocked.Increment(ref _count);
        return new PreparedConnection(open(), Return);
    }

    private void Return(PreparedConnection connection)
    {
        if (connection.State != ConnectionState.Open || Volatile.Read(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            connection.Destroy();
            return;
        }
        if (connection.InTransaction)
        {
            using var rollback = connection.Inner.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }
        _idle.Add(connection);
    }

    public void Clear()
    {
        while (_idle.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _count);
            connection.Destroy();
        }
    }
}
