using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// POST /api/v1/cancellations/{id}/retry (supervisor): a <c>failed</c> request runs its remaining
/// steps again, starting with the one that failed (its attempts start over). Steps that succeeded are
/// not repeated.
/// </summary>
public static class RetryCancellation
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("/{id:guid}/retry", HandleAsync)
            .RequireAuthorization(Policies.Supervisor)
            .WithSummary("Run a failed request's remaining steps again (supervisor).");

    internal static async Task<Outcome<Ok<CancellationViews.Detail>>> HandleAsync(
        Guid id, CancellationAccess access, AuditTrail audit, AppDbContext db, PolicySettings policies, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(http.User, id, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        if (request!.Retry(CurrentActor.Describe(http.User), now) is { IsSuccess: false } refused)
            return refused.Error!;
        var steps = await db.ExecutionSteps.Where(s => s.RequestId == id).ToListAsync(ct);
        foreach (var step in steps.Where(s => s.Status == StepStatus.Failed))
            step.Reset();
        audit.Record("cancellation.retried", request.Msisdn.Masked(), before: new { status = "failed" }, after: new { status = "executing", request.Id });
        if (await CancellationSaves.TrySaveAsync(db, ct) is { } conflict)
            return conflict;
        return TypedResults.Ok(CancellationViews.ToDetail(request, policies.Today(now), steps));
    }
}
