using LastCall.Data;
using LastCall.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// Saving a decision on a request: when someone else changed it first, the loser gets 409, never a silent overwrite,
/// and the decision is dropped from the context, so nothing of it is saved by a later save in the same scope.
/// </summary>
public static class FirstWriterWins
{
    public static async Task<DomainError?> SaveAsync(AppDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Fail.Conflict("conflict", "Someone else changed this request at the same moment; reload it and try again.");
        }
    }
}
