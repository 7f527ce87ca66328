using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Ledger.Tests.Api;

/// <summary>
/// Holds every answer the HTTP tests receive to the service's own OpenAPI document: the operation (method and route
/// template) must be in it, the status must be declared for that operation, the content type declared for that status,
/// and a JSON body must validate against the declared schema — so an undeclared field, a missing required one or a
/// null where none is allowed fails the test that received it. Only paths outside the API (/counter/, /swagger) are
/// left alone; a 404 or 405 for a route or method the document does not have is checked against the problem schema.
/// </summary>
public sealed class OpenApiConformance : DelegatingHandler
{
    public const string DocumentPath = "/swagger/v1/swagger.json";

    /// <summary>Every violation seen in this process, so one a test swallowed still fails the run (see <see cref="ConformanceGate"/>).</summary>
    public static ConcurrentQueue<string> Violations { get; } = new();

    private static long _checked;

    /// <summary>How many answers were checked in this process.</summary>
    public static long Checked => Interlocked.Read(ref _checked);

    private static readonly SemaphoreSlim Loading = new(1, 1);
    private static ApiDocument? _document;

    public OpenApiConformance(HttpMessageHandler? inner = null)
    {
        if (inner is not null)
            InnerHandler = inner;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!ApiDocument.Covers(path))
            return response;
        var document = _document ?? await Load(request.RequestUri, cancellationToken);
        var violation = await document.Check(request.Method, path, response, cancellationToken);
        Interlocked.Increment(ref _checked);
        if (violation is not null)
        {
            Violations.Enqueue(violation);
            throw new OpenApiViolationException(violation);
        }
        return response;
    }

    /// <summary>The document, fetched once per process from the first service a test talks to.</summary>
    private async Task<ApiDocument> Load(Uri any, CancellationToken cancellationToken)
    {
        await Loading.WaitAsync(cancellationToken);
        try
        {
            if (_document is null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(any, DocumentPath));
                using var response = await base.SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
                _document = ApiDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            return _document;
        }
        finally
        {
            Loading.Release();
        }
    }
}

public sealed class OpenApiViolationException(string message) : Exception(message);

/// <summary>Fails the run when a violation was thrown inside a test that caught it.</summary>
[SetUpFixture]
public sealed class ConformanceGate
{
    [OneTimeTearDown]
    public void NoViolations() =>
        Assert.That(OpenApiConformance.Violations, Is.Empty, "Answers that break the OpenAPI document:\n" + string.Join("\n\n", OpenApiConformance.Violations));
}

/// <summary>The OpenAPI document with a compiled JSON schema for each declared JSON answer, built when first needed.</summary>
public sealed class ApiDocument
{
    private static readonly Uri BaseUri = new("https://ledger.test/openapi.json");

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonElement _root;
    private readonly BuildOptions _build;
    private readonly List<Route> _routes;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    private sealed record Route(string Template, Regex Pattern, int Literals, JsonElement Item);

    private ApiDocument(JsonElement root)
    {
        _root = root;
        var registry = new SchemaRegistry();
        registry.Register(BaseUri, new JsonElementBaseDocument(root, BaseUri));
        _build = new BuildOptions { SchemaRegistry = registry };
        _routes = root.GetProperty("paths").EnumerateObject().Select(p => ToRoute(p.Name, p.Value)).ToList();
    }

    public static ApiDocument Parse(string json) => new(JsonDocument.Parse(json).RootElement.Clone());

    /// <summary>The service's own API: everything else (the counter page, Swagger UI, static files) is not in the document.</summary>
    public static bool Covers(string path) => path == "/health" || path.StartsWith("/api/", StringComparison.Ordinal);

