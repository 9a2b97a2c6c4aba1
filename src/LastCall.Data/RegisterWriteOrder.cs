using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Data;

/// <summary>
/// Keeps the disconnection register's sequence numbers committed in order on PostgreSQL. The lookup
/// index follows the register by <c>Id</c>; if a writer could commit a lower Id after another had
/// committed a higher one, a follower that had already read past it would miss the entry until a
/// restart. Every register writer therefore takes this table lock before inserting, in its transaction:
/// bulk writers (the imports) explicitly, single inserts (a completing cancellation) through
/// <see cref="RegisterWriteInterceptor"/>. The lock conflicts with itself, so it waits for any transaction that
/// has inserted and not yet committed and makes later inserts wait for it. Readers are not blocked.
/// </summary>
public static class RegisterWriteOrder
{
    public const string LockSql = "LOCK TABLE disconnections IN SHARE ROW EXCLUSIVE MODE";

    /// <summary>How long a single register insert waits for another writer before giving up (and being retried).</summary>
    public const string SingleInsertLockTimeout = "5s";

    /// <summary>
    /// In a save's transaction on PostgreSQL, before a command that inserts register entries: takes the register
    /// lock (again, if the save sends several such commands: a lock the transaction holds is granted at once),
    /// waiting at most <see cref="SingleInsertLockTimeout"/> for another writer.
    /// </summary>
    public static async Task WaitForRegisterAsync(DbTransaction transaction, CancellationToken ct)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SET LOCAL lock_timeout = '{SingleInsertLockTimeout}'; {LockSql}; SET LOCAL lock_timeout TO DEFAULT";
        await command.ExecuteNonQueryAsync(ct);
    }

    internal static bool AddsEntries(AppDbContext db) =>
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
