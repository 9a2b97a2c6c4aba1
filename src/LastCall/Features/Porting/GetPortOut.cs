using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Porting;

/// <summary>GET /api/v1/porting/port-outs/{id}: a port-out with its status and steps, for the porting client that asked for it and for staff (audited).</summary>
public sealed class GetPortOut(AppDbContext db, AuditTrail audit)
{
    public static void Map(RouteGroupBuilder porting) =>
        porting.MapGet("/port-outs/{id:guid}", async (Guid id, GetPortOut get, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User, id, ct)).ToOk())
            .RequireAuthorization(Policies.PortingOrStaff)
            .Fails(ErrorKind.NotFound)
            .WithSummary("A port-out with its status and steps.");

    public async Task<Result<PortOuts.View>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var portOut = await PortOuts.Visible(db, user).AsNoTracking().Include(r => r.History).FirstOrDefaultAsync(r => r.Id == id, ct);
        if (portOut is null)
            return Fail.NotFound("port_out_not_found", "No such port-out.");
        if (user.IsStaff())
        {
            audit.Record("port_out.viewed", portOut.Msisdn.Masked(), after: new { portOut.Id });
            await db.SaveChangesAsync(ct);
        }
        var steps = await db.ExecutionSteps.AsNoTracking().Where(s => s.RequestId == id).ToListAsync(ct);
        return PortOuts.ToView(portOut, steps);
    }
}
