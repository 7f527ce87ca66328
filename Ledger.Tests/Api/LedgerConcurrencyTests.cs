using System.Net;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>Concurrent writers never double-count, overlap or overdraw: the single writer serializes the checks.</summary>
public sealed class LedgerConcurrencyTests : ApiFixture
{
    private async Task<long> NewVolunteer() => (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();

    [Test]
    public async Task ApprovingOneRecordFrom20Requests_YieldsOneAccrual()
    {
        var v = await NewVolunteer();
        var id = (await Records.Submit(App, StaffKey, v, minutes: 60)).Id();
        var client = Staff;
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostJson($"/api/v1/service-records/{id}/approve", new { score = 4 })));

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(1));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await Seed.Problem(refused, HttpStatusCode.Conflict, "record-not-pending");
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'accrual' AND reference = @R",
            new { R = $"service-record:{id}" }), Is.EqualTo(1));
        Assert.That(Database.Scalar<long>("SELECT balance FROM accounts WHERE volunteer_id = @V", new { V = v }), Is.EqualTo(10));
    }

    [Test]
    public async Task TwoOverlappingRecordsSubmittedTogether_OneIsAccepted()
    {
        var v = await NewVolunteer();
        var slot = Records.FreeSlot();
        var client = Staff;
        var responses = await Task.WhenAll(
            client.PostJson("/api/v1/service-records", Records.Body(v, slot, 60)),
            client.PostJson("/api/v1/service-records", Records.Body(v, slot.AddMinutes(30), 60)));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(1));
        await Seed.Problem(responses.Single(r => r.StatusCode != HttpStatusCode.Created), HttpStatusCode.Conflict, "overlapping-record");
    }

    [Test]
    public async Task ManyOverlappingSubmissions_AcceptExactlyOne()
    {
        var v = await NewVolunteer();
        var slot = Records.FreeSlot();
        var client = Staff;
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            client.PostJson("/api/v1/service-records", Records.Body(v, slot.AddMinutes(i), 45))));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(1));
        Assert.That(responses.Where(r => r.StatusCode != HttpStatusCode.Created).Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task AGiftRace_NeverOverdraws()
    {
        var giver = await NewVolunteer();
        var receivers = new List<long>();
        for (var i = 0; i < 3; i++)
            receivers.Add(await NewVolunteer());
        await Staff.Adjust(giver, 100, "初始");

        var client = Staff;
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            client.PostJson($"/api/v1/volunteers/{giver}/transfers", new { toVolunteerId = receivers[i % 3], amount = 10 })));

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(10));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await Seed.Problem(refused, HttpStatusCode.Conflict, "insufficient-points");
        var balances = await Task.WhenAll(new[] { giver }.Concat(receivers).Select(async id =>
            (await client.GetJson($"/api/v1/volunteers/{id}/summary")).GetProperty("balance").GetInt64()));
        Assert.That(balances[0], Is.Zero);
        Assert.That(balances.Skip(1).Sum(), Is.EqualTo(100));
    }

    [Test]
    public async Task ConcurrentApprovals_ShareCommits()
    {
        var writer = (Ledger.Api.Storage.Writer)App.Services.GetService(typeof(Ledger.Api.Storage.Writer))!;
        var volunteers = new List<long>();
        for (var i = 0; i < 40; i++)
            volunteers.Add(await NewVolunteer());
        var ids = new List<long>();
        foreach (var v in volunteers)
            ids.Add((await Records.Submit(App, StaffKey, v, minutes: 30)).Id());

        var before = writer.Stats;
        var client = Staff;
        var responses = await Task.WhenAll(ids.Select(id => client.PostJson($"/api/v1/service-records/{id}/approve", new { score = 5 })));
        var after = writer.Stats;
        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(after.Units - before.Units, Is.EqualTo(40));
        Assert.That(after.Batches - before.Batches, Is.LessThanOrEqualTo(40));
    }
}
