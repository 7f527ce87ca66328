using Microsoft.Data.Sqlite;

namespace Ledger.Api.Storage.Sqlite;

/// <summary>
/// A consistent copy of a live SQLite database, made with SQLite's online backup API. It reads one snapshot while the
/// service keeps writing (WAL lets both run), so the copy is exactly the database as of one commit — chain and books
/// intact. The <c>backup</c> command (<see cref="Hosting.BackupCommand"/>) reaches it through <see cref="Database.BackUp"/>.
/// </summary>
public static class Backup
{
    /// <summary>Copies a live database to a new file; returns the size of the copy in bytes.</summary>
    public static long Copy(string sourceConnectionString, string targetPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(targetPath)!);
        using (var source = new SqliteConnection(sourceConnectionString))
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = targetPath, Pooling = false }.ToString()))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);
            // The copy is a standalone file: no WAL beside it to lose when it is moved.
            using var command = target.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=DELETE;";
            command.ExecuteNonQuery();
        }
        return new FileInfo(targetPath).Length;
    }
}
