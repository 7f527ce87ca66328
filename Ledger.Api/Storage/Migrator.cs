using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Ledger.Api.Storage;

public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Applies the numbered scripts of the dialect's folder under migrations/ once each, in order, each in its own
/// transaction together with its row in schema_migrations — so a failing script leaves the database exactly at the
/// previous version.
/// </summary>
public static class Migrator
{
    /// <summary>The scripts shipped in the assembly for <paramref name="dialect"/> (migrations/sqlite/0001_initial.sql …).</summary>
    public static IReadOnlyList<Migration> Embedded(ISqlDialect dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var folder = $"migrations/{dialect.MigrationsFolder}/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(folder, StringComparison.Ordinal)))
        {
            var name = resource[folder.Length..];
            var digits = new string(name.TakeWhile(char.IsAsciiDigit).ToArray());
            if (digits.Length == 0)
                throw new MigrationException($"Migration '{name}' does not start with its number.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(int.Parse(digits), name, reader.ReadToEnd()));
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new MigrationException($"Two migrations share number {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        return migrations.OrderBy(m => m.Version).ToList();
    }

    /// <summary>Brings the database up to date; returns the names of the scripts it applied.</summary>
    public static IReadOnlyList<string> Apply(DbConnection connection, IReadOnlyList<Migration> migrations)
    {
        connection.Execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """);
        var applied = connection.Query<(long Version, string Name, string Checksum)>(
                "SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            .ToDictionary(r => r.Version);

        var done = new List<string>();
        foreach (var migration in migrations)
        {
            if (applied.TryGetValue(migration.Version, out var row))
            {
                // A shipped script is never edited: a changed one would mean databases built from different schemas.
                if (row.Checksum != migration.Checksum)
                    throw new MigrationException(
                        $"Migration {migration.Name} was changed after it was applied (applied as {row.Name}). " +
                        "Add a new numbered migration instead of editing a shipped one.");
                continue;
            }

            using var transaction = connection.BeginTransaction();
            try
            {
                connection.Execute(migration.Sql, transaction: transaction);
                connection.Execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @At)",
                    new { migration.Version, migration.Name, migration.Checksum, At = StoredTime.Time(DateTimeOffset.UtcNow) },
                    transaction);
                transaction.Commit();
            }
            catch (DbException ex)
            {
                transaction.Rollback();
                var version = applied.Count == 0 && done.Count == 0 ? "empty" : $"the migration before {migration.Name}";
                throw new MigrationException(
                    $"Migration {migration.Name} failed: {ex.Message}. Nothing of it was applied; the database is as it was ({version}).", ex);
            }
            done.Add(migration.Name);
        }
        return done;
    }
}
