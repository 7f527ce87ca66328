using Microsoft.Data.Sqlite;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Storage.Sqlite;

/// <summary>
/// <c>dotnet run --project Ledger.Api -- backup PATH</c> (or <c>dotnet Ledger.Api.dll backup PATH</c>): a consistent copy
/// of the live database made with SQLite's online backup API. It reads one snapshot while the service keeps writing
/// (WAL lets both run), so the copy is exactly the database as of one commit — chain and books intact.
/// </summary>
public static class Backup
{
    public const string Command = "backup";

    public static bool IsRequested(string[] args) => args.Length >= 1 && args[0] == Command;

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(string[] args, IConfiguration configuration)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Ledger.Api backup PATH   (copies the database named by ConnectionStrings:Ledger to PATH)");
            return 2;
        }
        var target = Path.GetFullPath(args[1]);
        if (File.Exists(target))
        {
            Console.Error.WriteLine($"{target} exists; choose a new file so no backup is overwritten by mistake.");
            return 2;
        }
        var database = new Database(configuration);
        if (!File.Exists(database.FilePath))
        {
            Console.Error.WriteLine($"There is no database at {database.FilePath}.");
            return 1;
        }
        var copied = Copy(database.ConnectionString, target);
        Console.WriteLine($"Backed up {database.FilePath} to {target} ({copied / 1024.0 / 1024.0:0.0} MB).");
        return 0;
    }

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
