using System.Net;
using Ledger.Api.Storage.Sqlite;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class SqliteBackupTests
{
    [Test]
    public async Task AnOnlineBackup_TakenWhileWritesContinue_RestoresToAVerifiedBalancedLedger()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var staff = (await Seed.Key(app, "staff", community)).Key;
        var volunteers = new List<long>();
        for (var i = 0; i < 8; i++)
            volunteers.Add((await Seed.Volunteer(app, staff, community)).Id());

        using var stop = new CancellationTokenSource();
        var client = app.Client(staff);
        var writes = 0;
        var writers = volunteers.Select(v => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await client.PostJson("/api/v1/service-records", Records.Body(v, Records.FreeSlot(), 30, approveScore: 5));
                Assert.That((int)response.StatusCode, Is.LessThan(500));
                Interlocked.Increment(ref writes);
            }
        })).ToList();

        await Task.Delay(300);
        var target = Path.Combine(app.Folder, "backup", "ledger.db");
        var size = Backup.Copy(app.ConnectionString, target);
        await Task.Delay(200);
        stop.Cancel();
        await Task.WhenAll(writers);
        Assert.That(size, Is.GreaterThan(0));
        Assert.That(writes, Is.GreaterThan(10), "writes were running while the copy was taken");

        await using var restored = new LedgerApp(Path.GetDirectoryName(target));
        var verify = await restored.Admin().GetJson("/api/v1/audit/verify");
        Assert.That(verify.GetProperty("ok").GetBoolean(), Is.True, verify.ToString());
        Assert.That(verify.GetProperty("checkedTransactions").GetInt64(), Is.GreaterThan(0));
        var trial = await restored.Admin().GetJson($"/api/v1/ledger/trial-balance?communityId={community}");
        Assert.That(trial.GetProperty("total").GetInt64(), Is.Zero);
        Invariants.Check(restored);
        Assert.That((await restored.Client(staff).GetAsync($"/api/v1/volunteers/{volunteers[0]}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
