using System.Diagnostics;
using Ledger.Tests.Builders;
using Npgsql;

namespace Ledger.Tests.Api;

/// <summary>
/// The backup command on PostgreSQL: pg_dump's custom format, taken while a node keeps writing, which pg_restore turns
/// into a database that a node starts on, verifies and balances.
/// </summary>
public sealed class PostgresBackupTests
{
    [Test]
    public async Task TheBackupCommand_TakenWhileWritesContinue_RestoresWithPgRestore_ToAVerifiedBalancedLedger()
    {
        var cluster = PostgresCluster.Require("PostgreSQL backup test");
        var database = TestDatabase.Postgres(cluster.CreateDatabase());
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var node = new ServiceProcess(database, folder);
        await node.Start();
        using var admin = node.Client(LedgerApp.AdminKey);
        var community = (await admin.CreateCommunity("备份")).Id();
        var volunteers = new List<long>();
        for (var i = 0; i < 4; i++)
            volunteers.Add((await admin.RegisterVolunteer(Seed.VolunteerBody(community, $"备份{i}"))).Id());

        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writers = volunteers.Select(v => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await admin.PostJson("/api/v1/service-records", Records.Body(v, Records.FreeSlot(), 30, approveScore: 5));
                Assert.That((int)response.StatusCode, Is.LessThan(500));
                Interlocked.Increment(ref writes);
            }
        })).ToList();
        await Task.Delay(300);
        var dump = Path.Combine(folder, "backup", "ledger.dump");
        await using (var backup = new ServiceProcess(database, folder))
        {
            backup.Launch(["backup", dump]);
            Assert.That(await backup.WaitForExit(TimeSpan.FromSeconds(60)), Is.Zero, backup.Output);
            Assert.That(backup.Output, Does.Contain("Backed up"));
        }
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.That(writes, Is.GreaterThan(10), "writes were running while the dump was taken");

        var restored = TestDatabase.Postgres(cluster.CreateDatabase());
        var target = new NpgsqlConnectionStringBuilder(restored.ConnectionString);
        using (var restore = Process.Start(new ProcessStartInfo("pg_restore",
                   ["--no-owner", $"--host={target.Host}", $"--port={target.Port}", $"--username={target.Username}", $"--dbname={target.Database}", dump])
               { RedirectStandardError = true })!)
        {
            var errors = await restore.StandardError.ReadToEndAsync();
            await restore.WaitForExitAsync();
            Assert.That(restore.ExitCode, Is.Zero, errors);
        }

        await using var onTheCopy = new ServiceProcess(restored, folder);
        await onTheCopy.Start();
        using var copyAdmin = onTheCopy.Client(LedgerApp.AdminKey);
        var verify = await copyAdmin.GetJson("/api/v1/audit/verify");
        Assert.That(verify.GetProperty("ok").GetBoolean(), Is.True, verify.ToString());
        Assert.That(verify.GetProperty("checkedTransactions").GetInt64(), Is.GreaterThan(0));
        var trial = await copyAdmin.GetJson($"/api/v1/ledger/trial-balance?communityId={community}");
        Assert.That(trial.GetProperty("total").GetInt64(), Is.Zero);
        Invariants.Check(restored);
        // The restored copy takes writes: its sequences carry on after the restored rows.
        await copyAdmin.RegisterVolunteer(Seed.VolunteerBody(community, "恢复后"));
        await copyAdmin.Adjust(volunteers[0], 5, "恢复后调整");
    }
}
