using System.Globalization;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Ledger.Api.Communities;
using Ledger.Api.Http;
using Ledger.Api.Storage;
using Ledger.Api.Storage.Sqlite;

namespace Ledger.Api.Hosting;

/// <summary>The host's wiring, so Program.cs stays a page.</summary>
public static class LedgerSetup
{
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => CreateDatabase(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<Writer>();
        services.AddSingleton<CommunityContexts>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton(new PublicAddress(configuration));
        services.AddHostedService<DatabaseLifecycle>();
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

        services.AddValidatorsFromAssemblyContaining<DatabaseLifecycle>(ServiceLifetime.Singleton, includeInternalTypes: true);

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
        services.AddSwaggerGen(o => o.AddLedgerDocument());
        return services;
    }

    /// <summary>Which database the service runs on: a SQLite file (one node), or PostgreSQL (any number of nodes).</summary>
    public const string ProviderSetting = "Ledger:Database:Provider";

    public static readonly IReadOnlyList<string> Providers = ["sqlite", "postgresql"];

    /// <summary>
    /// The configured database: the one place that reads <see cref="ProviderSetting"/> (any case; "sqlite" when unset),
    /// for the service and the backup command alike. A name we do not know stops the start rather than run the service
    /// on some other database than the operator meant.
    /// </summary>
    public static Database CreateDatabase(IConfiguration configuration) => Provider(configuration) switch
    {
        "sqlite" => new SqliteDatabase(configuration),
        "postgresql" => new Storage.Postgres.PostgresDatabase(configuration),
        var other => throw new System.Diagnostics.UnreachableException($"{other} is accepted but has no database."),
    };

    private static string Provider(IConfiguration configuration)
    {
        var configured = configuration[ProviderSetting];
        var provider = string.IsNullOrWhiteSpace(configured) ? "sqlite" : configured.Trim().ToLowerInvariant();
        return Providers.Contains(provider)
            ? provider
            : throw new StartRefusedException(
                $"{ProviderSetting} is \"{configured}\", which is not a database this service runs on. Accepted values: {string.Join(", ", Providers)}.");
    }

    /// <summary>Why the service cannot start with these settings, or null: the checks each setting meets where it is used.</summary>
    public static string? RefusedSettings(IConfiguration configuration)
    {
        try
        {
            if (Provider(configuration) == "postgresql")
                Storage.Postgres.PostgresDatabase.Settings(configuration.GetConnectionString("Ledger"));
            _ = new PublicAddress(configuration);
            DatabaseLifecycle.ConfiguredBootstrapKey(configuration);
            return null;
        }
        catch (StartRefusedException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// A published service (its wwwroot beside the dll) started from another working directory — a systemd unit in
    /// /var/lib/ledger, say — still finds its counter page and its appsettings.json: the content root is where the dll
    /// is. Otherwise (dotnet run, the tests) the default, the working directory. The database path stays relative to the
    /// working directory either way.
    /// </summary>
    public static string? PublishedContentRoot() =>
        !Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "wwwroot")) && Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
            ? AppContext.BaseDirectory
            : null;

    public static WebApplication UseLedger(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLocalization();
        // The counter page and Swagger are served before authorization: the pages are public, the calls made from them are not.
        // (Static files are served only where no endpoint matched, so /counter → /counter/ is a middleware, not an endpoint.)
        app.Use((http, next) =>
        {
            // Someone who opens the service's address in a browser is most likely at the counter.
            if (http.Request.Path.Value == "/")
            {
                http.Response.Redirect("/counter/");
                return Task.CompletedTask;
            }
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
            swagger.UseSwagger(o => o.OpenApiVersion = OpenApi.Version);
            swagger.UseSwaggerUI(o => o.SwaggerEndpoint("/swagger/v1/swagger.json", "Ledger v1"));
        });

        app.UseRateLimitHeaders();
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
        app.MapGet("/health/ready", Ready)
            .WithName("Ready")
            .WithSummary("Readiness, for a load balancer: 200 when this node reaches its database and takes requests; 503 while it cannot, or is stopping.")
            .WithTags("Health")
            .AllowAnonymous();
        return app;
    }

    /// <summary>
    /// A node that cannot reach the database, or has begun to stop (SIGTERM: it finishes what it has, and takes nothing
    /// new), says so, so haproxy sends requests to the others; /health stays the answer to "is the process alive".
    /// </summary>
    private static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> Ready(
        Database database, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return Problems.From(new Failure(503, "unavailable", "unavailable"));
        try
        {
            await using var connection = await database.OpenReadAsync(cancellationToken);
            await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT 1");
            return TypedResults.Ok(new HealthResponse("Ready"));
        }
        catch (System.Data.Common.DbException)
        {
            database.ConnectionLost();
            return Problems.From(new Failure(503, "database-unavailable", "database-unavailable"));
        }
    }

    /// <summary>
    /// The /api/v1 group: every endpoint below needs a key and validates its body and its query times. The problems each
    /// can answer with are documented by <see cref="OperationAnswersFilter"/>; an endpoint adds those only it can give
    /// (404, 409, 422).
    /// </summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup($"/api/v1/{prefix}")
            .WithTags(tag)
            .WithValidation()
            .WithQueryTimes();
}

public sealed record HealthResponse(string Status);
