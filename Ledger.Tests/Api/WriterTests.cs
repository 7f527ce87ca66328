using System.Data.Common;
using Dapper;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Api;

/// <summary>The one write path: group commit, and savepoints that keep one unit's failure to itself.</summary>
public sealed class WriterTests
{
    private LedgerApp _app = null!;

    /// <summary>Which action a writer test's event names does not matter to the writer; its subjects tell them apart.</summary>
    private const AuditAction AnyAction = AuditAction.VolunteerUpdated;

    /// <summary>Owned by the app's container, which disposes it.</summary>
    private Writer _writer => _app.Services.GetRequiredService<Writer>();

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _app = new LedgerApp();
        await _app.Admin().GetAsync("/health");
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    private static Caller Test(string id) => Caller.System(id);

    /// <summary>Holds the writer inside a unit until released, so everything submitted meanwhile queues up for one batch.</summary>
    private async Task<(Task Blocker, ManualResetEventSlim Release)> HoldWriter()
    {
        var entered = new TaskCompletionSource();
        var release = new ManualResetEventSlim();
        var blocker = _writer.Run<bool>(Test("blocker"), _ =>
        {
            entered.SetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return true;
        });
        await entered.Task;
        return (blocker, release);
    }

    [Test]
    public async Task ConcurrentWrites_CommitInFewerTransactionsThanWrites()
    {
        const int n = 100;
        var before = _writer.Stats;
        var (blocker, release) = await HoldWriter();
        var writes = Enumerable.Range(0, n).Select(i => _writer.Run<long>(Test($"w{i}"), w =>
        {
            w.Audit(AnyAction, $"writer-test:{i}", new { i });
            return w.BatchId;
        })).ToList();
        release.Set();
        await blocker;
        var batches = (await Task.WhenAll(writes)).Select(o => o.Value).ToList();

        var after = _writer.Stats;
        Assert.That(after.Units - before.Units, Is.EqualTo(n + 1));
        Assert.That(after.Batches - before.Batches, Is.LessThan(n), "no commit was shared");
        Assert.That(batches.Distinct().Count(), Is.EqualTo(1), "units queued together should commit together");
        Assert.That(_app.Database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE subject LIKE 'writer-test:%'"), Is.EqualTo(n));
    }

    [Test]
    public async Task AFailingUnit_RollsBackOnlyItself()
    {
        var (blocker, release) = await HoldWriter();
        var ok1 = _writer.Run<long>(Test("ok1"), w => { w.Audit(AnyAction, "isolation:ok1", new { }); return w.BatchId; });
        var refused = _writer.Run<long>(Test("refused"), w =>
        {
            w.Audit(AnyAction, "isolation:refused", new { });
            return Failure.Conflict("conflict", "bad-request", "refused on purpose");
        });
        var thrown = _writer.Run<long>(Test("thrown"), w =>
        {
            w.Audit(AnyAction, "isolation:thrown", new { });
            w.Connection.Execute("INSERT INTO no_such_table VALUES (1)");
            return w.BatchId;
        });
        var ok2 = _writer.Run<long>(Test("ok2"), w => { w.Audit(AnyAction, "isolation:ok2", new { }); return w.BatchId; });
        release.Set();
        await blocker;

        var first = await ok1;
        var second = await ok2;
        Assert.That((await refused).Failure!.Code, Is.EqualTo("conflict"));
        Assert.That(async () => await thrown, Throws.InstanceOf<DbException>());
        Assert.That(first.Value, Is.EqualTo(second.Value), "the four units were meant to share a batch");

        var subjects = _app.Database.Query<string>("SELECT subject FROM audit_events WHERE subject LIKE 'isolation:%' ORDER BY subject");
        Assert.That(subjects, Is.EqualTo(new[] { "isolation:ok1", "isolation:ok2" }));
        // The chain head the writer keeps in memory followed the rollbacks: what was kept still chains without a gap.
        var verify = await (await _app.Admin().GetAsync("/api/v1/audit/verify")).Read<System.Text.Json.JsonElement>();
        Assert.That(verify.GetProperty("ok").GetBoolean(), Is.True, verify.ToString());
    }

    [Test]
    public async Task CallerIsAnsweredOnlyAfterCommit_SoAReadSeesTheWrite()
    {
        var outcome = await _writer.Run<long>(Test("visible"), w =>
        {
            w.Audit(AnyAction, "visible:1", new { });
            return w.Connection.ExecuteScalar<long>("SELECT MAX(id) FROM audit_events");
        });
        Assert.That(_app.Database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE id = @Id", new { Id = outcome.Value }), Is.EqualTo(1));
    }
}
