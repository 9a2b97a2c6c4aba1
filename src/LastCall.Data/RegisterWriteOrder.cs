using Microsoft.EntityFrameworkCore;

namespace LastCall.Data;

/// <summary>
/// Keeps the disconnection register's sequence numbers committed in order on PostgreSQL. The lookup
/// index follows the register by <c>Id</c>; if a writer could commit a lower Id after another had
/// committed a higher one, a follower that had already read past it would miss the entry until a
/// restart. Bulk writers (the imports) therefore take this lock before inserting: it waits for any
/// transaction that has inserted and not yet committed, and makes later inserts wait for the bulk
/// write. Cancellations insert one row each under the audit chain lock, which orders them among
/// themselves; the audit trail calls <see cref="WaitForBulkWriteAsync"/> before taking that lock, so a
/// long bulk write makes the cancellation's save fail and be retried rather than hold every audited
/// write up behind it. Readers are not blocked.
/// </summary>
public static class RegisterWriteOrder
{
    public const string LockSql = "LOCK TABLE disconnections IN SHARE ROW EXCLUSIVE MODE";

    /// <summary>How long a single register insert waits for a bulk write before giving up (and being retried).</summary>
    public const string SingleInsertLockTimeout = "5s";

    /// <summary>
    /// In the caller's transaction on PostgreSQL, when the context adds register entries: takes the
    /// register's ordinary write lock, waiting at most <see cref="SingleInsertLockTimeout"/> for a bulk
    /// write to finish. Call before taking other locks, so none is held while waiting.
    /// </summary>
    public static async Task WaitForBulkWriteAsync(AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql() || !AddsEntries(db))
            return;
        await db.Database.ExecuteSqlRawAsync(
            $"SET LOCAL lock_timeout = '{SingleInsertLockTimeout}'; LOCK TABLE disconnections IN ROW EXCLUSIVE MODE; SET LOCAL lock_timeout TO DEFAULT", ct);
    }

    private static bool AddsEntries(AppDbContext db) =>
        db.ChangeTracker.Entries<Domain.Numbers.Disconnection>().Any(e => e.State == EntityState.Added);

    /// <summary>Saves the context's changes, first taking the register lock if they add register entries.</summary>
    public static async Task SaveChangesAsync(AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql() || !AddsEntries(db))
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
