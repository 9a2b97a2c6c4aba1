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
/// POST /api/v1/cancellations/{id}/retry (supervisor): a <c>failed</c> request runs its remaining
/// steps again, starting with the one that failed (its attempts start over). Steps that succeeded are
/// not repeated.
/// </summary>
public sealed class RetryCancellation(CancellationAccess access, AppDbContext db, AuditTrail audit, PolicySettings policies, TimeProvider clock)
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("/{id:guid}/retry", async (Guid id, RetryCancellation retry, HttpContext http, CancellationToken ct) =>
                (await retry.HandleAsync(http.User, id, ct)).ToOk())
            .RequireAuthorization(Policies.Supervisor)
            .Fails(ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("Run a failed request's remaining steps again (supervisor).");

    public async Task<Result<CancellationViews.Detail>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        if (request!.Retry(CurrentActor.Describe(user), now) is { IsSuccess: false } refused)
            return refused.Error!;
        var steps = await db.ExecutionSteps.Where(s => s.RequestId == id).ToListAsync(ct);
        foreach (var step in steps.Where(s => s.Status == StepStatus.Failed))
        {
            if (step.Reset() is { IsSuccess: false } notReset)
                return notReset.Error!;
        }
        audit.Record("cancellation.retried", request.Msisdn.Masked(), before: new { status = "failed" }, after: new { status = "executing", request.Id });
        if (await FirstWriterWins.SaveAsync(db, ct) is { } conflict)
            return conflict;
        return CancellationViews.ToDetail(request, policies.Today(now), steps);
    }
}
