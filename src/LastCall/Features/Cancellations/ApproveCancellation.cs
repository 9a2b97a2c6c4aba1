using LastCall.Auditing;
using LastCall.Domain.Cancellations;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Cancellations;

/// <summary>
/// POST /api/v1/cancellations/{id}/approve (reviewer): an immediate request becomes <c>approved</c>
/// for execution today, an end-of-cycle one <c>scheduled</c> for the cycle's last day. The customer is
/// told the date and how to stop it.
/// </summary>
public static class ApproveCancellation
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("/{id:guid}/approve", HandleAsync)
            .RequireAuthorization(Policies.Reviewer)
            .WithSummary("Approve a request under review (reviewer).");

    private static async Task<Results<Ok<CancellationViews.Detail>, ProblemHttpResult>> HandleAsync(
        Guid id, CancellationAccess access, AuditTrail audit, CancellationNotices notices, PolicySettings policies, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(http.User, id, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        var today = policies.Today(now);
        var effectiveOn = request!.Effective == EffectivePolicy.EndOfBillingCycle ? PolicySettings.EndOfBillingCycle(today) : today;
        if (request.Approve(CurrentActor.Describe(http.User), now, effectiveOn) is { IsSuccess: false } refused)
            return Problems.From(refused.Error!, StatusCodes.Status409Conflict);
        audit.Record("cancellation.approved", request.Msisdn.Masked(), before: new { status = "under_review" },
            after: new { status = CancellationRequest.Describe(request.Status), request.Id, effectiveOn, overdue = request.ReviewDueBy < today });
        if (await CancellationSaves.TrySaveAsync(audit, ct) is { } conflict)
            return conflict;
        await notices.SendAsync(request, ct);
        if (request.NoticeSentAt is not null)
            await audit.Db.SaveChangesAsync(ct);
        return TypedResults.Ok(CancellationViews.ToDetail(request, today));
    }
}
