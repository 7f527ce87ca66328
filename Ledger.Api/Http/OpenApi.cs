using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;
using Ledger.Api.Audit;
using Ledger.Api.Points;
using Ledger.Api.Redemptions;
using Ledger.Api.Rules;
using Ledger.Api.ServiceRecords;
using Ledger.Api.Volunteers;
using Ledger.Core.Grading;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using Ledger.Api.Storage;
using Ledger.Core.Audit;
using Ledger.Core.Ledger;
using Ledger.Core.Records;
using Ledger.Core.Counter;

namespace Ledger.Api.Http;

/// <summary>
/// The OpenAPI document (OpenAPI 3.1, so its schemas are plain JSON Schema 2020-12), written for clients generated
/// from it: every property a response always carries is <c>required</c>, null is allowed exactly where the C# type
/// allows it, closed vocabularies are enums taken from their one definition, request limits are read from the
/// validators, and every operation lists the problems it can really answer with. The tests validate every JSON answer
/// they receive against this document, so what it says is checked, not hoped.
/// </summary>
public static class OpenApi
{
    public const string DocumentName = "v1";
    public const string ProblemSchema = "Problem";
    public const string BearerScheme = "bearer";
    public const OpenApiSpecVersion Version = OpenApiSpecVersion.OpenApi3_1;

