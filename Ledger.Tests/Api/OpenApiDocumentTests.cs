using System.Text.Json;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Rules;
using Ledger.Api.Volunteers;
using Ledger.Core.Counter;
using Ledger.Core.Ledger;
using Ledger.Core.Records;

namespace Ledger.Tests.Api;

/// <summary>
/// What the OpenAPI document says, for a client generated from it: answers' fields required and null only where null
/// comes, closed vocabularies as enums, the validators' limits on requests, every problem answer, no key on the
/// anonymous endpoints. (That the answers really look like this is checked on every HTTP test, see
/// <see cref="OpenApiConformance"/>.)
/// </summary>
public sealed class OpenApiDocumentTests
{
    private LedgerApp _app = null!;
    private JsonElement _doc;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _app = new LedgerApp();
        _doc = JsonDocument.Parse(await _app.Client().GetStringAsync(OpenApiConformance.DocumentPath)).RootElement.Clone();
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    private JsonElement Schema(string name) => _doc.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? "null" : e.ToString()).ToArray();

    private static string[] Required(JsonElement schema) => schema.TryGetProperty("required", out var r) ? Strings(r) : [];

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        _doc.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => (p.Name, m.Name, m.Value)));

    [Test]
    public void Document_IsOpenApi31()
    {
        Assert.That(_doc.GetProperty("openapi").GetString(), Does.StartWith("3.1"));
    }

    [Test]
    public void Answers_RequireEveryProperty_AndAllowNullOnlyWhereNullComes()
    {
        var summary = Schema("SummaryResponse");
        var properties = summary.GetProperty("properties");
        Assert.That(Required(summary), Is.EquivalentTo(properties.EnumerateObject().Select(p => p.Name)));
        var expiring = properties.GetProperty("expiringSoon").GetProperty("oneOf");
        Assert.That(expiring[0].GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/ExpiringSoon"));
        Assert.That(expiring[1].GetProperty("type").GetString(), Is.EqualTo("null"));
        Assert.That(properties.GetProperty("year").TryGetProperty("oneOf", out _), Is.False, "year is always there");
        Assert.That(properties.GetProperty("balance").GetProperty("type").GetString(), Is.EqualTo("integer"));

        var verify = Schema("VerifyResponse").GetProperty("properties");
        Assert.That(verify.GetProperty("firstBroken").GetProperty("oneOf")[1].GetProperty("type").GetString(), Is.EqualTo("null"));

        var volunteer = Schema("VolunteerResponse").GetProperty("properties");
        Assert.That(volunteer.GetProperty("memberCode").GetProperty("type").GetString(), Is.EqualTo("string"));
        Assert.That(Strings(volunteer.GetProperty("grid").GetProperty("type")), Is.EquivalentTo(new[] { "string", "null" }));
        Assert.That(Required(Schema("PageOfVolunteerResponse")), Is.EquivalentTo(new[] { "items", "nextCursor" }));
    }

    [Test]
    public void EveryAnswerSchema_RequiresEveryProperty_AndAllowsNoOther()
    {
        var requests = Operations().Where(o => o.Operation.TryGetProperty("requestBody", out _))
            .Select(o => o.Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1])
            .ToHashSet();
        foreach (var schema in _doc.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (requests.Contains(schema.Name) || schema.Name is "Problem" or "AttendanceEntry" or "GradingBody" or "GradeThresholdBody"
                || !schema.Value.TryGetProperty("properties", out var properties))
                continue;
            Assert.That(Required(schema.Value), Is.EquivalentTo(properties.EnumerateObject().Select(p => p.Name)), schema.Name);
            Assert.That(schema.Value.GetProperty("additionalProperties").ValueKind, Is.EqualTo(JsonValueKind.False), schema.Name);
        }
    }

    [Test]
    public void ClosedVocabularies_AreEnums_FromTheirOneDefinition()
    {
        string[] Enum(string schema, string property) => Strings(Schema(schema).GetProperty("properties").GetProperty(property).GetProperty("enum"));

        Assert.That(Enum("VolunteerResponse", "echelon"), Is.EqualTo(Echelons.All));
        Assert.That(Enum("CreateVolunteerRequest", "echelon"), Is.EqualTo(Echelons.All));
        Assert.That(Enum("PatchVolunteerRequest", "echelon"), Is.EqualTo(Echelons.All.Append("null")), "null leaves it as it is");
        Assert.That(Enum("VolunteerResponse", "status"), Is.EqualTo(VolunteerStatuses.All));
        Assert.That(Enum("ServiceRecordResponse", "status"), Is.EqualTo(RecordStatuses.All));
        Assert.That(Enum("RedemptionListItem", "status"), Is.EqualTo(RedemptionStatuses.All));
        Assert.That(Enum("TransactionResponse", "kind"), Is.EqualTo(TransactionKinds.All));
        Assert.That(Enum("VolunteerLedgerItem", "kind"), Is.EqualTo(TransactionKinds.All));
        Assert.That(Enum("ApiKeyResponse", "role"), Is.EqualTo(Roles.All));
        Assert.That(Enum("RulesResponse", "expiry"), Is.EqualTo(RulesBody.Expiries));
        Assert.That(Enum("GradeResponse", "grade"), Is.EqualTo(new[] { "needs-improvement", "qualified", "good", "excellent" }));
        Assert.That(Enum("BrokenItem", "kind"), Is.EqualTo(Ledger.Api.Audit.BrokenItem.Kinds));

        var list = _doc.GetProperty("paths").GetProperty("/api/v1/service-records").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("schema"));
        Assert.That(Strings(list["status"].GetProperty("enum")), Is.EqualTo(RecordStatuses.All));
        Assert.That(list["limit"].GetProperty("maximum").GetInt32(), Is.EqualTo(Paging.MaxLimit));
    }

    [Test]
    public void EveryPropertyNamedLikeAVocabulary_HasItsEnum()
    {
        foreach (var schema in _doc.GetProperty("components").GetProperty("schemas").EnumerateObject())
        foreach (var property in schema.Value.TryGetProperty("properties", out var p) ? p.EnumerateObject() : Enumerable.Empty<JsonProperty>())
        {
            var text = property.Value.TryGetProperty("type", out var type) && type.ToString().Contains("string", StringComparison.Ordinal);
            if (text && property.Name is "status" or "kind" or "echelon" or "role" or "expiry" or "grade" && schema.Name != "HealthResponse")
                Assert.That(property.Value.TryGetProperty("enum", out _), Is.True, $"{schema.Name}.{property.Name}");
        }
    }

    [Test]
    public void Requests_CarryTheValidatorsLimits()
    {
        var volunteer = Schema("CreateVolunteerRequest").GetProperty("properties");
        Assert.That(volunteer.GetProperty("name").GetProperty("maxLength").GetInt32(), Is.EqualTo(50));
        Assert.That(volunteer.GetProperty("name").GetProperty("minLength").GetInt32(), Is.EqualTo(1));
        Assert.That(volunteer.GetProperty("communityId").GetProperty("minimum").GetInt64(), Is.EqualTo(1));
        Assert.That(volunteer.GetProperty("wechatOpenId").GetProperty("maxLength").GetInt32(), Is.EqualTo(128));
        Assert.That(volunteer.GetProperty("skills").GetProperty("maxItems").GetInt32(), Is.EqualTo(20));
        Assert.That(volunteer.GetProperty("skills").GetProperty("items").GetProperty("maxLength").GetInt32(), Is.EqualTo(30));
        Assert.That(Required(Schema("CreateVolunteerRequest")), Is.EquivalentTo(new[] { "communityId", "name", "phone", "echelon" }));

        var reward = Schema("CreateRewardRequest").GetProperty("properties");
        Assert.That(reward.GetProperty("pointsCost").GetProperty("minimum").GetInt64(), Is.EqualTo(1));
        Assert.That(reward.GetProperty("pointsCost").GetProperty("maximum").GetInt64(), Is.EqualTo(1_000_000));
        Assert.That(reward.GetProperty("stock").GetProperty("minimum").GetInt64(), Is.EqualTo(0));

        var redeem = Schema("RedeemRequest").GetProperty("properties");
        Assert.That(redeem.GetProperty("quantity").GetProperty("minimum").GetInt32(), Is.EqualTo(1));
        Assert.That(redeem.GetProperty("quantity").GetProperty("maximum").GetInt32(), Is.EqualTo(99));

        var attendance = Schema("AttendanceRequest").GetProperty("properties").GetProperty("entries");
        Assert.That(attendance.GetProperty("maxItems").GetInt32(), Is.EqualTo(1000));
        Assert.That(attendance.GetProperty("minItems").GetInt32(), Is.EqualTo(1));
        Assert.That(Schema("PutRulesRequest").GetProperty("properties").GetProperty("categoryMultipliers").GetProperty("maxProperties").GetInt32(),
            Is.EqualTo(Ledger.Core.Rules.RuleSet.MaxCategories));
        var submit = Schema("SubmitRecordRequest");
        Assert.That(submit.GetProperty("properties").GetProperty("score").GetProperty("maximum").GetInt32(), Is.EqualTo(5));
        Assert.That(Required(submit), Does.Not.Contain("score"), "a score is needed only with approve: true");
    }

    [Test]
    public void EveryOperation_HasADescription_AndItsProblemAnswers()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var name = $"{method} {path}";
            Assert.That(operation.GetProperty("summary").GetString(), Is.Not.Empty, name);
            Assert.That(operation.GetProperty("description").GetString(), Is.Not.Empty, name);
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "429", "500" })
                Assert.That(responses.TryGetProperty(status, out _), Is.True, $"{name} {status}");
            foreach (var answer in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                Assert.That(answer.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString(),
                    Is.EqualTo("#/components/schemas/Problem"), $"{name} {answer.Name}");
            Assert.That(responses.GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _), Is.True, name);
            if (method is "post" or "put" or "patch")
                Assert.That(responses.TryGetProperty("400", out _) && responses.TryGetProperty("413", out _) && responses.TryGetProperty("415", out _), name);
        }
        var get = _doc.GetProperty("paths").GetProperty("/api/v1/volunteers/{id}").GetProperty("get").GetProperty("responses");
        Assert.That(get.TryGetProperty("404", out _), Is.True);
        Assert.That(get.TryGetProperty("400", out _), Is.True, "format= is checked on every endpoint");
        var redeem = _doc.GetProperty("paths").GetProperty("/api/v1/redemptions").GetProperty("post").GetProperty("responses");
        Assert.That(redeem.TryGetProperty("409", out _) && redeem.TryGetProperty("404", out _), Is.True);
    }

    [Test]
    public void Problem_IsWhatProblemsWrite()
    {
        var problem = Schema("Problem");
        Assert.That(problem.GetProperty("properties").EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "status", "title", "detail", "code", "requestId", "errors" }));
        Assert.That(Required(problem), Is.EquivalentTo(new[] { "status", "title", "detail", "code", "requestId" }));
        Assert.That(problem.GetProperty("additionalProperties").ValueKind, Is.EqualTo(JsonValueKind.False));
    }

    [Test]
    public void AnonymousEndpoints_NeedNoKey_AndTheOthersTheBearerKey()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var anonymous = path is "/health" or "/health/ready" or "/api/v1/certificates/{code}";
            var security = operation.GetProperty("security");
            Assert.That(security.GetArrayLength(), Is.EqualTo(anonymous ? 0 : 1), $"{method} {path}");
            Assert.That(operation.GetProperty("responses").TryGetProperty("401", out _), Is.EqualTo(!anonymous), $"{method} {path} 401");
            if (!anonymous)
                Assert.That(security[0].TryGetProperty("bearer", out _), Is.True, $"{method} {path}");
        }
        Assert.That(_doc.TryGetProperty("security", out _), Is.False, "no document-wide requirement to override");
    }

    [Test]
    public void TextAnswers_AreDeclaredAsText()
    {
        var transactions = _doc.GetProperty("paths").GetProperty("/api/v1/ledger/transactions").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.That(transactions.GetProperty("text/csv").GetProperty("schema").GetProperty("type").GetString(), Is.EqualTo("string"));
        Assert.That(transactions.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(), Does.EndWith("PageOfTransactionResponse"));
        var card = _doc.GetProperty("paths").GetProperty("/api/v1/volunteers/{id}/card").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.That(card.GetProperty("image/svg+xml").GetProperty("schema").GetProperty("type").GetString(), Is.EqualTo("string"));
        var certificate = _doc.GetProperty("paths").GetProperty("/api/v1/volunteers/{id}/certificate").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.That(certificate.GetProperty("text/html").GetProperty("schema").GetProperty("type").GetString(), Is.EqualTo("string"));
    }

    [Test]
    public void Posts_DeclareTheIdempotencyKey()
    {
        var post = _doc.GetProperty("paths").GetProperty("/api/v1/redemptions").GetProperty("post");
        var key = post.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.That(key.GetProperty("in").GetString(), Is.EqualTo("header"));
        Assert.That(key.GetProperty("schema").GetProperty("maxLength").GetInt32(), Is.EqualTo(Idempotency.MaxKeyLength));
        Assert.That(post.GetProperty("responses").GetProperty("201").GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _), Is.True);
    }
}
