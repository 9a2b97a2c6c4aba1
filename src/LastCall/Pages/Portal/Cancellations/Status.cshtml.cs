using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Features.Cancellations;
using LastCall.Features.Certificates;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal.Cancellations;

/// <summary>
/// A request of mine: status with its history and execution steps (GET /api/v1/cancellations/{id}), withdraw
/// while allowed (POST …/withdraw) and, once completed, the certificate (GET …/certificate), all in process.
/// Says how the cooling-off works (Policies:CoolingOffHours after the approval notice) and until when the request
/// can still be stopped. Once completed, the unbinding view (GET …/unbinding): which partners were asked to unbind the
/// number and which have acknowledged, beside the customer's own checklist, ticked through
/// PUT …/unbinding/checklist/{item} one item at a time or all at once.
/// </summary>
public sealed class StatusModel(
    AppDbContext db, GetCancellation get, WithdrawCancellation withdraw, GetCertificatePdf certificate, GetUnbinding unbinding, MarkUnbindingItem mark,
    PolicySettings policies, TimeProvider clock) : PageModel
{
    public CancellationViews.Detail? Cancellation { get; private set; }

    public bool JustSubmitted { get; private set; }

    public UiProblem? Problem { get; private set; }

    public Unbinding.View? UnbindingView { get; private set; }

    /// <summary>An approved remote request's cooling-off end, while it lasts (null otherwise).</summary>
    public DateTimeOffset? CoolingOffUntil { get; private set; }

    /// <summary>Whether the request waits out a cooling-off once approved (every request not made at a store counter).</summary>
    public bool HasCoolingOff { get; private set; }

    public double CoolingOffHours => policies.CoolingOff.TotalHours;

    public string Currency => policies.Currency;

    public bool MayWithdraw => Cancellation is not null && CancellationViews.TryParseStatus(Cancellation.Status, out var status) && CancellationRequest.MayWithdraw(status);

    public async Task<IActionResult> OnGetAsync(Guid id, string? submitted, string? saved, CancellationToken ct)
    {
        JustSubmitted = submitted == "1";
        Saved = saved == "1";
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnGetCertificateAsync(Guid id, CancellationToken ct)
    {
        var pdf = await certificate.HandleAsync(User, id, ct);
        if (pdf.IsSuccess)
            return File(pdf.Value.Content, "application/pdf", pdf.Value.FileName);
        if (!await LoadAsync(id, ct))
            return NotFound();
        Problem = new UiProblem(pdf.Error!);
        Problem.ApplyTo(Response);
        return Page();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct)
    {
        var withdrawn = await withdraw.HandleAsync(User, id, ct);
        if (withdrawn.IsSuccess)
            return Redirect($"/portal/cancellations/{id}");
        var problem = new UiProblem(withdrawn.Error!);
        if (problem.Kind == ErrorKind.NotFound)
            return NotFound();
        if (!await LoadAsync(id, ct))
            return NotFound();
        Problem = problem;
        problem.ApplyTo(Response);
        return Page();
    }

    /// <summary>The checklist form: every item whose tick changed (and the label of <c>other</c>) goes to the handler.</summary>
    public async Task<IActionResult> OnPostChecklistAsync(Guid id, string[]? done, string? label, CancellationToken ct)
    {
        var ticked = done ?? [];
        return await MarkAsync(id, entry => (ticked.Contains(entry.Item), entry.Item == UnbindingChecklistItem.Other ? label : null), ct);
    }

    /// <summary>"I have done them all": every item ticked at once.</summary>
    public Task<IActionResult> OnPostChecklistAllAsync(Guid id, CancellationToken ct) => MarkAsync(id, _ => (true, null), ct);

    private async Task<IActionResult> MarkAsync(Guid id, Func<Unbinding.ChecklistEntry, (bool Done, string? Label)> wanted, CancellationToken ct)
    {
        var (view, problem) = HandlerResults.Read(await unbinding.HandleAsync(User, id, ct));
        if (problem is not null)
            return NotFound();
        foreach (var entry in view!.Checklist)
        {
            var (isDone, label) = wanted(entry);
            var newLabel = string.IsNullOrWhiteSpace(label) || label.Trim() == entry.Label ? null : label;
            if (isDone == entry.Done && newLabel is null)
                continue;
            var (_, refused) = HandlerResults.Read(await mark.HandleAsync(User, id, entry.Item, new Unbinding.Mark(isDone, newLabel), ct));
            if (refused is not null)
            {
                if (refused.Kind == ErrorKind.NotFound && refused.Code != "unknown_checklist_item" || !await LoadAsync(id, ct))
                    return NotFound();
                Problem = refused;
                refused.ApplyTo(Response);
                return Page();
            }
        }
        return Redirect($"/portal/cancellations/{id}?saved=1#unbinding");
    }

    public bool Saved { get; private set; }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var (request, problem) = HandlerResults.Read(await get.HandleAsync(User, id, ct));
        Cancellation = request;
        if (problem is not null)
            return false;
        // Already loaded and tracked by the handler above: no second query.
        var entity = await db.CancellationRequests.FindAsync([id], ct);
        HasCoolingOff = entity is not null && !entity.MadeAtTheCounter;
        if (entity is not null && request!.Status is "approved" or "scheduled" && entity.CoolingOffEnds(policies.CoolingOff) is { } ends && ends > clock.GetUtcNow())
            CoolingOffUntil = ends;
        if (request!.Status == "completed")
            (UnbindingView, _) = HandlerResults.Read(await unbinding.HandleAsync(User, id, ct));
        return true;
    }
}