    public static void AddLedgerDocument(this SwaggerGenOptions o)
    {
        o.SwaggerDoc(DocumentName, new OpenApiInfo
        {
            Title = "Volunteer points ledger",
            Version = DocumentName,
            Description = "Service hours become points and stars; points are redeemed at the community counter. " +
                          "Authorize with an API key (Bearer). Errors are application/problem+json with a machine `code`; " +
                          "messages follow Accept-Language (zh-CN by default, en). Times are ISO-8601 with an offset.",
        });
        o.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key issued by an admin (lk_…), sent as Authorization: Bearer <key>. Keys are opaque, not JWTs.",
        });
        o.CustomSchemaIds(SchemaId);
        o.SupportNonNullableReferenceTypes();
        o.NonNullableReferenceTypesAsRequired();
        o.SchemaFilter<ContractSchemaFilter>();
        o.OperationFilter<OperationAnswersFilter>();
        o.DocumentFilter<LedgerDocumentFilter>();
    }

    /// <summary>Readable schema names in the OpenAPI document: Page&lt;VolunteerResponse&gt; becomes PageOfVolunteerResponse.</summary>
    private static string SchemaId(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`')]}Of{string.Join("And", type.GetGenericArguments().Select(SchemaId))}"
            : type.Name;

    internal static string JsonName(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>A value for the document; null as the library's explicit JSON null, which it writes as null.</summary>
    internal static JsonNode Json(object? value) => value is null ? JsonNullSentinel.JsonNull : JsonValue.Create(value)!;
}

/// <summary>
/// The closed sets of words the API reads and writes, each taken from its one definition. Kept here rather than on the
/// contracts so that the document is described in one place.
/// </summary>
public static class Vocabularies
{
    public static readonly string[] Grades = Enum.GetValues<Grade>().Select(g => g.Name()).ToArray();

    public static readonly string[] Measures = Enum.GetValues<Measure>().Select(m => JsonNamingPolicy.CamelCase.ConvertName(m.ToString())).ToArray();

    /// <summary>The vocabulary of a property of a contract type, or null when its values are open.</summary>
    public static string[]? Of(Type type, string property) => property switch
    {
        "Echelon" => Echelons.All,
        "Role" => Roles.All,
        "Expiry" => RulesBody.Expiries,
        "Grade" => Grades,
        "Measure" when type == typeof(Reports.GradeCheck) => Measures,
        "Kind" when type == typeof(VolunteerLedgerItem) || type == typeof(TransactionResponse) => TransactionKinds.All,
        "Kind" when type == typeof(BrokenItem) => BrokenItem.Kinds,
        "Status" when type == typeof(VolunteerResponse) || type == typeof(PatchVolunteerRequest) => VolunteerStatuses.All,
        "Status" when type == typeof(ServiceRecordResponse) || type == typeof(ReversalResponse) => RecordStatuses.All,
        "Status" when type == typeof(RedemptionResponse) || type == typeof(CancellationResponse) || type == typeof(RedemptionListItem) =>
            RedemptionStatuses.All,
        _ => null,
    };

    /// <summary>The vocabulary of a query parameter of an operation, or null when its values are open.</summary>
    public static string[]? OfQuery(string operation, string parameter) => (operation, parameter) switch
    {
        (_, "kind") => TransactionKinds.All,
        ("ListServiceRecords", "status") => RecordStatuses.All,
        (_, "format") => ["csv"],
        _ => null,
    };
}

/// <summary>
/// Per contract type: nullability of referenced objects, required properties, vocabularies as enums, and the limits
/// the type's FluentValidation validator enforces (maxLength, minimum/maximum, maxItems …), read from its descriptor.
/// </summary>
public sealed class ContractSchemaFilter(IServiceProvider services) : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties.Count: > 0 } concrete)
            return;
        // Not thread-safe, and documents may be generated for two requests at once.
        var nullability = new NullabilityInfoContext();
        var properties = context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(OpenApi.JsonName, p => p, StringComparer.Ordinal);
        concrete.Required ??= new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in concrete.Properties.Keys.ToList())
        {
            if (!properties.TryGetValue(name, out var property))
                continue;
            var nullable = IsNullable(property, nullability);
            var propertySchema = concrete.Properties[name];
            // A reference carries no type of its own to add null to, so a nullable object is "that object, or null".
            if (nullable && propertySchema is OpenApiSchemaReference reference)
                concrete.Properties[name] = propertySchema = new OpenApiSchema
                {
                    OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }],
                };
            // What the type cannot hold as null is required: answers always carry it (nothing is left out when
            // written), and a request should say it rather than get the type's default (0, 0001-01-01) by omission.
            if (!nullable)
                concrete.Required.Add(name);
            // A nullable enum must list null itself, or JSON Schema refuses the null its type allows.
            if (Vocabularies.Of(context.Type, property.Name) is { } words && propertySchema is OpenApiSchema text)
                text.Enum = [.. words.Select(w => OpenApi.Json(w)), .. nullable ? [OpenApi.Json(null)] : Array.Empty<JsonNode>()];
        }

        var validator = services.GetService(typeof(IValidator<>).MakeGenericType(context.Type)) as IValidator;
        if (validator is not null)
            ValidatorLimits.Apply(concrete, properties, validator);
    }

    private static bool IsNullable(PropertyInfo property, NullabilityInfoContext nullability) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null
        || (!property.PropertyType.IsValueType && nullability.Create(property).ReadState == NullabilityState.Nullable);
}

/// <summary>
/// Limits from a validator's descriptor: MaximumLength/Length/NotEmpty become maxLength/minLength (or minItems for a
/// collection), comparisons and InclusiveBetween become minimum/maximum, <see cref="Validation.MaxItems"/> becomes
/// maxItems (maxProperties for a map). A limit under a condition still bounds the value when it is given; only
/// "must be present" is dropped when conditional.
/// </summary>
internal static class ValidatorLimits
{
    public static void Apply(OpenApiSchema schema, IReadOnlyDictionary<string, PropertyInfo> properties, IValidator validator)
    {
        var descriptor = validator.CreateDescriptor();
        foreach (var (name, property) in properties)
        {
            if (!schema.Properties!.TryGetValue(name, out var target))
                continue;
            // Rules are keyed by the name errors use, which Validation makes the JSON (camelCase) name.
            foreach (var rule in descriptor.GetRulesForMember(name))
            {
                var each = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
                var value = each ? Concrete(target)?.Items : target;
                if (Concrete(value) is not { } limited)
                    continue;
                foreach (var component in rule.Components)
                {
                    var conditional = rule.HasCondition || rule.HasAsyncCondition || component.HasCondition || component.HasAsyncCondition;
                    // An item's rule never makes the collection itself required.
                    Limit(limited, component.Validator, each ? null : conditional ? null : schema.Required, name);
                }
            }
        }
    }

    /// <summary>The schema that carries the limits: itself, or the non-null branch of "object, or null".</summary>
    private static OpenApiSchema? Concrete(IOpenApiSchema? schema) => schema switch
    {
        OpenApiSchema { OneOf.Count: > 0 } one => one.OneOf.OfType<OpenApiSchema>().FirstOrDefault(s => s.Type != JsonSchemaType.Null),
        OpenApiSchema s => s,
        _ => null,
    };

    /// <param name="required">Where a rule that demands a value marks the property required; null when the rule is conditional.</param>
    private static void Limit(OpenApiSchema target, IPropertyValidator validator, ISet<string>? required, string name)
    {
        var isArray = target.Type?.HasFlag(JsonSchemaType.Array) == true;
        var isObject = target.Type?.HasFlag(JsonSchemaType.Object) == true;
        switch (validator)
        {
            case ILengthValidator length:
                if (length.Max > 0)
                    target.MaxLength = Tighter(target.MaxLength, length.Max, Math.Min);
                if (length.Min > 0)
                    target.MinLength = Tighter(target.MinLength, length.Min, Math.Max);
                break;
            case INotEmptyValidator:
                if (isArray)
                    target.MinItems = Tighter(target.MinItems, 1, Math.Max);
                else if (target.Type?.HasFlag(JsonSchemaType.String) == true)
                    target.MinLength = Tighter(target.MinLength, 1, Math.Max);
                required?.Add(name);
                break;
            case INotNullValidator:
                required?.Add(name);
                break;
            // ExclusiveBetween is not used; an inclusive range is what minimum/maximum say.
            case IBetweenValidator between when between.GetType().Name.StartsWith("Inclusive", StringComparison.Ordinal):
                target.Minimum = Number(between.From);
                target.Maximum = Number(between.To);
                break;
            case IComparisonValidator { ValueToCompare: { } bound, MemberToCompare: null } comparison when IsNumber(bound):
                var whole = target.Type?.HasFlag(JsonSchemaType.Integer) == true;
                switch (comparison.Comparison)
                {
                    case Comparison.GreaterThan when whole:
                        target.Minimum = Number(Convert.ToDecimal(bound, System.Globalization.CultureInfo.InvariantCulture) + 1);
                        break;
                    case Comparison.GreaterThan:
                        target.ExclusiveMinimum = Number(bound);
                        break;
                    case Comparison.GreaterThanOrEqual:
                        target.Minimum = Number(bound);
                        break;
                    case Comparison.LessThan when whole:
                        target.Maximum = Number(Convert.ToDecimal(bound, System.Globalization.CultureInfo.InvariantCulture) - 1);
                        break;
                    case Comparison.LessThan:
                        target.ExclusiveMaximum = Number(bound);
                        break;
                    case Comparison.LessThanOrEqual:
                        target.Maximum = Number(bound);
                        break;
                }
                break;
            case IMaxItemsValidator max when isObject:
                target.MaxProperties = max.Max;
                break;
            case IMaxItemsValidator max:
                target.MaxItems = max.Max;
                break;
        }
    }

    private static int Tighter(int? current, int value, Func<int, int, int> pick) => current is { } c ? pick(c, value) : value;

    private static bool IsNumber(object value) => value is int or long or decimal or double or float or short or byte;

    private static string Number(object value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
}

/// <summary>
/// The body Swagger UI's "Try it out" starts from, built each time the document is (times near the present, in Shanghai
/// time with seconds and milliseconds, as a mini-program sends them). Without it Swagger UI makes one up from the
/// schema — 0 for ids, "string" for names, the same instant for start and end — which the service rightly refuses.
/// </summary>
public sealed record RequestExample(Func<DateTimeOffset, object> Build)
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>A time as a mini-program sends it: local, with its offset, to the millisecond.</summary>
    public static string Time(DateTimeOffset t) =>
        t.ToOffset(Shanghai).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
}

public static class RequestExamples
{
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, Func<DateTimeOffset, object> example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExample(example));
}

/// <summary>
/// Per operation: the problems it can really answer with (each as the <see cref="OpenApi.ProblemSchema"/> schema), the key
/// it needs (none on anonymous endpoints), the Idempotency-Key of a POST, text media types, query-parameter limits, and
/// a description of who may call it.
/// </summary>
public sealed class OperationAnswersFilter(TimeProvider clock) : IOperationFilter
{
    private static readonly JsonSerializerOptions ExampleJson = new(JsonSerializerDefaults.Web);

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var api = context.ApiDescription;
        var metadata = api.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<RequestExample>().FirstOrDefault() is { } example
            && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
            body.Example = JsonSerializer.SerializeToNode(example.Build(clock.GetUtcNow()), ExampleJson);
        var method = api.HttpMethod ?? HttpMethods.Get;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var post = HttpMethods.IsPost(method) && !anonymous;
        var parameters = operation.Parameters ?? [];
        var hasBody = operation.RequestBody is not null;
        operation.Responses ??= [];

        // Every request can be a 400: a query may carry format=, which is checked on every endpoint (Csv.UseFormatCheck),
        // besides a body or a query value that fails to bind. A path value that does not fit its route constraint finds
        // no route (404). Every request passes the rate limiter, and a request with a body the body limit.
        var problems = new SortedSet<int>(operation.Responses.Keys.Select(int.Parse).Where(s => s >= 400)) { 400, 429, 500 };
        if (!anonymous)
            problems.UnionWith([401, 403]);
        if (parameters.Any(p => p.In == ParameterLocation.Path))
            problems.Add(404);
        if (post)
            problems.Add(409);
        if (!HttpMethods.IsGet(method))
            problems.Add(413);
        if (hasBody)
            problems.Add(415);
        // Anything that reads or writes the database can find it out of reach (a failover); only liveness cannot.
        if (api.RelativePath != "health")
            problems.Add(503);
        foreach (var status in problems)
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Problem(status, context.Document);

        foreach (var response in operation.Responses.Values.OfType<OpenApiResponse>())
        {
            foreach (var (mediaType, content) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (!mediaType.Contains("json", StringComparison.Ordinal))
                    content.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
            }
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[RateLimits.Header] = new OpenApiHeaderReference(RateLimits.Header, context.Document);
        }

        operation.Security = anonymous
            ? []
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApi.BearerScheme, context.Document)] = [] }];

        if (post)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header,
                In = ParameterLocation.Header,
                Description = "Makes a retry safe: the same key with the same body returns the first answer and creates nothing new.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxKeyLength, Pattern = "^[!-~]+$" },
            });
            foreach (var (status, response) in operation.Responses)
            {
                if (status[0] == '2' && response is OpenApiResponse success)
                {
                    success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    success.Headers[Idempotency.ReplayedHeader] = new OpenApiHeader
                    {
                        Description = "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [OpenApi.Json("true")] },
                    };
                }
            }
        }

        foreach (var parameter in parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
            QueryLimits(operation.OperationId ?? "", parameter);

        operation.Description ??= Describe(metadata, anonymous, post, operation);
    }

    private static void QueryLimits(string operation, OpenApiParameter parameter)
    {
        if (parameter.Schema is not OpenApiSchema schema)
            return;
        switch (parameter.Name)
        {
            case "limit":
                schema.Minimum = "1";
                schema.Maximum = Paging.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
                schema.Default = OpenApi.Json(Paging.DefaultLimit);
                parameter.Description ??= "Items on a page.";
                break;
            case "cursor":
                schema.MaxLength = Paging.MaxCursorLength;
                parameter.Description ??= "The nextCursor of the previous page.";
                break;
            case "year":
                schema.Minimum = "2000";
                schema.Maximum = "2100";
                parameter.Description ??= "A local year in the community's time zone; this year when left out.";
                break;
            case "q":
                schema.MaxLength = 100;
                break;
            case "format":
                parameter.Description ??= "csv: every matching row as a UTF-8 CSV (cursor and limit do not apply); left out: a JSON page.";
                break;
        }
        if (Vocabularies.OfQuery(operation, parameter.Name!) is { } words)
            schema.Enum = [.. words.Select(w => OpenApi.Json(w))];
    }

    private static string Describe(IList<object> metadata, bool anonymous, bool post, OpenApiOperation operation)
    {
        var lines = new List<string>();
        if (anonymous)
            lines.Add("No API key needed.");
        else
        {
            var policy = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
            var roles = policy is not null && Policies.RolesOf.TryGetValue(policy, out var r) ? r : Roles.All;
            lines.Add($"Keys: {string.Join(", ", roles)}." +
                      (roles.Any(Roles.IsScoped) ? " Staff and client keys act within their own community." : ""));
        }
        if (post)
            lines.Add("Send an Idempotency-Key to retry safely: the same key and body return the first answer with Idempotent-Replayed: true; " +
                      "the same key with another body is 409 idempotency-key-reused.");
        if (operation.Responses!.Values.Any(r => r.Content?.ContainsKey("text/csv") == true))
            lines.Add("format=csv streams every matching row as UTF-8 CSV with a BOM: Chinese headers and local times by default, " +
                      "camelCase headers and ISO times with Accept-Language: en.");
        return string.Join("\n\n", lines);
    }

    private static OpenApiResponse Problem(int status, OpenApiDocument document)
    {
        var response = new OpenApiResponse
        {
            Description = status switch
            {
                400 => "Invalid request (code validation): malformed JSON, a wrong type, a bad query value, or fields that break the rules, listed in errors.",
                401 => "No valid API key (code unauthorized).",
                403 => "The key's role or community may not do this (code forbidden).",
                404 => "Not found (code not-found); another community's volunteers and records answer 404 too.",
                409 => "Refused in the current state; code says why (for example insufficient-points, or idempotency-key-reused).",
                413 => "The body is over 64 KiB (code payload-too-large).",
                415 => "The body is not application/json (code unsupported-media-type).",
                422 => "Not acceptable under the community's rules; code says which.",
                429 => "Too many requests from this key (code rate-limited); retry after Retry-After seconds.",
                503 => "The service is shutting down (code unavailable), or cannot reach its database just now (code database-unavailable); retry shortly.",
                _ => "Something went wrong on the service's side (code internal); report the requestId.",
            },
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(OpenApi.ProblemSchema, document) },
            },
        };
        if (status == 429)
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Required = true,
                    Description = "Seconds to wait before the next request.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
                },
            };
        return response;
    }
}

/// <summary>
/// The whole document: the problem schema as <see cref="Problems"/> writes it, every property required in the schemas
/// only answers use (the JSON writer never leaves one out), and the tags listed.
/// </summary>
public sealed class LedgerDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[OpenApi.ProblemSchema] = ProblemSchema();
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Headers[RateLimits.Header] = new OpenApiHeader
        {
            Required = true,
            Description = "How many requests this key may still make at once (IETF draft RateLimit field): r requests left, t seconds until the bucket next refills.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64, Pattern = "^\"key\";r=[0-9]+;t=[0-9]+$" },
        };
        document.Components.Schemas.Remove("HttpValidationProblemDetails");

        var requests = new HashSet<string>(StringComparer.Ordinal);
        var answers = new HashSet<string>(StringComparer.Ordinal);
        var tags = new List<string>();
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var content in operation.RequestBody?.Content?.Values ?? [])
                Reach(content.Schema, document, requests);
            foreach (var content in operation.Responses?.Values.SelectMany(r => r.Content?.Values ?? []) ?? [])
                Reach(content.Schema, document, answers);
            foreach (var tag in operation.Tags ?? new HashSet<OpenApiTagReference>())
                if (tag.Name is { } name && !tags.Contains(name))
                    tags.Add(name);
        }
        foreach (var name in answers.Except(requests).Where(n => n != OpenApi.ProblemSchema))
        {
            if (document.Components.Schemas[name] is OpenApiSchema { Properties.Count: > 0 } schema)
                schema.Required = new SortedSet<string>(schema.Properties.Keys, StringComparer.Ordinal);
        }
        document.Tags = new HashSet<OpenApiTag>(tags.Select(t => new OpenApiTag { Name = t }));
    }

    /// <summary>Adds the component schemas <paramref name="schema"/> reaches to <paramref name="names"/>.</summary>
    private static void Reach(IOpenApiSchema? schema, OpenApiDocument document, HashSet<string> names)
    {
        switch (schema)
        {
            case null:
                return;
            case OpenApiSchemaReference reference:
                if (reference.Reference.Id is { } id && names.Add(id) && document.Components!.Schemas!.TryGetValue(id, out var target))
                    Reach(target, document, names);
                return;
        }
        foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
            Reach(child, document, names);
        Reach(schema.Items, document, names);
        Reach(schema.AdditionalProperties, document, names);
    }

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem: every 4xx and 5xx answer. code is the machine-readable reason; title and detail follow Accept-Language.",
        Required = new SortedSet<string>(["status", "title", "detail", "code", "requestId"], StringComparer.Ordinal),
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "validation, not-found, insufficient-points, …" },
            ["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation failures only: the messages for each field, by its camelCase path.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        AdditionalPropertiesAllowed = false,
    };
}
