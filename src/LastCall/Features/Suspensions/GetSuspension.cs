using System.Security.Claims;
using LastCall.Domain.Common;
using LastCall.Features.Lines;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Suspensions;

/// <summary>GET /api/v1/lines/{msisdn}/suspension: the running suspension, or 404 <c>not_suspended</c>.</summary>
public sealed class GetSuspension(LineAccess access, Data.AppDbContext db)
{
    public static void Map(RouteGroupBuilder lines) =>
        lines.MapGet("/{msisdn}/suspension", async (string msisdn, GetSuspension get, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User, msisdn, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden)
            .WithSummary("The line's running suspension.");

    public async Task<Result<SuspendLine.Response>> HandleAsync(ClaimsPrincipal user, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var suspension = await db.Suspensions.AsNoTracking().FirstOrDefaultAsync(s => s.LineId == line!.Id && s.EndedAt == null, ct);
        return suspension is null
            ? Fail.NotFound("not_suspended", "The line is not suspended.")
            : SuspendLine.View(line!.Msisdn.Value, suspension);
    }
}
