using Ledger.Tests.Builders;
using Npgsql;

namespace Ledger.Tests.Api;

/// <summary>
/// The throw-away PostgreSQL cluster the PostgreSQL runs of the suite will stand on: it starts, takes connections, keeps
/// text in the C collation (stored times sort as text, as in SQLite) and gives each caller a database of its own.
/// </summary>
public sealed class PostgresClusterTests
{
    [Test]
    public void ThrowAwayCluster_Starts_WithUtf8AndTheCCollation_AndADatabasePerCaller()
    {
        var cluster = PostgresCluster.Require("PostgreSQL cluster test");
        var first = cluster.CreateDatabase();
        var second = cluster.CreateDatabase();
        Assert.That(first, Is.Not.EqualTo(second));

        using (var a = new NpgsqlConnection(first))
        {
            a.Open();
            Assert.That(Scalar(a, "SHOW server_version_num"), Does.StartWith("15").Or.StartWith("16").Or.StartWith("17"));
            Assert.That(Scalar(a, "SHOW server_encoding"), Is.EqualTo("UTF8"));
            Assert.That(Scalar(a, "SELECT datcollate FROM pg_database WHERE datname = current_database()"), Is.EqualTo("C"));
            // The stored time form: text order is time order only under a byte-wise collation.
            Assert.That(Scalar(a, "SELECT string_agg(t, ',' ORDER BY t) FROM (VALUES ('2026-12-03T10:00:00.000Z'), ('2026-02-03T10:00:00.000Z'), ('2026-12-03T09:59:59.999Z')) v(t)"),
                Is.EqualTo("2026-02-03T10:00:00.000Z,2026-12-03T09:59:59.999Z,2026-12-03T10:00:00.000Z"));
            Execute(a, "CREATE TABLE only_here (id bigint PRIMARY KEY)");
        }
        using var b = new NpgsqlConnection(second);
        b.Open();
        Assert.That(Scalar(b, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'"), Is.EqualTo("0"), "the databases are not separate");
    }

    private static string? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar()?.ToString();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
