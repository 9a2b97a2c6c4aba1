using LastCall.Auditing;
using LastCall.Domain.Common;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>Saving a decision on a request: when someone else changed it first, the loser gets 409, never a silent overwrite.</summary>
public static class CancellationSaves
{
    public static async Task<DomainError?> TrySaveAsync(AuditTrail audit, CancellationToken ct)
    {
        try
        {
            await audit.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Fail.Conflict("conflict", "Someone else changed this request at the same moment; reload it and try again.");
        }
    }
}
