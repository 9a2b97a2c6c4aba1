using LastCall.Data;
using LastCall.Features.Cancellations;
using LastCall.Features.Documents;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Pages.Staff.Review;

/// <summary>
/// One request under review: the application beside the uploaded ID document (GET /api/v1/documents/{id},
/// audited), approve (the handler re-checks eligibility) or reject with a reason the customer sees.
/// </summary>
public sealed class RequestModel(
    CancellationAccess access, GetCancellation get, ApproveCancellation approve, RejectCancellation reject, GetDocument document,
    AppDbContext db) : PageModel
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
        if (denied is not null || !request!.DocumentIds.Contains(doc))
            return NotFound();
        var found = await document.HandleAsync(User, doc, ct);
        return found.IsSuccess ? File(found.Value.Content, found.Value.ContentType) : NotFound();
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken ct)
    {
        var approved = await approve.HandleAsync(User, id, ct);
        return approved.IsSuccess ? Redirect("/staff/review?done=approved") : await FailAsync(id, new UiProblem(approved.Error!), null, ct);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid id, string? reason, CancellationToken ct)
    {
        var rejected = await reject.HandleAsync(User, id, new RejectCancellation.Request(reason), ct);
        return rejected.IsSuccess ? Redirect("/staff/review?done=rejected") : await FailAsync(id, new UiProblem(rejected.Error!), reason, ct);
    }

    private async Task<IActionResult> FailAsync(Guid id, UiProblem problem, string? reason, CancellationToken ct)
    {
        var page = await LoadAsync(id, ct);
        if (page is PageResult)
        {
            Problem = problem;
            Reason = reason;
            problem.ApplyTo(Response);
        }
        return page;
    }

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        var (request, problem) = HandlerResults.Read(await get.HandleAsync(User, id, ct));
        if (problem is not null)
            return NotFound();
        Cancellation = request;
        var ids = request!.DocumentIds.ToList();
        var documents = await db.IdentityDocuments.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        Documents = [.. documents.Select(d => (d.Id, d.ContentType))];
        return Page();
    }
}
