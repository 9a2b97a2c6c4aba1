using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>GET /api/v1/lines/{msisdn}: the line, its owner (ID masked), money and eSIM profiles. Staff views are audited.</summary>
public sealed class GetLine(LineAccess access, AuditTrail audit, AppDbContext db)
{
    public static void Map(RouteGroupBuilder lines) =>
        lines.MapGet("/{msisdn}", async (string msisdn, GetLine get, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User, msisdn, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden)
            .WithSummary("A line with its owner, balance, arrears, contract and eSIM profiles.");

    public async Task<Result<LineViews.LineDetail>> HandleAsync(ClaimsPrincipal user, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var owner = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == line!.CustomerId, ct);
        var account = await db.BillingAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.LineId == line!.Id, ct);
        if (user.IsStaff())
        {
            audit.Record("line.viewed", line!.Msisdn.Masked());
            await db.SaveChangesAsync(ct);
        }
        return LineViews.Detail(line!, owner, account);
    }
}
