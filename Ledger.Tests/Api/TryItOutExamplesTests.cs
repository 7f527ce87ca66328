using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

/// <summary>
/// Swagger UI's "Try it out" sends the example the document gives for a body, and makes one up from the schema where
/// it gives none (0 for ids, "string" for names, one instant for start and end), which the service rightly refuses.
/// So every JSON body has an explicit example, and on a fresh database the examples, sent as they stand, are accepted.
/// </summary>
public sealed class TryItOutExamplesTests
{
    private sealed record Operation(string Id, HttpMethod Method, string Path, string? Example);

    private LedgerApp _app = null!;

    [OneTimeSetUp]
    public void SetUp() => _app = new LedgerApp();

    [OneTimeTearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    private static async Task<List<Operation>> JsonBodyOperations(LedgerApp app)
    {
        var document = JsonDocument.Parse(await app.Client().GetStringAsync(OpenApiConformance.DocumentPath)).RootElement;
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                if (!method.Value.TryGetProperty("requestBody", out var body)
                    || !body.GetProperty("content").TryGetProperty("application/json", out var json))
                    continue;
                operations.Add(new Operation(method.Value.GetProperty("operationId").GetString()!, new HttpMethod(method.Name.ToUpperInvariant()),
                    path.Name, json.TryGetProperty("example", out var example) ? example.GetRawText() : null));
            }
        }
        return operations;
    }

    [Test]
    public async Task EveryJsonRequestBody_HasAnExplicitExample()
    {
        var operations = await JsonBodyOperations(_app);

        Assert.That(operations, Is.Not.Empty);
        Assert.That(operations.Where(o => o.Example is null).Select(o => $"{o.Id} ({o.Method} {o.Path})"), Is.Empty,
            "operations whose body Swagger UI would make up from the schema");
    }

    [Test]
    public async Task ExampleTimes_AreAsAMiniProgramSendsThem_LocalWithOffsetAndMilliseconds()
    {
        var times = (await JsonBodyOperations(_app))
            .SelectMany(o => Regex.Matches(o.Example ?? "", @"""(\w+)"":\s*""(\d{4}-\d\d-\d\dT[^""]*)""").Select(m => (o.Id, Field: m.Groups[1].Value, Time: m.Groups[2].Value)))
            .ToList();

        Assert.That(times.Select(t => t.Field), Is.SupersetOf(new[] { "startedAt", "endedAt", "startsAt", "endsAt", "effectiveFrom", "asOf" }));
        Assert.That(times.Where(t => !Regex.IsMatch(t.Time, @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$")), Is.Empty);
    }

    /// <summary>
    /// The examples in an order that makes their ids line up — community 1, volunteers 1 and 2, records 1 and 2,
    /// activity 1, reward 1 … — each sent as the document gives it, with the key its caller would hold: admin for what
    /// only an admin may do, otherwise the staff key the api-key example issues. Every operation with a JSON body is on
    /// the tour.
    /// </summary>
    [Test]
    public async Task TheDocumentsOwnExamples_SentAsTheyStand_AreAllAccepted_OnAFreshDatabase()
    {
        await using var app = new LedgerApp();
        var operations = (await JsonBodyOperations(app)).ToDictionary(o => o.Id);
        var visited = new HashSet<string>();

        async Task<JsonElement> Send(string operationId, HttpClient client, long? id = null)
        {
            var operation = operations[operationId];
            visited.Add(operationId);
            var path = id is null ? operation.Path : operation.Path.Replace("{id}", id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            using var request = new HttpRequestMessage(operation.Method, path) { Content = new StringContent(operation.Example ?? "", System.Text.Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{operationId} {operation.Method} {path}\n{operation.Example}\n→ {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        static long Id(JsonElement answer) => answer.Id();

        var admin = app.Admin();
        var community = Id(await Send("CreateCommunity", admin));
        var staff = app.Client((await Send("CreateApiKey", admin)).GetProperty("key").GetString());
        await Send("PutRules", admin, community);

        var giver = Id(await Send("CreateVolunteer", staff));
        // The same example again: the receiver of the gift, and the second entry of the attendance example.
        await Send("CreateVolunteer", staff);
        await Send("PatchVolunteer", staff, giver);

        // A rejected record no longer holds its time, so the same example makes the pending record the reject example
        // needs and then the one that is approved (and at last reversed).
        await Send("RejectServiceRecord", staff, Id(await Send("SubmitServiceRecord", staff)));
        var record = Id(await Send("SubmitServiceRecord", staff));
        await Send("ApproveServiceRecord", staff, record);

        var attendance = await Send("RecordAttendance", staff, Id(await Send("CreateActivity", staff)));
        Assert.That(attendance.GetProperty("rejected").GetArrayLength(), Is.Zero, attendance.ToString());
        Assert.That(attendance.GetProperty("recorded").GetArrayLength(), Is.EqualTo(2));

        var reward = Id(await Send("CreateReward", staff));
        await Send("PatchReward", staff, reward);
        await Send("CancelRedemption", staff, Id(await Send("Redeem", staff)));
        await Send("AdjustPoints", staff, giver);
        await Send("TransferPoints", staff, giver);
        await Send("IssueCertificate", staff, giver);
        await Send("ReverseServiceRecord", staff, record);
        await Send("ExpirePoints", admin, community);

        Assert.That(operations.Keys.Except(visited), Is.Empty, "examples the tour does not send");
        Invariants.Check(app);
    }
}