    /// <summary>Null when the answer is what the document promises; otherwise what is wrong, with the body.</summary>
    public async Task<string?> Check(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        string? body = null;
        if (mediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        var where = $"{method} {path} → {status} {mediaType}";

        var route = Find(path);
        var verb = method.Method.ToLowerInvariant();
        if (route is null || !route.Item.TryGetProperty(verb, out var operation))
        {
            // The document has no such route or method, and the service agrees: a 404 or 405 problem.
            if (status is "404" or "405" && mediaType == "application/problem+json" && body is not null)
                return Validate(Schema("#/components/schemas/Problem", () => new JsonObject { ["$ref"] = "#/components/schemas/Problem" }), body,
                    $"{where} (no such operation)");
            return $"{where}: no operation in the OpenAPI document matches this request.\n{body}";
        }

        var name = operation.TryGetProperty("operationId", out var id) ? id.GetString() : $"{verb} {route.Template}";
        where = $"{name} ({method} {path}) → {status} {mediaType}";
        if (!operation.GetProperty("responses").TryGetProperty(status, out var declared))
            return $"{where}: status {status} is not declared for this operation.\n{body}";
        if (CheckHeaders(declared, response, where) is { } missing)
            return missing;
        if (!declared.TryGetProperty("content", out var content))
            return response.Content.Headers.ContentLength is null or 0 ? null : $"{where}: the document declares no body for {status}.\n{body}";
        if (mediaType is null || !content.TryGetProperty(mediaType, out _))
            return $"{where}: content type {mediaType} is not declared for {status} (declared: {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}).";
        if (body is null)
            return null;

        var pointer = $"#/paths/{Escape(route.Template)}/{verb}/responses/{status}/content/{Escape(mediaType)}/schema";
        var declaredSchema = content.GetProperty(mediaType).GetProperty("schema");
        return Validate(Schema(pointer, () => JsonNode.Parse(declaredSchema.GetRawText())!), body, where);
    }

    /// <summary>Every header the document says an answer always carries is there, and fits its schema.</summary>
    private string? CheckHeaders(JsonElement declared, HttpResponseMessage response, string where)
    {
        if (!declared.TryGetProperty("headers", out var headers))
            return null;
        foreach (var header in headers.EnumerateObject())
        {
            var definition = header.Value;
            var key = $"header {header.Name}: {definition.GetRawText()}";
            if (definition.TryGetProperty("$ref", out var reference))
            {
                key = reference.GetString()!;
                definition = _root.GetProperty("components").GetProperty("headers").GetProperty(key.Split('/')[^1]);
            }
            if (!definition.TryGetProperty("required", out var required) || !required.GetBoolean())
                continue;
            var values = response.Headers.TryGetValues(header.Name, out var v) ? v : response.Content.Headers.TryGetValues(header.Name, out var c) ? c : null;
            if (values?.ToList() is not [var value])
                return $"{where}: the header {header.Name} the document promises is missing or repeated.";
            // A header's value is text; an integer header is checked as the number it spells.
            var schema = definition.GetProperty("schema");
            var instance = schema.GetProperty("type").GetString() == "integer" && long.TryParse(value, out _)
                ? value
                : JsonValue.Create(value).ToJsonString();
            if (Validate(Schema(key, () => JsonNode.Parse(schema.GetRawText())!), instance, $"{where}, header {header.Name}") is { } wrong)
                return wrong;
        }
        return null;
    }

    private static string? Validate(JsonSchema schema, string body, string where)
    {
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return $"{where}: the body is not JSON ({e.Message}).\n{body}";
        }
        var result = schema.Evaluate(instance, Evaluation);
        if (result.IsValid)
            return null;
        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"  at {Pointer(d.InstanceLocation)} (schema {d.EvaluationPath}): {e.Key}: {e.Value}"))
            .Distinct()
            .Take(20);
        return $"{where}: the body breaks the OpenAPI document:\n{string.Join("\n", errors)}\n{body}";
    }

    private static string Pointer(object location) => location.ToString() is { Length: > 0 } text ? text : "/";

    /// <summary>
    /// The schema of one answer, compiled once: its text with every local reference pointed at the registered document,
    /// so "#/components/schemas/X" resolves there.
    /// </summary>
    private JsonSchema Schema(string key, Func<JsonNode> schema) => _schemas.GetOrAdd(key, _ =>
    {
        var node = schema();
        Rebase(node);
        return JsonSchema.Build(JsonDocument.Parse(node.ToJsonString()).RootElement, _build,
            new Uri($"https://ledger.test/answers/{_schemas.Count}-{Guid.NewGuid():N}"));
    });

    private static void Rebase(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"] is JsonValue reference && reference.GetValue<string>() is { } target && target.StartsWith('#'))
                    o["$ref"] = BaseUri + target;
                foreach (var (_, child) in o.ToList())
                    Rebase(child);
                break;
            case JsonArray a:
                foreach (var child in a)
                    Rebase(child);
                break;
        }
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>The route whose template matches the path, preferring literal segments over parameters (by-code before {id}).</summary>
    private Route? Find(string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return _routes.Where(r => r.Pattern.IsMatch(trimmed)).OrderByDescending(r => r.Literals).FirstOrDefault();
    }

    private static Route ToRoute(string template, JsonElement item)
    {
        var integers = item.EnumerateObject()
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("parameters", out _))
            .SelectMany(o => o.Value.GetProperty("parameters").EnumerateArray())
            .Where(p => p.GetProperty("in").GetString() == "path"
                        && p.TryGetProperty("schema", out var s) && s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                        && t.GetString() == "integer")
            .Select(p => p.GetProperty("name").GetString())
            .ToHashSet();
        var segments = template.Split('/');
        var pattern = string.Join("/", segments.Select(s =>
            s.StartsWith('{') ? integers.Contains(s[1..^1]) ? "-?[0-9]+" : "[^/]+" : Regex.Escape(s)));
        return new Route(template, new Regex($"^{pattern}$", RegexOptions.CultureInvariant), segments.Count(s => !s.StartsWith('{')), item);
    }
}
