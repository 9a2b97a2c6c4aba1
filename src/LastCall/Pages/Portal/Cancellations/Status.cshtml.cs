using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Features.Cancellations;
using LastCall.Features.Certificates;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal.Cancellations;

/// <summary>
/// A request of mine: status with its history and execution steps (GET /api/v1/cancellations/{id}), withdraw
/// while allowed (POST …/withdraw) and, once completed, the certificate (GET …/certificate), all in process.
/// The unbinding checklist (partners' acknowledgements, the customer's own ticks) comes with the partner work.
/// </summary>
public sealed class StatusModel(CancellationAccess access, AppDbContext db, AuditTrail audit, CancellationNotices notices, PolicySettings policies, TimeProvider clock) : PageModel
{
    public CancellationViews.Detail? Cancellation { get; private set; }

    public bool JustSubmitted { get; private set; }

    public UiProblem? Problem { get; private set; }

    public bool MayWithdraw => Cancellation is not null && CancellationViews.TryParseStatus(Cancellation.Status, out var status) && CancellationRequest.MayWithdraw(status);

    public async Task<IActionResult> OnGetAsync(Guid id, string? submitted, CancellationToken ct)
    {
        JustSubmitted = submitted == "1";
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnGetCertificateAsync(Guid id, CancellationToken ct)
    {
        var result = (await CertificateEndpoints.DownloadAsync(id, access, db, HttpContext, ct)).Result;
        if (result is FileContentHttpResult file)
            return File(file.FileContents.ToArray(), file.ContentType ?? "application/pdf", file.FileDownloadName);
        if (!await LoadAsync(id, ct))
            return NotFound();
        Problem = UiProblem.From((ProblemHttpResult)result);
        Response.StatusCode = Problem.Status;
        return Page();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read<CancellationViews.Detail>((await WithdrawCancellation.HandleAsync(id, access, audit, notices, policies, clock, HttpContext, ct)).Result);
        if (problem is null)
            return Redirect($"/portal/cancellations/{id}");
        if (problem.Status == StatusCodes.Status404NotFound)
            return NotFound();
        audit.Db.ChangeTracker.Clear();
        if (!await LoadAsync(id, ct))
            return NotFound();
        Problem = problem;
        Response.StatusCode = problem.Status;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var (request, problem) = HandlerResults.Read<CancellationViews.Detail>((await GetCancellation.HandleAsync(id, access, audit, policies, clock, HttpContext, ct)).Result);
        Cancellation = request;
        return problem is null;
    }
}
