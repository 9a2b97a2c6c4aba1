using LastCall.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Web;

/// <summary>
/// Every error leaves as application/problem+json with a stable snake_case <c>code</c>. Expected
/// business failures become problems through <see cref="ErrorResponses"/>; anything unexpected goes through
/// <see cref="UnexpectedExceptionHandler"/> and never shows a stack trace.
/// </summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddLastCallProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions.TryAdd("code", Problems.CodeForStatus(ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode));
            ctx.ProblemDetails.Extensions.Remove("traceId");
            ctx.ProblemDetails.Extensions.TryAdd("traceId", Hosting.Tracing.TraceIdOf(ctx.HttpContext));
        });
        services.AddExceptionHandler<UnexpectedExceptionHandler>();
        // Binding failures throw BadHttpRequestException so the handler can say what was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}

public static class Problems
{
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status422UnprocessableEntity => "unprocessable",
        StatusCodes.Status429TooManyRequests => "too_many_requests",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        _ => status >= 500 ? "internal_error" : "error",
    };

    /// <summary>
    /// A problem with an explicit status and code. Only <c>Features/Lookup</c> still calls it (and <see cref="Validation"/>),
    /// until that area returns <see cref="DomainError"/>s like the others; everything else goes through <see cref="ErrorResponses"/>.
    /// </summary>
    public static ProblemHttpResult Create(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>400 for a malformed field; see <see cref="Create"/> for who still calls it.</summary>
    public static ProblemHttpResult Validation(string field, string code, string message) =>
        ErrorResponses.Problem(Fail.Validation(field, code, message));
}

/// <summary>Turns exceptions into problems: bad requests keep their message, anything else is a logged 500.</summary>
public sealed class UnexpectedExceptionHandler(IProblemDetailsService problems, Hosting.DatabaseOutage outage, ILogger<UnexpectedExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // An unreachable database is an outage, logged once by DatabaseOutage, not a stack trace per request.
        var databaseUnavailable = outage.Observe(exception);
        // The web UI shows its own error page (WebUiSetup), never a problem document.
        if (WebUiSetup.IsUiRequest(httpContext))
        {
            if (!databaseUnavailable)
                logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            return false;
        }
        ProblemDetails problem;
        if (databaseUnavailable)
        {
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is temporarily unavailable.",
                Detail = "Our database cannot be reached right now. Try again shortly (a POST with the same Idempotency-Key is answered once).",
            };
            problem.Extensions["code"] = "database_unavailable";
            problem.Extensions["retryAfterSeconds"] = Hosting.DatabaseOutage.RetryAfterSeconds;
            httpContext.Response.Headers.RetryAfter = Hosting.DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (exception is BadHttpRequestException bad)
        {
            // Framework messages name internal parameter types; say what the client can act on instead.
            var (code, detail) = bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ("payload_too_large", "The request body is too large for this endpoint."),
                StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", "Send the body as application/json."),
                _ when bad.InnerException is System.Text.Json.JsonException => ("invalid_json", "The body is not valid JSON for this request."),
                StatusCodes.Status400BadRequest => ("invalid_request", "The request is malformed: check the body is present and every parameter has the right type."),
                _ => (Problems.CodeForStatus(bad.StatusCode), "The request cannot be processed."),
            };
            problem = new ProblemDetails { Status = bad.StatusCode, Title = "The request is not valid.", Detail = detail };
            problem.Extensions["code"] = code;
        }
        else if (exception is Integrations.Messaging.MessagingUnavailableException unavailable)
        {
            logger.LogError(unavailable, "Messaging gateway failure for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Messages cannot be sent right now.",
                Detail = "The SMS and e-mail gateway is not answering. Try again in a few minutes.",
            };
            problem.Extensions["code"] = "messaging_unavailable";
            httpContext.Response.Headers.RetryAfter = "60";
        }
        else
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Something went wrong on our side.",
                Detail = "The error has been logged. Quote the trace id when you contact support.",
            };
            problem.Extensions["code"] = "internal_error";
        }
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
