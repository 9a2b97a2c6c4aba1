using LastCall.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Data;

/// <summary>
/// Saving a change to a row someone else may change at the same moment (its version is checked): the loser gets 409,
/// never a silent overwrite, and its change is dropped from the context, so nothing of it is saved by a later save in
/// the same scope.
/// </summary>
public static class FirstWriterWins
{
    /// <summary>Null when saved; otherwise <paramref name="conflict"/>, or the generic "changed at the same moment" error.</summary>
    public static async Task<DomainError?> SaveAsync(AppDbContext db, CancellationToken ct, DomainError? conflict = null)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return conflict ?? Fail.Conflict("conflict", "Someone else changed this request at the same moment; reload it and try again.");
        }
    }
}
