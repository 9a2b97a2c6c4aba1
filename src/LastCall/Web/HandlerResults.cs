using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Web;

/// <summary>A business failure a page shows: the stable code (as the API gives it) and the problem document.</summary>
public sealed record UiProblem(int Status, string Code, ProblemDetails Details)
{
    /// <summary>The friendly text for the code in the UI culture (Shared <c>error_</c> + code), or the generic one.</summary>
    public string Message => UiText.Shared.Find("error_" + Code) ?? UiText.Shared["error_generic"];

    /// <summary>An extension of the problem (e.g. <c>blockers</c> of <c>not_eligible</c>) as the handler put it.</summary>
    public T? Extension<T>(string name) where T : class => Details.Extensions.TryGetValue(name, out var value) ? value as T : null;

    public static UiProblem From(ProblemHttpResult problem) => new(
        problem.StatusCode,
        problem.ProblemDetails.Extensions.TryGetValue("code", out var code) && code is string text ? text : Problems.CodeForStatus(problem.StatusCode),
        problem.ProblemDetails);
}

/// <summary>
/// Pages call the API's handlers in process; this reads their typed result: the value of a success
/// (Ok, Created…) or the problem of a business failure.
/// </summary>
public static class HandlerResults
{
    public static (T? Value, UiProblem? Problem) Read<T>(IResult result) where T : class => result switch
    {
        IValueHttpResult<T> success => (success.Value, null),
        ProblemHttpResult problem => (null, UiProblem.From(problem)),
        _ => throw new InvalidOperationException($"Unexpected handler result {result.GetType().Name}."),
    };

    public static async Task<(T? Value, UiProblem? Problem)> ReadAsync<T>(Task<IResult> call) where T : class => Read<T>(await call);
}
