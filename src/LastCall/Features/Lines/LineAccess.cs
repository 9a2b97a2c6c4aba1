using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>
/// Who may see or act on a line. A customer reaches only lines registered under their own identity
/// (anything else is "not found", so existence is not revealed). Clerks, reviewers, supervisors and
/// admins reach every line. A call-centre agent reaches a line only after verifying its caller in this
/// call, and only until that verification expires.
/// </summary>
public sealed class LineAccess(AppDbContext db, TimeProvider clock)
{
    public async Task<(Line? Line, DomainError? Denied)> FindAsync(ClaimsPrincipal user, string? msisdnText, bool tracked, CancellationToken ct)
    {
        var msisdn = Msisdn.Create(msisdnText);
        if (!msisdn.IsSuccess)
            return (null, Fail.Validation("msisdn", "invalid_msisdn", msisdn.Error!.Message));

        var query = tracked ? db.Lines : db.Lines.AsNoTracking();
        query = query.Where(l => l.Msisdn == msisdn.Value);
        if (user.IsCustomer())
        {
            var customerId = user.SubjectId();
            query = query.Where(l => l.CustomerId == customerId);
        }
        // The live line first; otherwise the most recent cancelled one (its history stays visible).
        var line = await query.OrderBy(l => l.Status == LineStatus.Cancelled || l.Status == LineStatus.PortedOut ? 1 : 0).ThenByDescending(l => l.StatusChangedAt).FirstOrDefaultAsync(ct);
        if (line is null)
            return (null, NotFound());

        if (user.IsStaff() && !await StaffMayAccessAsync(user, line.Msisdn, ct))
            return (null, Fail.Forbidden("caller_not_verified", "Verify the caller (service password and SMS code) before opening this line."));
        return (line, null);
    }

    public static DomainError NotFound() => Fail.NotFound("line_not_found", "No such line under your identity.");

    private async Task<bool> StaffMayAccessAsync(ClaimsPrincipal user, Msisdn msisdn, CancellationToken ct)
    {
        if (user.IsInAnyRole(StaffRoles.SeeEveryLine))
            return true;
        if (!user.IsInRole(StaffRoles.Agent))
            return false;
        var agentId = user.SubjectId();
        var now = clock.GetUtcNow();
        return await db.CallVerifications.AnyAsync(v => v.AgentId == agentId && v.Msisdn == msisdn && v.VerifiedUntil > now, ct);
    }
}
