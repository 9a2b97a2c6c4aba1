using System.Globalization;
using System.Reflection;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;

namespace LastCall.Web;

/// <summary>
/// The one place a <see cref="DomainError"/> becomes HTTP: its <see cref="ErrorKind"/> picks the status, and the kind's
/// shape adds what the client acts on (<c>errors</c> for a validation failure with its field, <c>blockers</c> for
/// <c>not_eligible</c>, <c>Retry-After</c> for too many attempts). Every problem has <c>type</c>, <c>title</c>,
/// <c>status</c>, <c>detail</c> (the error's message) and <c>code</c> (the error's code). Framework-level problems
/// (model binding, authentication, unknown routes, rate limits, outages) are written by <see cref="ProblemDetailsSetup"/>.
/// </summary>
public static class ErrorResponses
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorKind.NotEligible or ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An error kind without a status."),
    };

    /// <summary>
    /// The problem document for <paramref name="error"/>. <paramref name="http"/> gives the language of the blockers'
    /// texts and takes the <c>Retry-After</c> header; without it blockers are rendered in the current UI culture
    /// with the default pay link.
    /// </summary>
    public static ProblemHttpResult Problem(DomainError error, HttpContext? http = null)
    {
        var status = StatusOf(error.Kind);
        var extensions = new Dictionary<string, object?>();
        switch (error.Kind)
        {
            case ErrorKind.Validation when error.Field is not null:
                extensions["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Message] };
                break;
            case ErrorKind.NotEligible when error.Ineligible is { } ineligible:
                var payUrl = http?.RequestServices.GetService<PolicySettings>()?.PaymentUrl ?? "";
                var culture = CultureInfo.CurrentUICulture;
                extensions["blockers"] = Blockers(ineligible, culture, payUrl);
                if (ineligible.Warnings is { } warnings)
                    extensions["warnings"] = warnings.Select(w => FindingTexts.ForWarning(w, culture)).ToList();
                if (ineligible.Alternatives is { } alternatives)
                    extensions["alternatives"] = alternatives;
                break;
            case ErrorKind.TooManyRequests when error.RetryAfter is { } retryAfter:
                extensions["retryAfterSeconds"] = Seconds(retryAfter);
                break;
        }
        if (error.RetryAfter is { } wait && http is not null)
            http.Response.Headers.RetryAfter = Seconds(wait).ToString(CultureInfo.InvariantCulture);
        extensions["code"] = error.Code;
        var problem = TypedResults.Problem(detail: error.Message, statusCode: status, extensions: extensions);
        // The framework's defaults name most statuses; these two it leaves without a type and title.
        var details = problem.ProblemDetails;
        details.Type ??= status switch
        {
            StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
            StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
            _ => null,
        };
        details.Title ??= ReasonPhrases.GetReasonPhrase(status);
        return problem;
    }

    /// <summary>A wait as <c>Retry-After</c> gives it: whole seconds, rounded up.</summary>
    public static int Seconds(TimeSpan wait) => (int)Math.Ceiling(wait.TotalSeconds);

    /// <summary>The blockers of a <c>not_eligible</c> as the API and the pages show them: code, message and fix, in <paramref name="culture"/>.</summary>
    public static List<FindingTexts.Blocker> Blockers(Ineligibility ineligible, CultureInfo culture, string payUrl) =>
        [.. ineligible.Blockers.Select(b => FindingTexts.ForBlocker(b, culture, payUrl))];
}

/// <summary>
/// What an endpoint handler answers: its success (<c>Ok</c>, <c>Created</c>…) or a <see cref="DomainError"/>, which
/// <see cref="ErrorResponses"/> turns into a problem when the answer is written. A handler returns either directly
/// (<c>return TypedResults.Ok(view);</c>, <c>return Fail.NotFound(…);</c>).
/// The OpenAPI document describes it as <c>Results&lt;TSuccess, ProblemHttpResult&gt;</c>.
/// </summary>
public sealed class Outcome<TSuccess> : IResult, IEndpointMetadataProvider where TSuccess : IResult
{
    private Outcome(TSuccess? success, DomainError? error)
    {
        Success = success;
        Error = error;
    }

    public TSuccess? Success { get; }

    public DomainError? Error { get; }

    public static implicit operator Outcome<TSuccess>(TSuccess success) => new(success, default);

    public static implicit operator Outcome<TSuccess>(DomainError error) => new(default, error);

    public Task ExecuteAsync(HttpContext httpContext) =>
        Error is { } error ? ErrorResponses.Problem(error, httpContext).ExecuteAsync(httpContext) : Success!.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Populate<Results<TSuccess, ProblemHttpResult>>(method, builder);

    private static void Populate<T>(MethodInfo method, EndpointBuilder builder) where T : IEndpointMetadataProvider =>
        T.PopulateMetadata(method, builder);
}

/// <summary>How an endpoint answers a handler's <see cref="Result{T}"/>: its success as the endpoint says, its error through <see cref="ErrorResponses"/>.</summary>
public static class ResultResponses
{
    public static Outcome<Ok<T>> ToOk<T>(this Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!;

    public static Outcome<Created<T>> ToCreated<T>(this Result<T> result, Func<T, string> location) =>
        result.IsSuccess ? TypedResults.Created(location(result.Value), result.Value) : result.Error!;
}
