using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;

namespace LastCall.Web;

/// <summary>A business failure a page shows: the handler's <see cref="DomainError"/> with the page's friendly text for its code.</summary>
public sealed record UiProblem(DomainError Error)
{
    public ErrorKind Kind => Error.Kind;

    /// <summary>The stable code, as the API gives it.</summary>
    public string Code => Error.Code;

    /// <summary>The status the API answers for this error (and the page answers with).</summary>
    public int Status => ErrorResponses.StatusOf(Error.Kind);

    /// <summary>The friendly text for the code in the UI culture (Shared <c>error_</c> + code), or the generic one.</summary>
    public string Message => UiText.Shared.Find("error_" + Code) ?? UiText.Shared["error_generic"];

    /// <summary>What stands in the way of a <c>not_eligible</c>; empty for other errors.</summary>
    public IReadOnlyList<Finding> Blockers => Error.Ineligible?.Blockers ?? [];

    /// <summary>Answers the page with the status the API gives this error, and its <c>Retry-After</c> when it has one.</summary>
    public void ApplyTo(HttpResponse response)
    {
        response.StatusCode = Status;
        if (Error.RetryAfter is { } wait)
            response.Headers.RetryAfter = ErrorResponses.Seconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Pages call the API's handlers in process (decision 0006); this reads a handler's result for the page.</summary>
public static class HandlerResults
{
    /// <summary>An injectable handler's result (decision 0006): its value, or its error for the page to show.</summary>
    public static (T? Value, UiProblem? Problem) Read<T>(Result<T> result) where T : class =>
        result.IsSuccess ? (result.Value, null) : (null, new UiProblem(result.Error!));
}
