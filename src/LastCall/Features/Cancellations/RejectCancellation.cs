using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>POST /api/v1/cancellations/{id}/reject (reviewer) with <c>{reason}</c>, which the customer is shown; the line goes back to what it was.</summary>
public sealed class RejectCancellation(CancellationAccess access, AppDbContext db, AuditTrail audit, CancellationNotices notices, PolicySettings policies, TimeProvider clock)
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("/{id:guid}/reject", async (Guid id, Request body, RejectCancellation reject, HttpContext http, CancellationToken ct) =>
                (await reject.HandleAsync(http.User, id, body, ct)).ToOk())
            .RequireAuthorization(Policies.Reviewer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("Reject a request under review with a reason the customer sees (reviewer).");

    public async Task<Result<CancellationViews.Detail>> HandleAsync(ClaimsPrincipal user, Guid id, Request body, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        var rejected = request!.Reject(CurrentActor.Describe(user), body.Reason, now);
        if (!rejected.IsSuccess)
        {
            return rejected.Error!.Kind == ErrorKind.Validation ? rejected.Error.For("reason") : rejected.Error;
        }
        var line = await db.Lines.FirstAsync(l => l.Id == request.LineId, ct);
        line.AbortCancellation(now);
        audit.Record("cancellation.rejected", request.Msisdn.Masked(), before: new { status = "under_review" }, after: new { status = "rejected", request.Id, reason = request.RejectionReason });
        if (await FirstWriterWins.SaveAsync(db, ct) is { } conflict)
            return conflict;
        await notices.SendAsync(request, ct);
        return CancellationViews.ToDetail(request, policies.Today(now));
    }
}
