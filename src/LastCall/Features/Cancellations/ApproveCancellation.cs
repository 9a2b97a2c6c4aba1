using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// POST /api/v1/cancellations/{id}/approve (reviewer): an immediate request becomes <c>approved</c>
/// for execution today, an end-of-cycle one <c>scheduled</c> for the cycle's last day. The customer is
/// told the date and how to stop it.
/// </summary>
public sealed class ApproveCancellation(CancellationAccess access, EligibilityCheck check, AppDbContext db, AuditTrail audit, CancellationNotices notices, PolicySettings policies, TimeProvider clock)
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("/{id:guid}/approve", async (Guid id, ApproveCancellation approve, HttpContext http, CancellationToken ct) =>
                (await approve.HandleAsync(http.User, id, ct)).ToOk())
            .RequireAuthorization(Policies.Reviewer)
            .Fails(ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict, ErrorKind.NotEligible)
            .WithSummary("Approve a request under review (reviewer).");

    public async Task<Result<CancellationViews.Detail>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;

        // What changed while the request waited (a fraud flag, an account lock, new arrears) still blocks it.
        if (request!.Status == CancellationStatus.UnderReview)
        {
            var line = await db.Lines.AsNoTracking().FirstAsync(l => l.Id == request.LineId, ct);
            var facts = await check.EvaluateAsync(line, ct, earlyExitFeeAccepted: true);
            var blockers = facts.Result.Blockers.Where(b => b.Code != EligibilityCodes.CancellationPending).ToList();
            if (blockers.Count > 0)
            {
                return Fail.NotEligible("The line cannot be cancelled now: see blockers. Reject the request or wait until they are fixed.", new Ineligibility(blockers));
            }
        }

        var now = clock.GetUtcNow();
        var today = policies.Today(now);
        var effectiveOn = request.Effective.EffectiveOn(today);
        if (request.Approve(CurrentActor.Describe(user), now, effectiveOn) is { IsSuccess: false } refused)
            return refused.Error!;
        audit.Record("cancellation.approved", request.Msisdn.Masked(), before: new { status = "under_review" },
            after: new { status = CancellationRequest.Describe(request.Status), request.Id, effectiveOn, overdue = request.ReviewDueBy < today });
        if (await FirstWriterWins.SaveAsync(db, ct) is { } conflict)
            return conflict;
        await notices.SendAsync(request, ct);
        return CancellationViews.ToDetail(request, today);
    }
}
