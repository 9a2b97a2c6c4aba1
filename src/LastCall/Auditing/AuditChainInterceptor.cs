using System.Runtime.CompilerServices;
using LastCall.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace LastCall.Auditing;

/// <summary>
/// The audited save as a mechanism: every save of an <see cref="AppDbContext"/> that carries recorded audit events
/// (<see cref="AppDbContext.UnsealedAuditEvents"/>) appends them to the hash chain in the same transaction as the
/// business changes, whoever calls SaveChanges. Appending takes the chain lock (an advisory lock on PostgreSQL, so
/// several instances append in turn; a process-wide lock on SQLite, where one instance runs), reads the chain
/// head, seals each event with <c>HMAC(k, previous ‖ entry)</c>, and commits with the changes; the lock ends with
/// the transaction. A save in a transaction the caller opened joins it, and the caller commits.
/// </summary>
public sealed class AuditChainInterceptor(AuditChainKey key) : SaveChangesInterceptor
{
    private static readonly SemaphoreSlim SqliteChainLock = new(1, 1);
    private const long PostgresChainLockId = 0x4C61737443616C6C; // "LastCall"

    /// <summary>What a save in progress holds: the transaction it opened (if any) and the SQLite chain lock.</summary>
    private sealed record Appending(IDbContextTransaction? OwnTransaction, bool HoldsSqliteLock);

    private readonly ConditionalWeakTable<DbContext, Appending> _appending = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not AppDbContext db || db.UnsealedAuditEvents.Count == 0)
            return result;

        // Detected now, before the lock: EF Core detects changes again after this call, and a failure there would
        // not reach the failure callbacks that release the lock.
        db.ChangeTracker.DetectChanges();
        var isSqlite = db.Database.IsSqlite();
        if (isSqlite)
            await SqliteChainLock.WaitAsync(cancellationToken);
        IDbContextTransaction? ownTransaction = null;
        try
        {
            ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            if (!isSqlite)
            {
                // A register entry first waits (briefly) for any bulk register write, so the chain lock is never held while waiting.
                await RegisterWriteOrder.WaitForBulkWriteAsync(db, cancellationToken);
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresChainLockId})", cancellationToken);
            }
            var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            var sequence = head?.Sequence ?? 0;
            var previous = head?.Hash ?? Domain.Audit.AuditEvent.GenesisHash;
            foreach (var entry in db.UnsealedAuditEvents)
            {
                entry.Seal(++sequence, previous, key.Mac);
                previous = entry.Hash;
            }
            db.AuditEvents.AddRange(db.UnsealedAuditEvents);
            db.UnsealedAuditEvents.Clear();
            _appending.AddOrUpdate(db, new Appending(ownTransaction, isSqlite));
            return result;
        }
        catch
        {
            if (ownTransaction is not null)
                await ownTransaction.DisposeAsync();
            if (isSqlite)
                SqliteChainLock.Release();
            throw;
        }
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await EndAsync(eventData.Context, commit: true, cancellationToken);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        EndAsync(eventData.Context, commit: false, CancellationToken.None);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        EndAsync(eventData.Context, commit: false, CancellationToken.None);

    /// <summary>A concurrency conflict ends the save without <see cref="SaveChangesFailedAsync"/>: roll back and let go here.</summary>
    public override async ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await EndAsync(eventData.Context, commit: false, CancellationToken.None);
        return result;
    }

    /// <summary>Synchronous saves cannot take the chain lock without blocking a thread: audited changes are saved asynchronously.</summary>
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        eventData.Context is AppDbContext { UnsealedAuditEvents.Count: > 0 }
            ? throw new InvalidOperationException("Changes with audit events are saved with SaveChangesAsync.")
            : result;

    private async Task EndAsync(DbContext? context, bool commit, CancellationToken cancellationToken)
    {
        if (context is null || !_appending.TryGetValue(context, out var appending))
            return;
        _appending.Remove(context);
        try
        {
            if (commit && appending.OwnTransaction is not null)
                await appending.OwnTransaction.CommitAsync(cancellationToken);
        }
        finally
        {
            if (appending.OwnTransaction is not null)
                await appending.OwnTransaction.DisposeAsync();
            if (appending.HoldsSqliteLock)
                SqliteChainLock.Release();
        }
    }
}
