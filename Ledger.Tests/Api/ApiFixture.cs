using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// The set-up most API fixtures share: the service on a database of its own, a community, a staff and a client key in
/// it and an auditor key, and after every test the books' invariants (<see cref="Invariants"/>). A fixture adds its own
/// data in a [OneTimeSetUp] or [SetUp] of its own, which NUnit runs after these.
/// </summary>
/// <param name="communityName">The name the community is made with (certificates and pages print it).</param>
/// <param name="servicePerTest">A new service and database for each test, for tests that tamper with the file or the clock.</param>
/// <param name="checkBooksAfterEachTest">Off only for tests that break the books on purpose.</param>
public abstract class ApiFixture(string communityName = Seed.CommunityName, bool servicePerTest = false, bool checkBooksAfterEachTest = true)
{
    protected LedgerApp App { get; private set; } = null!;

    protected TestDatabase Database => App.Database;

    protected long CommunityId { get; private set; }

    protected string StaffKey { get; private set; } = "";

    protected long StaffKeyId { get; private set; }

    protected string ClientKey { get; private set; } = "";

    protected string AuditorKey { get; private set; } = "";

    // A new client each time: a restarted service (App.Restart) disposes the clients of the one before.
    protected HttpClient Admin => App.Admin();

    protected HttpClient Staff => App.Client(StaffKey);

    /// <summary>The client key's caller (a mini-program acting for volunteers).</summary>
    protected HttpClient Client => App.Client(ClientKey);

    protected HttpClient Auditor => App.Client(AuditorKey);

    /// <summary>The service this fixture runs: override for settings, a rate limit, or a clock set before anything is made.</summary>
    protected virtual LedgerApp CreateApp() => new();

    [OneTimeSetUp]
    public async Task StartTheFixturesService()
    {
        if (!servicePerTest)
            await Start();
    }

    [SetUp]
    public async Task StartTheTestsService()
    {
        if (servicePerTest)
            await Start();
    }

    [TearDown]
    public async Task CheckTheBooks_AndStopAPerTestService()
    {
        try
        {
            if (checkBooksAfterEachTest)
                Invariants.Check(App);
        }
        finally
        {
            if (servicePerTest)
                await Stop();
        }
    }

    [OneTimeTearDown]
    public async Task StopTheFixturesService()
    {
        if (!servicePerTest)
            await Stop();
    }

    private async Task Start()
    {
        App = CreateApp();
        CommunityId = await Seed.Community(App, communityName);
        (StaffKeyId, StaffKey) = await Seed.Key(App, "staff", CommunityId);
        ClientKey = (await Seed.Key(App, "client", CommunityId)).Key;
        AuditorKey = (await Seed.Key(App, "auditor")).Key;
    }

    private async Task Stop()
    {
        if (App is not null)
            await App.DisposeAsync();
    }
}
