using System.Net;
using System.Text.Json;
using Ledger.Tests.Builders;

namespace Ledger.Tests.Api;

public sealed class ApiKeysTests : ApiFixture
{
    [Test]
    public async Task CreatedKey_Works_AndIsStoredOnlyHashed()
    {
        var (_, key) = await Seed.Key(App, "staff", CommunityId);
        Assert.That(key, Does.StartWith("lk_").And.Length.GreaterThan(40));
        Assert.That((await App.Client(key).GetAsync($"/api/v1/communities/{CommunityId}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var secret = System.Text.Encoding.UTF8.GetBytes(key);
        foreach (var (file, bytes) in await Database.StoredFiles())
            Assert.That(bytes.AsSpan().IndexOf(secret), Is.EqualTo(-1), $"the key is in {file} in clear");
    }

    [Test]
    public async Task List_ShowsNoSecrets()
    {
        await Seed.Key(App, "auditor");
        var text = await (await Admin.GetAsync("/api/v1/api-keys")).Content.ReadAsStringAsync();
        var items = JsonDocument.Parse(text).RootElement.GetProperty("items");
        Assert.That(items.GetArrayLength(), Is.GreaterThanOrEqualTo(2));
        foreach (var item in items.EnumerateArray())
        {
            Assert.That(item.TryGetProperty("key", out _), Is.False);
            Assert.That(item.GetProperty("keyPrefix").GetString()!.Length, Is.LessThanOrEqualTo(10));
        }
        Assert.That(text, Does.Not.Contain(LedgerApp.AdminKey));
    }

    [Test]
    public async Task Revoke_StopsTheKeyAtOnce()
    {
        var (id, key) = await Seed.Key(App, "client", CommunityId);
        var client = App.Client(key);
        Assert.That((await client.GetAsync("/api/v1/communities")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Admin.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Seed.Problem(await client.GetAsync("/api/v1/communities"), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.That((await Admin.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Database.Scalar<long>("SELECT COUNT(*) FROM audit_events WHERE action = 'api-key.revoked' AND subject = @S", new { S = $"api-key:{id}" }),
            Is.EqualTo(1));
    }

    [Test]
    public async Task Revoke_UnknownKey_Is404() =>
        await Seed.Problem(await Admin.DeleteAsync("/api/v1/api-keys/999999"), HttpStatusCode.NotFound, "not-found");

    [Test]
    public async Task Revoke_TheLastAdminKey_Is409()
    {
        await using var app = new LedgerApp();
        await Seed.Problem(await app.Admin().DeleteAsync("/api/v1/api-keys/1"), HttpStatusCode.Conflict, "conflict");
        Assert.That((await app.Admin().GetAsync("/api/v1/api-keys")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("staff", null)]
    [TestCase("client", null)]
    [TestCase("admin", 1L)]
    [TestCase("auditor", 1L)]
    [TestCase("superuser", null)]
    public async Task Create_WithARoleAndScopeThatDoNotFit_Is400(string role, long? communityId)
    {
        var response = await Admin.PostJson("/api/v1/api-keys", new { name = "k", role, communityId });
        await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task Create_ForAnUnknownCommunity_Is400()
    {
        var response = await Admin.PostJson("/api/v1/api-keys", new { name = "k", role = "staff", communityId = 55555 });
        var problem = await Seed.Problem(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem.GetProperty("errors").TryGetProperty("communityId", out _), Is.True);
    }

    [TestCase("Basic abc")]
    [TestCase("Bearer")]
    [TestCase("Bearer lk_nope")]
    public async Task MalformedOrUnknownAuthorization_Is401(string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/communities");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        var response = await App.Client().SendAsync(request);
        await Seed.Problem(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("Bearer"));
    }

    [Test]
    public async Task KeyPrefix_KeepsAtMostFourCharacters_InTheListAndTheDatabase()
    {
        var (id, key) = await Seed.Key(App, "staff", CommunityId);
        var items = (await Admin.GetJson("/api/v1/api-keys?limit=200")).GetProperty("items").EnumerateArray().ToList();
        Assert.That(items.Single(i => i.Id() == id).GetProperty("keyPrefix").GetString(), Is.EqualTo(key[..4]));
        Assert.That(items.Single(i => i.Id() == 1).GetProperty("keyPrefix").GetString(), Is.EqualTo(LedgerApp.AdminKey[..4]),
            "the configured bootstrap key");

        Assert.That(Database.Query<string>("SELECT key_prefix FROM api_keys"), Has.All.Length.LessThanOrEqualTo(4));
        // Nowhere in the file — the key's row, its audit event — are five characters of a key in clear. The four kept
        // are stored right before the key's creation time, so a key whose fifth character is a '2' meets "2026-…" there:
        // that is the kept prefix and the time, not a fifth character.
        foreach (var (file, bytes) in await Database.StoredFiles())
        foreach (var secret in new[] { LedgerApp.AdminKey, key })
            Assert.That(ClearFiveCharacters(bytes, secret), Is.EqualTo(-1), $"{secret[..5]}… is in {file}");
    }

    private static int ClearFiveCharacters(byte[] stored, string secret)
    {
        var five = System.Text.Encoding.UTF8.GetBytes(secret[..5]);
        for (var at = stored.AsSpan().IndexOf(five); at >= 0; at = stored.AsSpan(at + 1).IndexOf(five) is var next and >= 0 ? at + 1 + next : -1)
        {
            var after = System.Text.Encoding.ASCII.GetString(stored, at + 4, Math.Min(5, stored.Length - at - 4));
            if (!System.Text.RegularExpressions.Regex.IsMatch(after, @"^\d{4}-$"))
                return at;
        }
        return -1;
    }

    [Test]
    public async Task Upgrade_CutsStoredKeyPrefixesToFourCharacters_AndTheDatabaseRefusesLongerOnes()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var old = TestDatabase.For(folder);
        old.Migrate(Ledger.Api.Storage.Migrator.Embedded(old.Dialect).Where(m => m.Version <= 7).ToList());
        old.Execute(
            "INSERT INTO api_keys (name, role, key_hash, key_prefix, created_at) VALUES ('bootstrap admin', 'admin', @Hash, @Prefix, '2026-01-01T00:00:00.000Z')",
            new { Hash = Ledger.Api.Http.ApiKeySecrets.Hash(LedgerApp.AdminKey), Prefix = LedgerApp.AdminKey[..10] });
        TestDatabase.ReleaseAll();

        await using var app = new LedgerApp(folder);
        var items = (await app.Admin().GetJson("/api/v1/api-keys")).GetProperty("items");
        Assert.That(items.EnumerateArray().Select(i => i.GetProperty("keyPrefix").GetString()), Is.EqualTo(new[] { LedgerApp.AdminKey[..4] }));
        Assert.That(() => app.Database.Execute(
                "INSERT INTO api_keys (name, role, key_hash, key_prefix, created_at) VALUES ('x', 'admin', 'h', 'lk_abcdefg', '2026-01-01T00:00:00.000Z')"),
            Throws.InstanceOf<System.Data.Common.DbException>());
    }

    [Test]
    public async Task Me_TellsAKeyItsOwnNameRoleAndCommunity_WithoutTheSecret()
    {
        await using var app = new LedgerApp();
        var community = await Seed.Community(app);
        var (id, key) = await Seed.Key(app, "client", community);

        var response = await app.Client(key).GetAsync("/api/v1/me");
        var me = await response.Read<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(me.Id(), Is.EqualTo(id));
        Assert.That(me.GetProperty("role").GetString(), Is.EqualTo("client"));
        Assert.That(me.GetProperty("communityId").GetInt64(), Is.EqualTo(community));
        Assert.That(me.GetProperty("name").GetString(), Is.EqualTo("client key"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain(key[4..]));
        Assert.That((await app.Client().GetAsync("/api/v1/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
