using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class AttendanceTests : ApiFixture
{
    private async Task<(long Id, DateTimeOffset Start)> Activity(int minutes, string category = "epidemic")
    {
        var start = Records.FreeSlot();
        var activity = await Staff.CreateActivity(CommunityId, start, minutes, category, "核酸检测志愿服务", "桃浦新村广场");
        return (activity.Id(), start);
    }

    [Test]
    public async Task ThreeHundredEntries_WithAFewBadOnes_RecordTheGoodAndRejectTheBad()
    {
        var (activity, start) = await Activity(45);
        var volunteers = new List<JsonElement>();
        for (var i = 0; i < 297; i++)
            volunteers.Add(await Seed.Volunteer(App, StaffKey, CommunityId));

        var entries = new List<object>();
        for (var i = 0; i < 297; i++)
        {
            // A third come by member code, as scanned from their cards.
            entries.Add(i % 3 == 0
                ? new { memberCode = volunteers[i].GetProperty("memberCode").GetString(), score = 5 }
                : new { volunteerId = volunteers[i].Id(), score = 4 });
        }
        entries.Insert(10, new { volunteerId = 987654L, score = 5 });                                        // unknown volunteer
        entries.Insert(50, new { volunteerId = volunteers[0].Id(), score = 9 });    // score out of range
        entries.Insert(100, new { volunteerId = volunteers[1].Id(), score = 5 });   // twice: overlaps itself
        entries.Insert(200, new { volunteerId = volunteers[2].Id(),
            startedAt = start, endedAt = start.AddMinutes(20), score = 5 });                                // too short
        Assert.That(entries, Has.Count.EqualTo(301));

        var result = await Staff.RecordAttendance(activity, new { entries });
        var rejected = result.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("code").GetString())).ToList();
        Assert.That(rejected, Is.EqualTo(new[] { (10, "not-found"), (50, "validation"), (100, "overlapping-record"), (200, "too-short") }));
        Assert.That(result.GetProperty("rejected").EnumerateArray().All(r => r.GetProperty("detail").GetString()!.Length > 0), Is.True);

        var recorded = result.GetProperty("recorded").EnumerateArray().ToList();
        Assert.That(recorded, Has.Count.EqualTo(297));
        // 45 minutes of epidemic work (×2.0) at 10 points an hour: 15 points each.
        Assert.That(recorded.Select(r => r.GetProperty("points").GetInt64()), Is.All.EqualTo(15));
        Assert.That(recorded.Select(r => r.GetProperty("volunteerId").GetInt64()).Distinct().Count(), Is.EqualTo(297));

        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM service_records WHERE activity_id = @A AND status = 'approved'", new { A = activity }),
            Is.EqualTo(297));
        Assert.That(Database.Scalar<long>(
            """
            SELECT SUM(p.amount) FROM postings p
            JOIN ledger_transactions t ON t.id = p.transaction_id
            JOIN service_records r ON r.accrual_transaction_id = t.id
            JOIN accounts a ON a.id = p.account_id
            WHERE r.activity_id = @A AND a.kind = 'issuance'
            """, new { A = activity }), Is.EqualTo(-297 * 15));
    }

    [TestCase("no entries", HttpStatusCode.BadRequest, "validation")]
    [TestCase("1001 entries", HttpStatusCode.BadRequest, "validation")]
    [TestCase("an unknown activity", HttpStatusCode.NotFound, "not-found")]
    public async Task TheShapeOfTheCall_IsValidated_AndNothingIsRecorded(string call, HttpStatusCode status, string code)
    {
        var (activity, _) = await Activity(60);
        var (url, entries) = call switch
        {
            "no entries" => ($"/api/v1/activities/{activity}/attendance", Array.Empty<object>()),
            "1001 entries" => ($"/api/v1/activities/{activity}/attendance", Enumerable.Range(0, 1001).Select(i => (object)new { volunteerId = i + 1L, score = 5 }).ToArray()),
            _ => ("/api/v1/activities/99999/attendance", new object[] { new { volunteerId = 1L, score = 5 } }),
        };
        var before = Database.Count("service_records");
        await Seed.Problem(await Staff.PostJson(url, new { entries }), status, code);
        Assert.That(Database.Count("service_records"), Is.EqualTo(before));
    }

    [Test]
    public async Task Replay_WithTheSameKey_RecordsNothingTwice()
    {
        var (activity, _) = await Activity(60);
        var v = (await Seed.Volunteer(App, StaffKey, CommunityId)).Id();
        var body = new { entries = new[] { new { volunteerId = v, score = 5 } } };
        var first = await Staff.PostJson($"/api/v1/activities/{activity}/attendance", body, "campaign-1");
        var second = await Staff.PostJson($"/api/v1/activities/{activity}/attendance", body, "campaign-1");
        Assert.That(await second.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(second.Headers.Contains("Idempotent-Replayed"), Is.True);
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM service_records WHERE activity_id = @A", new { A = activity }), Is.EqualTo(1));
    }
}
