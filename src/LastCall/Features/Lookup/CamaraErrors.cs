namespace LastCall.Features.Lookup;

/// <summary>
/// CAMARA clients expect CAMARA's error body even when the partner gate refuses: on the CAMARA paths
/// a 401, 403 or 429 from authentication, authorization or the rate limiter is rewritten as
/// <c>{status, code, message}</c> (UNAUTHENTICATED, PERMISSION_DENIED, TOO_MANY_REQUESTS).
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
        (string Code, string Message)? rewrite = context.Response.StatusCode switch
        {
            401 => ("UNAUTHENTICATED", "Request not authenticated due to missing, invalid, or expired credentials."),
            403 => ("PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action."),
            429 => ("TOO_MANY_REQUESTS", "Either out of resource quota or reaching rate limiting."),
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
