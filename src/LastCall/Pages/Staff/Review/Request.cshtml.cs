using LastCall.Auditing;
using LastCall.Data;
using LastCall.Features.Cancellations;
using LastCall.Features.Documents;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Pages.Staff.Review;

/// <summary>
/// One request under review: the application beside the uploaded ID document (GET /api/v1/documents/{id},
/// audited), approve (the handler re-checks eligibility) or reject with a reason the customer sees.
/// </summary>
public sealed class RequestModel(
    CancellationAccess access, EligibilityCheck check, AuditTrail audit, CancellationNotices notices, DocumentStore store,
    AppDbContext db, PolicySettings policies, TimeProvider clock) : PageModel
{
    public CancellationViews.Detail? Cancellation { get; private set; }

    /// <summary>The request's documents with their type (images show inline, PDFs open in a new tab).</summary>
    public IReadOnlyList<(Guid Id, string ContentType)> Documents { get; private set; } = [];

    public UiProblem? Problem { get; private set; }

    public string? Reason { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct);

    public async Task<IActionResult> OnGetDocumentAsync(Guid id, Guid doc, CancellationToken ct)
    {
        // Only documents of this request are served from its page.
        // The access check alone: showing an image of the request is not another view of it to audit.
        var (request, denied) = await access.FindAsync(User, id, ct);
        if (denied is not null || !request!.DocumentIdList.Contains(doc))
            return NotFound();
        var result = await GetDocument.HandleAsync(doc, store, audit, db, HttpContext, ct);
        return result.Success is { } file ? File(file.FileStream, file.ContentType ?? "application/octet-stream") : NotFound();
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read<CancellationViews.Detail>(
            await ApproveCancellation.HandleAsync(id, access, check, audit, db, notices, policies, clock, HttpContext, ct));
        return problem is null ? Redirect("/staff/review?done=approved") : await FailAsync(id, problem, null, ct);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid id, string? reason, CancellationToken ct)
    {
        var (_, problem) = HandlerResults.Read<CancellationViews.Detail>(
            await RejectCancellation.HandleAsync(id, new RejectCancellation.Request(reason), access, audit, db, notices, policies, clock, HttpContext, ct));
        return problem is null ? Redirect("/staff/review?done=rejected") : await FailAsync(id, problem, reason, ct);
    }

    private async Task<IActionResult> FailAsync(Guid id, UiProblem problem, string? reason, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var page = await LoadAsync(id, ct);
        if (page is PageResult)
        {
            Problem = problem;
            Reason = reason;
            Response.StatusCode = problem.Status;
        }
        return page;
    }

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        var (request, problem) = HandlerResults.Read<CancellationViews.Detail>(await GetCancellation.HandleAsync(id, access, audit, db, policies, clock, HttpContext, ct));
        if (problem is not null)
            return NotFound();
        Cancellation = request;
        var ids = request!.DocumentIds.ToList();
        var documents = await db.IdentityDocuments.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        Documents = [.. documents.Select(d => (d.Id, d.ContentType))];
        return Page();
    }
}
