using LastCall.Auditing;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Features.Cancellations;
using LastCall.Features.Certificates;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Requests;

/// <summary>
/// A cancellation request for staff (GET /api/v1/cancellations/{id}): status, who submitted it where,
/// history and execution steps; the certificate PDF once completed; retry of a failed one (supervisors).
/// Who may open it is the handler's decision (agents only for a caller verified in this call).
/// </summary>
public sealed class DetailModel(GetCancellation get, RetryCancellation retry, GetCertificatePdf certificate) : PageModel
{
    public CancellationViews.Detail? Cancellation { get; private set; }

    public bool JustSubmitted { get; private set; }

    public bool MayRetry => Cancellation?.Status == "failed" && User.IsInAnyRole(StaffRoles.Supervise);

    public UiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? submitted, CancellationToken ct)
    {
        JustSubmitted = submitted == "1";
        return await LoadAsync(id, ct);
    }

    public async Task<IActionResult> OnGetCertificateAsync(Guid id, CancellationToken ct)
    {
        var pdf = await certificate.HandleAsync(User, id, ct);
        if (pdf.IsSuccess)
            return File(pdf.Value.Content, "application/pdf", pdf.Value.FileName);
        var page = await LoadAsync(id, ct);
        if (page is PageResult)
        {
            Problem = new UiProblem(pdf.Error!);
            Problem.ApplyTo(Response);
        }
        return page;
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken ct)
    {
        var retried = await retry.HandleAsync(User, id, ct);
        if (retried.IsSuccess)
            return Redirect($"/staff/requests/{id}");
        var problem = new UiProblem(retried.Error!);
        var page = await LoadAsync(id, ct);
        Problem ??= problem;
        problem.ApplyTo(Response);
        return page;
    }

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        var (request, problem) = HandlerResults.Read(await get.HandleAsync(User, id, ct));
        if (problem is { Kind: ErrorKind.NotFound })
            return NotFound();
        Cancellation = request;
        if (problem is not null)
        {
            Problem = problem;
            problem.ApplyTo(Response);
        }
        return Page();
    }
}
