using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Error;

/// <summary>The UI's error page for status codes and unexpected failures: a friendly text, never a stack trace.</summary>
[IgnoreAntiforgeryToken]
public sealed class IndexModel : PageModel
{
    public int Status { get; private set; }

    public string TitleKey => Status switch { 404 => "error_404_title", 403 => "error_403_title", 400 => "error_400_title", 503 => "error_503_title", _ => "error_500_title" };

    public string TextKey => Status switch { 404 => "error_404_text", 403 => "error_403_text", 400 => "error_400_text", 503 => "error_503_text", _ => "error_500_text" };

    public void OnGet(int? status) => Show(status);

    public void OnPost(int? status) => Show(status);

    private void Show(int? status)
    {
        // Re-executed for another request's status, or asked for directly (then it is a 404 itself).
        var reExecuted = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null
            || HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>() is not null;
        Status = reExecuted ? status ?? 500 : 404;
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>()?.Error is { } error && Hosting.DatabaseOutage.IsUnavailable(error))
        {
            // A database outage is temporary: say so, and when to try again.
            Status = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = Hosting.DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        Response.StatusCode = Status;
    }
}
