using System.Text.RegularExpressions;

namespace LastCall.Features.Lookup;

/// <summary>
/// CAMARA conventions on every CAMARA answer. The request's <c>x-correlator</c> is echoed (one is generated when the
/// request has none; one that breaks the Commonalities pattern is refused with 400 INVALID_ARGUMENT). CAMARA clients
/// expect CAMARA's error body even when the partner gate refuses or the service is down: a 401, 403, 429 or 503 from
/// authentication, authorization, the rate limiter or a database outage is rewritten as <c>{status, code, message}</c>
/// (UNAUTHENTICATED, PERMISSION_DENIED, TOO_MANY_REQUESTS, UNAVAILABLE).
/// </summary>
public sealed class CamaraErrors(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/number-recycling", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var given = context.Request.Headers[CamaraCorrelator.HeaderName].ToString();
        var valid = CamaraCorrelator.IsValid(given);
        var correlator = valid && given.Length > 0 ? given : Guid.NewGuid().ToString();
        // Set as the answer starts, so it survives the exception handler clearing the response.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CamaraCorrelator.HeaderName] = correlator;
            return Task.CompletedTask;
        });
        if (!valid)
        {
            await CamaraNumberRecycling.Fail(400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param: x-correlator does not match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$.").ExecuteAsync(context);
            return;
        }
        var original = context.Response.Body;
        using var buffered = new MemoryStream();
        context.Response.Body = buffered;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var isCamaraBody = context.Response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true && buffered.Length > 0;
        (string Code, string Message)? rewrite = context.Response.StatusCode switch
        {
            401 => ("UNAUTHENTICATED", "Request not authenticated due to missing, invalid, or expired credentials."),
            403 => ("PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action."),
            429 => ("TOO_MANY_REQUESTS", "Either out of resource quota or reaching rate limiting."),
            503 when !isCamaraBody => ("UNAVAILABLE", "Service unavailable: try again shortly."),
            _ => null,
        };
        if (rewrite is { } error)
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = null;
            await context.Response.WriteAsJsonAsync(new CamaraNumberRecycling.Error(context.Response.StatusCode, error.Code, error.Message));
            return;
        }
        buffered.Position = 0;
        await buffered.CopyToAsync(original, context.RequestAborted);
    }
}

/// <summary>CAMARA Commonalities' <c>x-correlator</c>: a request's correlation id, echoed in its answer.</summary>
public static partial class CamaraCorrelator
{
    public const string HeaderName = "x-correlator";

    public const string Pattern = @"^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$";

    /// <summary>Empty (absent) or matching <see cref="Pattern"/>.</summary>
    public static bool IsValid(string value) => PatternRegex().IsMatch(value);

    [GeneratedRegex(Pattern)]
    private static partial Regex PatternRegex();
}
