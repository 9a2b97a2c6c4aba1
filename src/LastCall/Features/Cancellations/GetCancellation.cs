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

/// <summary>GET /api/v1/cancellations/{id}: the request with its status, history, execution steps and certificate number. Staff views are audited.</summary>
public sealed class GetCancellation(CancellationAccess access, AppDbContext db, AuditTrail audit, PolicySettings policies, TimeProvider clock)
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapGet("/{id:guid}", async (Guid id, GetCancellation get, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User, id, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.NotFound, ErrorKind.Forbidden)
            .WithSummary("A cancellation request with its history.");

    public async Task<Result<CancellationViews.Detail>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;
        if (user.IsStaff())
        {
            // Staff reading a customer's request is a data view like a line view: it leaves a trace.
            audit.Record("cancellation.viewed", request!.Msisdn.Masked(), after: new { request.Id });
            await db.SaveChangesAsync(ct);
        }
        var steps = await db.ExecutionSteps.AsNoTracking().Where(s => s.RequestId == id).ToListAsync(ct);
        return CancellationViews.ToDetail(request!, policies.Today(clock.GetUtcNow()), steps);
    }
}
