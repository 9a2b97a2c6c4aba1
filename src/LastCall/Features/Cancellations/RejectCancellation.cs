using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>POST /api/v1/cancellations/{id}/reject (reviewer) with <c>{reason}</c>, which the customer is shown; the line goes back to what it was.</summary>
public static class RejectCancellation
{
    public sealed record Request(string? Reason);

    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("/{id:guid}/reject", HandleAsync)
            .RequireAuthorization(Policies.Reviewer)
            .WithSummary("Reject a request under review with a reason the customer sees (reviewer).");

    internal static async Task<Outcome<Ok<CancellationViews.Detail>>> HandleAsync(
        Guid id, Request body, CancellationAccess access, AuditTrail audit, AppDbContext db, CancellationNotices notices, PolicySettings policies, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(http.User, id, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        var rejected = request!.Reject(CurrentActor.Describe(http.User), body.Reason, now);
        if (!rejected.IsSuccess)
        {
            return rejected.Error!.Kind == ErrorKind.Validation ? rejected.Error.For("reason") : rejected.Error;
        }
        var line = await db.Lines.FirstAsync(l => l.Id == request.LineId, ct);
        line.AbortCancellation(now);
        audit.Record("cancellation.rejected", request.Msisdn.Masked(), before: new { status = "under_review" }, after: new { status = "rejected", request.Id, reason = request.RejectionReason });
        if (await CancellationSaves.TrySaveAsync(db, ct) is { } conflict)
            return conflict;
        await notices.SendAsync(request, ct);
        return TypedResults.Ok(CancellationViews.ToDetail(request, policies.Today(now)));
    }
}
