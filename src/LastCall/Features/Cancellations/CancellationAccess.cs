using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// Who may see or act on a cancellation request: its owner (anyone else gets "not found"), clerks,
/// reviewers, supervisors and admins, and a call-centre agent only while the caller of that line is
/// verified in the agent's call.
/// </summary>
public sealed class CancellationAccess(AppDbContext db, TimeProvider clock)
{
    public async Task<(CancellationRequest? Request, DomainError? Denied)> FindAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var request = await db.CancellationRequests.Include(r => r.History).FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || (user.IsCustomer() && request.CustomerId != user.SubjectId()))
            return (null, NotFound());
        if (user.IsStaff() && !user.IsInAnyRole(StaffRoles.SeeEveryLine))
        {
            var now = clock.GetUtcNow();
            var agentId = user.SubjectId();
            var verified = user.IsInRole(StaffRoles.Agent)
                && await db.CallVerifications.AnyAsync(v => v.AgentId == agentId && v.Msisdn == request.Msisdn && v.VerifiedUntil > now, ct);
            if (!verified)
                return (null, Fail.Forbidden("caller_not_verified", "Verify the caller (service password and SMS code) before opening their request."));
        }
        return (request, null);
    }

    public static DomainError NotFound() => Fail.NotFound("cancellation_not_found", "No such cancellation request.");
}
