using Microsoft.EntityFrameworkCore;

namespace LastCall.Data;

/// <summary>
/// Keeps the disconnection register's sequence numbers committed in order on PostgreSQL. The lookup
/// index follows the register by <c>Id</c>; if a writer could commit a lower Id after another had
/// committed a higher one, a follower that had already read past it would miss the entry until a
/// restart. Bulk writers (the imports) therefore take this lock before inserting: it waits for any
/// transaction that has inserted and not yet committed, and makes later inserts wait for the bulk
/// write. Cancellations need not take it: they insert one row each under the audit chain lock, which
/// orders them among themselves, and their insert waits for this lock. Readers are not blocked.
/// </summary>
public static class RegisterWriteOrder
{
    public const string LockSql = "LOCK TABLE disconnections IN SHARE ROW EXCLUSIVE MODE";

    /// <summary>Saves the context's changes, first taking the register lock if they add register entries.</summary>
    public static async Task SaveChangesAsync(AppDbContext db, CancellationToken ct)
    {
        var addsEntries = db.ChangeTracker.Entries<Domain.Numbers.Disconnection>().Any(e => e.State == EntityState.Added);
        if (!db.Database.IsNpgsql() || !addsEntries)
        {
            await db.SaveChangesAsync(ct);
            return;
        }
        // The lock lasts until the transaction ends: the caller's, or one of our own around the save.
        await using var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await db.Database.ExecuteSqlRawAsync(LockSql, ct);
        await db.SaveChangesAsync(ct);
        if (ownTransaction is not null)
            await ownTransaction.CommitAsync(ct);
    }
}
