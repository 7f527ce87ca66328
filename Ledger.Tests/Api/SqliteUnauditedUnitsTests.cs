using Dapper;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Audit;
using Ledger.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Api;

/// <summary>What the writer counts as a change committed without an audit event, which <see cref="WriteEndpointsTests"/> relies on.</summary>
public sealed class SqliteUnauditedUnitsTests
{
    private LedgerApp _app = null!;
    private long _community;

    private Writer Writer => _app.Services.GetRequiredService<Writer>();

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _app = new LedgerApp();
        _community = await Seed.Community(_app);
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    /// <summary>Runs the unit and says by how much it moved the writer's count of unaudited changes.</summary>
    private async Task<long> Unaudited(Func<WriteContext, Outcome<bool>> unit)
    {
        var before = Writer.Stats.Unaudited;
        await Writer.Run(Caller.System("unaudited-test"), unit);
        return Writer.Stats.Unaudited - before;
    }

    private void Touch(WriteContext w) =>
        w.Connection.Execute("UPDATE communities SET name = name WHERE id = @Id", new { Id = _community });

    [Test]
    public async Task AChangeWithoutAnAuditEvent_IsCounted()
    {
        Assert.That(await Unaudited(w => { Touch(w); return true; }), Is.EqualTo(1));
    }

    [Test]
    public async Task AChangeWithItsAuditEvent_IsNotCounted()
    {
        Assert.That(await Unaudited(w => { Touch(w); w.Audit(AuditAction.CommunityCreated, $"community:{_community}", new { }); return true; }), Is.Zero);
    }

    [Test]
    public async Task AUnitThatChangesNothing_IsNotCounted()
    {
        Assert.That(await Unaudited(w => w.Connection.ExecuteScalar<long>("SELECT COUNT(*) FROM communities") > 0), Is.Zero);
    }

    [Test]
    public async Task ARefusedUnit_CommitsNothing_AndIsNotCounted()
    {
        Assert.That(await Unaudited(w => { Touch(w); return Failure.Conflict("conflict", "bad-request", "refused on purpose"); }), Is.Zero);
    }

    [Test]
    public async Task AnAuditEventOfAPartThatRolledBack_DoesNotCoverTheChange()
    {
        var moved = await Unaudited(w =>
        {
            w.Isolated<bool>(() =>
            {
                w.Audit(AuditAction.CommunityCreated, $"community:{_community}", new { });
                return Failure.Conflict("conflict", "bad-request", "undone on purpose");
            });
            Touch(w);
            return true;
        });
        Assert.That(moved, Is.EqualTo(1));
    }
}
