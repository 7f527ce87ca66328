using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Api;

public sealed class HealthAndSwaggerTests
{
    private LedgerApp _app = null!;

    [OneTimeSetUp]
    public void SetUp() => _app = new LedgerApp();

    [OneTimeTearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task Health_AnswersWithoutAKey()
    {
        var response = await _app.Client().GetAsync("/health");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Read<JsonElement>()).GetProperty("status").GetString(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Start_CreatesAndMigratesTheDatabaseFile()
    {
        await _app.Client().GetAsync("/health");
        Assert.That(_app.Database.Exists, Is.True);
        Assert.That(_app.Database.Count("schema_migrations"), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task SwaggerDocument_ListsEveryEndpoint_WithSummaryAndSchemas()
    {
        var response = await _app.Client().GetAsync("/swagger/v1/swagger.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = doc.GetProperty("paths");

        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1", StringComparison.Ordinal))
            .ToList();
        Assert.That(endpoints, Is.Not.Empty);
        foreach (var endpoint in endpoints)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!.TrimEnd('/'), @"\{(\w+)(:\w+)?\}", "{$1}");
            Assert.That(paths.TryGetProperty(path, out var item), Is.True, $"{path} missing from swagger.json");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                Assert.That(item.TryGetProperty(method.ToLowerInvariant(), out var operation), Is.True, $"{method} {path}");
                Assert.That(operation.TryGetProperty("summary", out _), Is.True, $"{method} {path} has no summary");
                Assert.That(operation.TryGetProperty("operationId", out _), Is.True, $"{method} {path} has no name");
                if (method is "POST" or "PUT" or "PATCH")
                    Assert.That(operation.TryGetProperty("requestBody", out _), Is.True, $"{method} {path} has no request schema");
                var success = operation.GetProperty("responses").EnumerateObject().First(r => r.Name.StartsWith('2'));
                if (success.Name != "204")
                    Assert.That(success.Value.TryGetProperty("content", out _), Is.True, $"{method} {path} has no response schema");
            }
        }

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.That(schemes.GetProperty("bearer").GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
    }

    [Test]
    public async Task SwaggerUi_IsServed()
    {
        var response = await _app.Client().GetAsync("/swagger/index.html");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
