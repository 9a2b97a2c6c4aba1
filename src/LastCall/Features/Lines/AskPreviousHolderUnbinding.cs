using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Lines;
using LastCall.Domain.Partners;
using LastCall.Features.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>
/// POST /api/v1/lines/{msisdn}/previous-holder-unbinding: the owner of a live line asks every partner that may hold an
/// account of the number's previous holder to drop it (<see cref="PartnerEvents.AddPreviousHolderUnbindingAsync"/>:
/// <c>unbinding.requested</c> with <c>reason:"new_holder"</c> and <c>boundBefore</c>, delivered by the webhook engine).
/// A line asks once: asking again, or two requests racing, answer the first request with its acknowledgements so far.
/// </summary>
public sealed class AskPreviousHolderUnbinding(LineAccess access, AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public async Task<Result<PreviousHolderUnbindings.View>> HandleAsync(ClaimsPrincipal owner, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(owner, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        if (line!.HasEnded)
            return Fail.Conflict("not_active", "The line is cancelled: only the number's current holder can ask.");
        if (await PreviousHolderUnbindings.FindAsync(db, line.Id, ct) is { } earlier)
            return earlier;

        var now = clock.GetUtcNow();
        var asked = PreviousHolderUnbinding.Request(line.Id, line.CustomerId, line.Msisdn, line.ActivatedOn, now);
        db.PreviousHolderUnbindings.Add(asked);
        var partners = await PartnerEvents.AddPreviousHolderUnbindingAsync(db, asked, now, ct);
        audit.Record("line.previous_holder_unbinding_requested", line.Msisdn.Masked(),
            after: new { asked.Id, asked.BoundBefore, partners = partners.Count });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same request raced us and won: the partners were asked, which is what was wanted.
            db.ChangeTracker.Clear();
            if (await PreviousHolderUnbindings.FindAsync(db, line.Id, ct) is { } raced)
                return raced;
            throw;
        }
        return (await PreviousHolderUnbindings.FindAsync(db, line.Id, ct))!;
    }
}
