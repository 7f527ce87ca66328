using System.Globalization;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.OpenApi;

namespace Ledger.Api.Infrastructure;

/// <summary>The host's wiring, so Program.cs stays a page.</summary>
public static class LedgerSetup
{
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Database>();
        services.AddSingleton<Writer>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton(new PublicAddress(configuration));
        services.AddHostedService<Startup>();
        services.Configure<Points.ExpiryOptions>(configuration.GetSection("Ledger:Expiry"));
        services.AddHostedService<Points.ExpiryJob>();
        services.AddSingleton<IdempotencyPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<IdempotencyPurge>());

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // {"amount": 1, "amount": -1000} must not mean whichever a parser happens to keep.
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new UtcTimeJsonConverter());
        });
        // Binding failures (malformed JSON, wrong types, missing body) throw, so ErrorHandler answers them as problems.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = BodyLimit.MaxBytes);

        services.AddSingleton<IProblemDetailsWriter, ProblemWriter>(); // before AddProblemDetails: the first writer that accepts wins
        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorHandler>();

        services.AddValidatorsFromAssemblyContaining<Startup>(ServiceLifetime.Singleton, includeInternalTypes: true);

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            // An endpoint that forgot its policy still needs a key; the authorization-matrix test catches the omission.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireRole(Policies.RolesOf[Policies.Admin]))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Policies.RolesOf[Policies.Staff]))
            .AddPolicy(Policies.Write, p => p.RequireRole(Policies.RolesOf[Policies.Write]))
            .AddPolicy(Policies.Read, p => p.RequireRole(Policies.RolesOf[Policies.Read]))
            .AddPolicy(Policies.Audit, p => p.RequireRole(Policies.RolesOf[Policies.Audit]));

        services.AddRequestLocalization(o =>
        {
            var supported = new[] { new CultureInfo("zh-CN"), new CultureInfo("en") };
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = supported;
            o.SupportedUICultures = supported;
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });

        services.AddLedgerRateLimits(configuration);
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Volunteer points ledger",
                Version = "v1",
                Description = "Service hours become points and stars; points are redeemed at the community counter. " +
                              "Authorize with an API key (Bearer).",
            });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key, e.g. lk_…",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", document)] = [],
            });
            o.CustomSchemaIds(SchemaId);
        });
        return services;
    }

    /// <summary>Readable schema names in the OpenAPI document: Page&lt;VolunteerResponse&gt; becomes PageOfVolunteerResponse.</summary>
    private static string SchemaId(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`')]}Of{string.Join("And", type.GetGenericArguments().Select(SchemaId))}"
            : type.Name;

    public static WebApplication UseLedger(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLocalization();
        // The counter page and Swagger are served before authorization: the pages are public, the calls made from them are not.
        // (Static files are served only where no endpoint matched, so /counter → /counter/ is a middleware, not an endpoint.)
        app.Use((http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/counter"))
                return next(http);
            PageSecurity.Apply(http.Response, PageSecurity.CounterPolicy);
            if (http.Request.Path.Value != "/counter")
                return next(http);
            http.Response.Redirect("/counter/");
            return Task.CompletedTask;
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();

        // Only under /swagger: Swagger UI matches every request's path against regular expressions otherwise.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/swagger"), swagger =>
        {
            swagger.UseSwagger();
            swagger.UseSwaggerUI(o => o.SwaggerEndpoint("/swagger/v1/swagger.json", "Ledger v1"));
        });

        app.UseRateLimiter();
        app.UseBodyLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseQueryTimes();
        app.UseFormatCheck();
        app.UseIdempotency();

        app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("Healthy")))
            .WithName("Health")
            .WithSummary("Liveness: 200 when the service answers.")
            .WithTags("Health")
            .AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The /api/v1 group: every endpoint below needs a key, validates its body and its query times, and documents its
    /// problems.
    /// </summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup($"/api/v1/{prefix}")
            .WithTags(tag)
            .WithValidation()
            .WithQueryTimes()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
}

public sealed record HealthResponse(string Status);
