using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// POST /api/v1/cancellations/{id}/withdraw: the owner (or staff for them) stops the request; allowed
/// until execution starts, 409 <c>too_late</c> after. The line goes back to the status it had.
/// </summary>
public sealed class WithdrawCancellation(CancellationAccess access, AppDbContext db, AuditTrail audit, CancellationNotices notices, Hosting.PolicySettings policies, TimeProvider clock)
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("/{id:guid}/withdraw", async (Guid id, WithdrawCancellation withdraw, HttpContext http, CancellationToken ct) =>
                (await withdraw.HandleAsync(http.User, id, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("Withdraw a request before execution starts.");

    public async Task<Result<CancellationViews.Detail>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        var before = CancellationRequest.Describe(request!.Status);
        if (request.Withdraw(CurrentActor.Describe(user), now) is { IsSuccess: false } refused)
            return refused.Error!;
        var line = await db.Lines.FirstAsync(l => l.Id == request.LineId, ct);
        line.AbortCancellation(now);
        audit.Record("cancellation.withdrawn", request.Msisdn.Masked(), before: new { status = before }, after: new { status = "withdrawn", request.Id });
        if (await FirstWriterWins.SaveAsync(db, ct) is { } conflict)
            return conflict;
        await notices.SendAsync(request, ct);
        return CancellationViews.ToDetail(request, policies.Today(now));
    }
}
