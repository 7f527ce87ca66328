using System.Net;
using Ledger.Tests.Builders;
using Npgsql;

namespace Ledger.Tests.Api;

/// <summary>
/// A node on PostgreSQL whose database goes away (a failover, a restart) says so on /health/ready, so the balancer sends
/// requests elsewhere, stays alive on /health, answers a write with 503 rather than 500, and carries on by itself once
/// the database is back — its write connection included.
/// </summary>
public sealed class PostgresReadinessTests
{
    [Test]
    public async Task ANodeWhoseDatabaseGoesAway_IsNotReady_AndRecoversByItself()
    {
        var cluster = PostgresCluster.Require("readiness test");
        var database = TestDatabase.Postgres(cluster.CreateDatabase());
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var node = new ServiceProcess(database, folder);
        await node.Start();
        using var admin = node.Client(LedgerApp.AdminKey);
        using var anonymous = new HttpClient { BaseAddress = node.Address };
        var community = (await admin.CreateCommunity("就绪")).Id();
        Assert.That((await anonymous.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The database disappears under the node: its sessions end, and it can no longer be found by name.
        TestDatabase.ReleaseAll();
        using (var postgres = new NpgsqlConnection(cluster.ConnectionString("postgres")))
        {
            postgres.Open();
            using var rename = new NpgsqlCommand($"ALTER DATABASE \"{name}\" RENAME TO \"{name}_away\"", postgres);
            using var end = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @Name", postgres);
            end.Parameters.AddWithValue("Name", name);
            end.ExecuteNonQuery();
            rename.ExecuteNonQuery();
        }
        await Seed.Problem(await anonymous.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable, "database-unavailable");
        Assert.That((await anonymous.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "alive all the same");
        await Seed.Problem(await admin.PostJson("/api/v1/communities", new { name = "不会建成", street = "某街道", district = "某区" }),
            HttpStatusCode.ServiceUnavailable, "database-unavailable");

        using (var postgres = new NpgsqlConnection(cluster.ConnectionString("postgres")))
        {
            postgres.Open();
            using var back = new NpgsqlCommand($"ALTER DATABASE \"{name}_away\" RENAME TO \"{name}\"", postgres);
            back.ExecuteNonQuery();
        }
        Assert.That((await anonymous.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var volunteer = await admin.RegisterVolunteer(Seed.VolunteerBody(community, "回来了"));
        Assert.That(volunteer.Id(), Is.GreaterThan(0), "a write goes through on a new write connection");
        Assert.That(database.Scalar<long>("SELECT COUNT(*) FROM communities"), Is.EqualTo(1), "the refused write left nothing");
    }
}
