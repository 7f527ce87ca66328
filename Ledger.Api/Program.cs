using Ledger.Api.Activities;
using Ledger.Api.ApiKeys;
using Ledger.Api.Audit;
using Ledger.Api.Communities;
using Ledger.Api.Demo;
using Ledger.Api.Hosting;
using Ledger.Api.Storage;
using Ledger.Api.Points;
using Ledger.Api.Redemptions;
using Ledger.Api.Reports;
using Ledger.Api.Rewards;
using Ledger.Api.Rules;
using Ledger.Api.ServiceRecords;
using Ledger.Api.Volunteers;

var (demo, hostArgs) = DemoData.Request.Parse(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = LedgerSetup.PublishedContentRoot() });
if (BackupCommand.IsRequested(args))
    return BackupCommand.Run(args, builder.Configuration);

// Settings the service cannot start with end the process with their reason and exit code 1, before anything is
// opened, instead of an abort with a stack trace; the same checks still stand where each setting is used.
if (LedgerSetup.RefusedSettings(builder.Configuration) is { } refused)
{
    Console.Error.WriteLine($"The service did not start: {refused}");
    return 1;
}
builder.Services.AddLedger(builder.Configuration);

var app = builder.Build();
app.UseLedger();
app.MapCommunitiesApi();
app.MapApiKeysApi();
app.MapRulesApi();
app.MapVolunteersApi();
app.MapVolunteerCard();
app.MapServiceRecordsApi();
app.MapActivitiesApi();
app.MapPointsApi();
app.MapExpiryApi();
app.MapRewardsApi();
app.MapRedemptionsApi();
app.MapAuditApi();
app.MapReportsApi();
app.MapCertificatesApi();

if (demo is not null)
    return await DemoData.Run(app, demo);
app.Run();
return 0;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
