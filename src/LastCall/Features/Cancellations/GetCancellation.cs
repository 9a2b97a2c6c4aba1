using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>GET /api/v1/cancellations/{id}: the request with its status, history, execution steps and certificate number. Staff views are audited.</summary>
public static class GetCancellation
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapGet("/{id:guid}", HandleAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .WithSummary("A cancellation request with its history.");

    internal static async Task<Outcome<Ok<CancellationViews.Detail>>> HandleAsync(
        Guid id, CancellationAccess access, AuditTrail audit, AppDbContext db, PolicySettings policies, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(http.User, id, ct);
        if (denied is not null)
            return denied;
        if (http.User.IsStaff())
        {
            // Staff reading a customer's request is a data view like a line view: it leaves a trace.
            audit.Record("cancellation.viewed", request!.Msisdn.Masked(), after: new { request.Id });
            await db.SaveChangesAsync(ct);
        }
        var steps = await db.ExecutionSteps.AsNoTracking().Where(s => s.RequestId == id).ToListAsync(ct);
        return TypedResults.Ok(CancellationViews.ToDetail(request!, policies.Today(clock.GetUtcNow()), steps));
    }
}
