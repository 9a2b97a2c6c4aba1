using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Lines;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Suspensions;

/// <summary>DELETE /api/v1/lines/{msisdn}/suspension (owner or staff): end the suspension; the line is active again.</summary>
public sealed class ResumeLine(LineAccess access, AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public sealed record Response(string Msisdn, string Status, DateOnly SuspendedSince, DateTimeOffset ResumedAt);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapDelete("/{msisdn}/suspension", async (string msisdn, ResumeLine resume, HttpContext http, CancellationToken ct) =>
                (await resume.HandleAsync(http.User, msisdn, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("End the suspension: the line is active again.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        var suspension = await db.Suspensions.FirstOrDefaultAsync(s => s.LineId == line!.Id && s.EndedAt == null, ct);
        if (suspension is null)
            return Fail.Conflict("not_suspended", "The line is not suspended.");
        var now = clock.GetUtcNow();
        if (line!.Resume(now) is { IsSuccess: false } refused)
            return refused.Error!;
        suspension.End(CurrentActor.Describe(user), now);
        audit.Record("line.resumed", line.Msisdn.Masked(), before: new { status = "Suspended", since = suspension.StartedOn }, after: new { status = "Active" });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Fail.Conflict("conflict", "The line changed at the same moment; reload it and try again.");
        }
        return new Response(line.Msisdn.Value, "active", suspension.StartedOn, now);
    }
}
