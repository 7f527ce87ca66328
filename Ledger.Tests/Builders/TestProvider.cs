namespace Ledger.Tests.Builders;

/// <summary>
/// The database this build of the suite runs on. Ledger.Tests runs it on SQLite; Ledger.Tests.Postgres compiles the
/// same files with LEDGER_POSTGRES and runs them on a throw-away PostgreSQL cluster — except files whose name starts
/// with "Sqlite" (SQLite-specific by nature: query plans, the file, its pragmas) and those that test no storage.
/// </summary>
public static class TestProvider
{
#if LEDGER_POSTGRES
    public const string Name = "postgresql";
#else
    public const string Name = "sqlite";
#endif

    public static bool IsPostgres => Name == "postgresql";
}
