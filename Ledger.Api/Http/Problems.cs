using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Ledger.Api.Storage;

namespace Ledger.Api.Http;

/// <summary>
/// The one way errors become answers: RFC 9457 problem+json with the contract's <c>code</c>, a localized title and
/// detail, and the request id — never a stack trace or SQL.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult From(Failure failure) => TypedResults.Problem(Build(failure));

    public static ProblemDetails Build(Failure failure)
    {
        ProblemDetails problem = failure.Errors is { } errors
            ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
            : new ProblemDetails();
        problem.Status = failure.Status;
        problem.Title = Messages.Title(failure.Status);
        problem.Detail = Messages.Get(failure.MessageKey, failure.Args);
        problem.Extensions["code"] = failure.Code;
        return problem;
    }

    /// <summary>
    /// A body that is not JSON, or a field of the wrong type: 400 <c>validation</c> naming the field as the client wrote
    /// it ("entries[1].score"), or "body" for the body as a whole (missing, empty, null, not JSON).
    /// </summary>
    public static Failure Malformed(string? path)
    {
        var field = string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        return new Failure(400, "validation", "malformed-json", field)
        {
            Errors = new Dictionary<string, string[]> { [field] = [Messages.Get(field == "body" ? "body-required" : "malformed-field")] },
        };
    }

    /// <summary>For middleware and auth handlers, which answer outside an endpoint.</summary>
    public static async Task Write(HttpContext http, Failure failure, Action<HttpResponse>? headers = null)
    {
        if (http.Response.HasStarted)
            return;
        http.Response.Clear();
        headers?.Invoke(http.Response);
        http.Response.StatusCode = failure.Status;
        var service = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = Build(failure) });
    }

    /// <summary>Runs on every problem written (see <see cref="ProblemWriter"/>): fills in what a bare status lacks.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ??= context.HttpContext.Response.StatusCode;
        if (!problem.Extensions.ContainsKey("code"))
        {
            var (code, key) = status switch
            {
                400 => ("validation", "validation"),
                401 => ("unauthorized", "unauthorized"),
                403 => ("forbidden", "forbidden"),
                404 => ("not-found", "route-not-found"),
                405 => ("method-not-allowed", "method-not-allowed"),
                413 => ("payload-too-large", "payload-too-large"),
                415 => ("unsupported-media-type", "unsupported-media-type"),
                _ when status >= 500 => ("internal", "internal"),
                _ => ("conflict", "bad-request"),
            };
            problem.Extensions["code"] = code;
            problem.Title = Messages.Title(status);
            problem.Detail ??= Messages.Get(key, BodyLimit.MaxBytes);
        }
        // The framework's default "type" links point at an external RFC site; they add nothing a client can use.
        problem.Type = null;
        problem.Extensions.Remove("traceId");
        problem.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
    }
}

/// <summary>
/// The only problem writer, for every Accept header. The framework's own writer declines any Accept that does not take
/// JSON — a browser's text/html, an image tag's image/png, text/csv — and then the 401 challenge threw (a 500), unknown
/// paths answered text/plain and typed results skipped <see cref="Problems.Customize"/>. Every error is problem+json
/// (API.md), so this writer says yes to all: registered before AddProblemDetails, it comes first, and the framework's
/// status-code pages, exception handler and <c>TypedResults.Problem</c> all end here.
/// </summary>
public sealed class ProblemWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public const string ContentType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        Problems.Customize(context);
        var problem = context.ProblemDetails;
        var typeInfo = json.Value.SerializerOptions.GetTypeInfo(problem.GetType());
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, typeInfo, ContentType, context.HttpContext.RequestAborted));
    }
}

/// <summary>Turns exceptions into problems: bad requests the framework throws become 4xx, anything else a bare 500.</summary>
public sealed partial class ErrorHandler(ILogger<ErrorHandler> logger) : IExceptionHandler
{
    /// <summary>
    /// The framework's words for a query value it could not read ("Failed to bind parameter "Nullable`1 communityId" from
    /// "abc"."), turned into a field error a client can show: the parameter, and the value that is not one.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?:\\S+ )?(?<name>[A-Za-z0-9_]+)\" from \"(?<value>.*)\"\\.$")]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        // The exception has left the localization middleware, and with it the request's language: set it again.
        if (http.Features.Get<IRequestCultureFeature>() is { } language)
            CultureInfo.CurrentUICulture = language.RequestCulture.UICulture;
        var failure = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => new Failure(413, "payload-too-large", "payload-too-large", BodyLimit.MaxBytes),
            BadHttpRequestException { StatusCode: 415 } => new Failure(415, "unsupported-media-type", "unsupported-media-type"),
            BadHttpRequestException { InnerException: TimeFormatException time } => Failure.Invalid(time.Field, time.MessageKey),
            BadHttpRequestException { InnerException: JsonException json } => Problems.Malformed(json.Path),
            BadHttpRequestException bad when BindingFailure().Match(bad.Message) is { Success: true } query =>
                Failure.Invalid(query.Groups["name"].Value, "query-value", query.Groups["value"].Value),
            // "Implicit body inferred for parameter … but no body was provided", "Required parameter … was not provided from body".
            BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal)
                                            || bad.Message.Contains("not provided from body", StringComparison.Ordinal) =>
                Problems.Malformed(null),
            BadHttpRequestException bad => new Failure(bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, "validation", "bad-request", bad.Message),
            WriterStoppedException => new Failure(503, "unavailable", "unavailable"),
            // The database cannot be reached (restarting, failing over): nothing was done, and a retry may succeed.
            System.Data.Common.DbException { IsTransient: true } => new Failure(503, "database-unavailable", "database-unavailable"),
            _ => null,
        };
        if (exception is System.Data.Common.DbException { IsTransient: true })
            http.RequestServices.GetRequiredService<Storage.Database>().ConnectionLost();
        if (failure is null)
        {
            if (http.RequestAborted.IsCancellationRequested)
                return true;
            logger.LogError(exception, "Unhandled exception for {Method} {Path} (request {RequestId})",
                http.Request.Method, http.Request.Path, http.TraceIdentifier);
            failure = new Failure(500, "internal", "internal");
        }
        await Problems.Write(http, failure);
        return true;
    }
}
