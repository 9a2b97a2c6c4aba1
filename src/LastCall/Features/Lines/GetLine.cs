using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>GET /api/v1/lines/{msisdn}: the line, its owner (ID masked), money and eSIM profiles. Staff views are audited.</summary>
public static class GetLine
{
    public static void Map(RouteGroupBuilder lines) =>
        lines.MapGet("/{msisdn}", HandleAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden)
            .WithSummary("A line with its owner, balance, arrears, contract and eSIM profiles.");

    internal static async Task<Outcome<Ok<LineViews.LineDetail>>> HandleAsync(
        string msisdn, LineAccess access, AuditTrail audit, AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(http.User, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var owner = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == line!.CustomerId, ct);
        var account = await db.BillingAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.LineId == line!.Id, ct);
        if (http.User.IsStaff())
        {
            audit.Record("line.viewed", line!.Msisdn.Masked());
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(LineViews.Detail(line!, owner, account));
    }
}
