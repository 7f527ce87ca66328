using Dapper;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Core.Audit;

namespace Ledger.Api.Hosting;

/// <summary>
/// Brings the database up before the server takes requests (migrations, the writer, the first admin key) and drains
/// the writer after the server has stopped, so in-flight requests finish and nothing acknowledged is lost.
/// </summary>
public sealed class DatabaseLifecycle(
    Database database,
    Writer writer,
    IConfiguration configuration,
    ILogger<DatabaseLifecycle> logger) : IHostedLifecycleService
{
    public const int MinBootstrapKeyLength = 16;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        StoredTime.ConfigureDapper();
        Validation.ConfigureGlobalOptions();

        using (var connection = database.OpenForMigrations())
        {
            var applied = Migrator.Apply(connection, Migrator.Embedded(database.Dialect));
            if (applied.Count > 0)
                logger.LogInformation("Database {Location}: applied migrations {Migrations}", database.Location, string.Join(", ", applied));
        }
        writer.Start();
        await BootstrapAdminKey();
    }

    /// <summary>
    /// A database without any key gets one admin key: the configured one, or a generated one written to the log once.
    /// This is the only time a key appears in the log.
    /// </summary>
    /// <summary>The configured first admin key (null: generate one), refused when it is too weak to be a key.</summary>
    public static string? ConfiguredBootstrapKey(IConfiguration configuration)
    {
        var configured = configuration["Ledger:BootstrapAdminKey"];
        if (string.IsNullOrEmpty(configured))
            return null;
        if (configured.Length < MinBootstrapKeyLength || configured.Any(char.IsWhiteSpace))
            throw new StartRefusedException($"Ledger:BootstrapAdminKey must be at least {MinBootstrapKeyLength} characters without spaces.");
        return configured;
    }

    private async Task BootstrapAdminKey()
    {
        var configured = ConfiguredBootstrapKey(configuration);
        var key = string.IsNullOrEmpty(configured) ? ApiKeySecrets.Generate() : configured;

        var outcome = await writer.Run<long>(Caller.System("startup"), w =>
        {
            if (w.Connection.ExecuteScalar<long>("SELECT COUNT(*) FROM api_keys") > 0)
                return 0L;
            return ApiKeys.ApiKeysApi.Issue(w, "bootstrap admin", Roles.Admin, null, key, AuditAction.ApiKeyBootstrapped).Id;
        });
        if (outcome.Value == 0)
            return;
        if (string.IsNullOrEmpty(configured))
            logger.LogWarning("No API key existed, so an admin key was generated. It is shown this once: {AdminKey}", key);
        else
            logger.LogInformation("No API key existed; the configured Ledger:BootstrapAdminKey is now an admin key");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => writer.StopAsync(cancellationToken);
}
