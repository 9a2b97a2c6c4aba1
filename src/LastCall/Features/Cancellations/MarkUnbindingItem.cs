using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// PUT /api/v1/cancellations/{id}/unbinding/checklist/{item} <c>{done, label?}</c> (the owner only) ticks an item of
/// the unbinding checklist off or on; <c>other</c> takes the customer's own label. Answers the whole unbinding view.
/// </summary>
public sealed class MarkUnbindingItem(CancellationAccess access, AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPut("/{id:guid}/unbinding/checklist/{item}",
                async (Guid id, string item, Unbinding.Mark body, MarkUnbindingItem mark, HttpContext http, CancellationToken ct) =>
                    (await mark.HandleAsync(http.User, id, item, body, ct)).ToOk())
            .RequireAuthorization(Policies.Customer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("Tick a checklist item off (or on again): alipay, wechat_pay, wechat, qq, bank_card, icloud_apple_id, email_accounts, other.");

    public async Task<Result<Unbinding.View>> HandleAsync(ClaimsPrincipal user, Guid id, string item, Unbinding.Mark body, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;
        if (body.Done is not { } done)
            return Fail.Validation("done", "validation_failed", "Give done: true or false.");
        var entry = await db.UnbindingChecklistItems.FirstOrDefaultAsync(c => c.CancellationId == id && c.Item == item, ct);
        var isNew = entry is null;
        if (entry is null)
        {
            var created = UnbindingChecklistItem.Create(id, item);
            if (!created.IsSuccess)
                return Fail.NotFound(created.Error!.Code, created.Error.Message);
            entry = created.Value;
        }
        var before = new { done = entry.Done };
        if (entry.Mark(done, body.Label, clock.GetUtcNow()) is { IsSuccess: false } refused)
            return Fail.Validation("label", refused.Error!.Code, refused.Error.Message);
        if (isNew)
            db.UnbindingChecklistItems.Add(entry);
        audit.Record("cancellation.unbinding_checklist", request!.Msisdn.Masked(), before: before, after: new { request.Id, item, done });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Nothing of the refused change stays pending for the caller's next save.
            db.ChangeTracker.Clear();
            return Fail.Conflict("conflict", "The item was changed at the same moment; reload and try again.");
        }
        return await Unbinding.ViewAsync(db, id, ct);
    }
}
