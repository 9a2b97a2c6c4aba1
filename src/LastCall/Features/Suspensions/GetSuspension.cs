using LastCall.Domain.Common;
using LastCall.Features.Lines;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Suspensions;

/// <summary>GET /api/v1/lines/{msisdn}/suspension: the running suspension, or 404 <c>not_suspended</c>.</summary>
public static class GetSuspension
{
    public static void Map(RouteGroupBuilder lines) =>
        lines.MapGet("/{msisdn}/suspension", HandleAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden)
            .WithSummary("The line's running suspension.");

    internal static async Task<Outcome<Ok<SuspendLine.Response>>> HandleAsync(
        string msisdn, LineAccess access, Data.AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(http.User, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var suspension = await db.Suspensions.AsNoTracking().FirstOrDefaultAsync(s => s.LineId == line!.Id && s.EndedAt == null, ct);
        return suspension is null
            ? Fail.NotFound("not_suspended", "The line is not suspended.")
            : TypedResults.Ok(SuspendLine.View(line!.Msisdn.Value, suspension));
    }
}
