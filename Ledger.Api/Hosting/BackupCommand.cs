using Ledger.Api.Storage;

namespace Ledger.Api.Hosting;

/// <summary>
/// <c>dotnet run --project Ledger.Api -- backup PATH</c> (or <c>dotnet Ledger.Api.dll backup PATH</c>): a consistent copy
/// of the live database, taken while the service keeps running (<see cref="Database.BackUp"/>).
/// </summary>
public static class BackupCommand
{
    public const string Name = "backup";

    public static bool IsRequested(string[] args) => args.Length >= 1 && args[0] == Name;

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
        Database database;
        try
        {
            database = LedgerSetup.CreateDatabase(configuration);
        }
        catch (StartRefusedException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        using var _ = database;
        if (database.BackUp(target) is not { } copied)
        {
            Console.Error.WriteLine($"There is no database at {database.Location}.");
            return 1;
        }
        Console.WriteLine($"Backed up {database.Location} to {target} ({copied / 1024.0 / 1024.0:0.0} MB).");
        return 0;
    }
}
