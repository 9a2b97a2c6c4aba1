using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.WebUtilities;

namespace LastCall.Features.Tmf;

/// <summary>
/// The TM Forum error body (TMF630, the <c>Error</c> schema of TMF637/TMF622 v5): <c>code</c> (our stable snake_case
/// code), <c>reason</c> (short and human), <c>message</c> (what to do), <c>status</c> (the HTTP status, a string in the
/// schema). A refused order carries every blocker as an error of its own in <c>blockers</c>.
/// </summary>
public sealed record TmfError(
    string Code,
    string Reason,
    string? Message,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TmfError>? Blockers = null)
{
    [JsonPropertyName("@type")]
    public string Type => "Error";

    public static IResult Result(int status, string code, string reason, string? message, IReadOnlyList<TmfError>? blockers = null) =>
        TypedResults.Json(new TmfError(code, reason, message, status.ToString(System.Globalization.CultureInfo.InvariantCulture), blockers), TmfJson.Options, statusCode: status);

    /// <summary>Short reasons of refusals whose status alone says too little, by code.</summary>
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["unsupported_action"] = "Only terminations are ordered here",
        ["unsupported_completion_date"] = "Unsupported completion date",
        ["product_not_found"] = "Unknown product",
        ["product_terminated"] = "Already terminated",
        [Webhooks.WebhookUrlGuard.NotAllowed] = "Callback not allowed",
        ["hub_exists"] = "A listener is registered already",
    };

    /// <summary>
    /// A handler's <see cref="DomainError"/> as a TM Forum error, with the status <see cref="ErrorResponses"/> gives its
    /// kind: <c>code</c> and <c>message</c> are the error's; <c>not_eligible</c> carries each blocker as an error of its
    /// own (<c>code</c>, its message as <c>reason</c>, how to fix it as <c>message</c>).
    /// </summary>
    public static IResult From(DomainError error, string paymentUrl)
    {
        var status = ErrorResponses.StatusOf(error.Kind);
        var statusText = status.ToString(CultureInfo.InvariantCulture);
        List<TmfError>? blockers = error.Ineligible is { } ineligible
            ? [.. ErrorResponses.Blockers(ineligible, CultureInfo.CurrentUICulture, paymentUrl).Select(b => new TmfError(b.Code, b.Message, b.Fix, statusText))]
            : null;
        var reason = error.Kind switch
        {
            ErrorKind.NotFound => "Not found",
            ErrorKind.Validation => "Invalid request",
            ErrorKind.NotEligible => "The product cannot be terminated yet",
            _ => Reasons.GetValueOrDefault(error.Code) ?? ReasonPhrases.GetReasonPhrase(status),
        };
        return Result(status, error.Code, reason, error.Message, blockers);
    }
}

/// <summary>How a TM Forum endpoint answers a handler's <see cref="Result{T}"/>: its value as TM Forum JSON, its error as a <see cref="TmfError"/>.</summary>
public static class TmfResults
{
    public static IResult ToTmf<T>(this Result<T> result, PolicySettings policies, int status = StatusCodes.Status200OK) =>
        result.IsSuccess ? TypedResults.Json(result.Value, TmfJson.Options, statusCode: status) : TmfError.From(result.Error!, policies.PaymentUrl);
}

/// <summary>How the TM Forum answers are written: camelCase, no nulls, text as it is (numbers keep their '+').</summary>
public static class TmfJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>
/// TM Forum clients expect TM Forum's error body from every answer under <c>/tmf-api</c>, including the ones the
/// framework gives before a handler runs (401 without a key, 403 for a key without the <c>bss</c> scope, 429 from the
/// rate limiter, 404/405 for unknown routes, 409/422 from <c>Idempotency-Key</c>, 500/503): a problem document, or an
/// empty error, is rewritten as <see cref="TmfError"/> with the problem's code. It runs first in the pipeline, so it
/// sees the answer as the exception handler and the status code pages left it.
/// </summary>
public sealed class TmfErrors(RequestDelegate next)
{
    public const string PathPrefix = "/tmf-api";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase))
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
        var response = context.Response;
        var isProblem = response.ContentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) == true;
        if (response.StatusCode >= 400 && (isProblem || buffered.Length == 0))
        {
            var error = FromProblem(response.StatusCode, isProblem ? buffered.ToArray() : []);
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = null;
            await JsonSerializer.SerializeAsync(original, error, TmfJson.Options, context.RequestAborted);
            return;
        }
        buffered.Position = 0;
        await buffered.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>The problem's <c>code</c>, <c>title</c> and <c>detail</c> as a TM Forum error; defaults for an empty answer.</summary>
    private static TmfError FromProblem(int status, byte[] body)
    {
        string? code = null, title = null, detail = null;
        if (body.Length > 0)
        {
            try
            {
                using var problem = JsonDocument.Parse(body);
                code = Text(problem.RootElement, "code");
                title = Text(problem.RootElement, "title");
                detail = Text(problem.RootElement, "detail");
            }
            catch (JsonException)
            {
                // Not a problem document after all: the defaults below say what the status means.
            }
        }
        var (defaultCode, defaultReason) = status switch
        {
            StatusCodes.Status401Unauthorized => ("unauthorized", "Authentication required: send a bss API key as a Bearer token."),
            StatusCodes.Status403Forbidden => ("forbidden", "Only keys with the bss scope reach the TM Forum APIs."),
            StatusCodes.Status404NotFound => ("not_found", "No such resource."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", "The resource does not take this method."),
            StatusCodes.Status429TooManyRequests => ("rate_limited", "Too many requests."),
            _ => (Web.Problems.CodeForStatus(status), Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)),
        };
        return new TmfError(code ?? defaultCode, title ?? defaultReason, detail ?? defaultReason, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
