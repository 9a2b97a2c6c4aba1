using LastCall.Data;
using LastCall.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Auditing;

/// <summary>
/// The one writer of the audit chain. Business saves insert their audit events unsealed, in their own
/// transaction and without waiting for anyone; this seals them into the chain in batches, in the order it
/// finds them (by <see cref="AuditEvent.Id"/>): it reads the chain's head, seals each event with
/// <c>HMAC(k, previous ‖ entry)</c> and commits the batch. One sealer at a time across instances: on
/// PostgreSQL a transaction-level advisory lock that only sealers take, on SQLite (one instance) a process-wide lock.
/// A save whose events are still unsealed when another transaction's are sealed simply lands later in the chain. When
/// <see cref="SealPendingAsync"/> returns, every event committed before it was called is sealed; the periodic job
/// calls <see cref="SealPendingUnlessBusyAsync"/>, which leaves the turn to a sealer that holds it rather than queue
/// behind it (with two instances each job used to wait for the other's and then find little or nothing left).
/// <para>
/// The price: between its commit and its seal (a fraction of a second while a host runs) an entry is not yet
/// covered by the chain. Events written by command-line verbs while no host runs are sealed by the next host,
/// or by <c>lastcall audit verify</c>, which seals what waits before it checks.
/// </para>
/// </summary>
public sealed class AuditChainSealer(IDbContextFactory<AppDbContext> contexts, AuditChainKey key)
{
    internal const long PostgresSealerLockId = 0x4C61737443616C6C; // "LastCall"
    private static readonly SemaphoreSlim SqliteSealerLock = new(1, 1);

    /// <summary>Events sealed in one transaction at most.</summary>
    public const int BatchSize = 2000;

    /// <summary>Seals what is waiting, batch after batch, waiting for its turn if another sealer has it; returns how many this call sealed.</summary>
    public Task<int> SealPendingAsync(CancellationToken ct) => SealAsync(waitForTurn: true, ct);

    /// <summary>
    /// As <see cref="SealPendingAsync"/>, but returns 0 at once while another sealer (another instance's job, a verb)
    /// has the turn: that sealer seals what it finds, and what committed after it looked waits for the next call.
    /// </summary>
    public Task<int> SealPendingUnlessBusyAsync(CancellationToken ct) => SealAsync(waitForTurn: false, ct);

    private async Task<int> SealAsync(bool waitForTurn, CancellationToken ct)
    {
        var total = 0;
        int sealedNow;
        do
        {
            sealedNow = await SealBatchAsync(waitForTurn, ct);
            total += sealedNow;
        }
        while (sealedNow == BatchSize);
        return total;
    }

    private async Task<int> SealBatchAsync(bool waitForTurn, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var isSqlite = db.Database.IsSqlite();
        if (isSqlite && !await SqliteSealerLock.WaitAsync(waitForTurn ? Timeout.Infinite : 0, ct))
            return 0;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!isSqlite && !await TakeTurnAsync(db, waitForTurn, ct))
                return 0;
            // Tracked on SQLite (EF writes the seals), untracked on PostgreSQL (one statement writes them all).
            var unsealed = db.AuditEvents.Where(e => e.Sequence == null);
            var pending = await (isSqlite ? unsealed : unsealed.AsNoTracking()).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(ct);
            if (pending.Count == 0)
                return 0;
            var head = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
            var sequence = head?.Sequence ?? 0;
            var previous = head?.Hash ?? AuditEvent.GenesisHash;
            foreach (var entry in pending)
            {
                entry.Seal(++sequence, previous, key.Mac);
                previous = entry.Hash;
            }
            if (isSqlite)
                await db.SaveChangesAsync(ct);
            else
                await WriteSealsAsync(db, pending, ct);
            await transaction.CommitAsync(ct);
            return pending.Count;
        }
        finally
        {
            if (isSqlite)
                SqliteSealerLock.Release();
        }
    }

    /// <summary>The sealers' advisory lock, held until the transaction ends: waited for, or only taken if free.</summary>
    private static async Task<bool> TakeTurnAsync(AppDbContext db, bool wait, CancellationToken ct)
    {
        if (wait)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresSealerLockId})", ct);
            return true;
        }
        return await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({PostgresSealerLockId}) AS \"Value\"").SingleAsync(ct);
    }

    /// <summary>The whole batch's seals in one statement, instead of an UPDATE per event.</summary>
    private static Task<int> WriteSealsAsync(AppDbContext db, List<AuditEvent> batch, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("""
            UPDATE audit_events a SET "Sequence" = v.sequence, "PreviousHash" = v.previous, "Hash" = v.hash
            FROM unnest(@ids, @sequences, @previous, @hashes) AS v(id, sequence, previous, hash)
            WHERE a."Id" = v.id
            """,
            [
                new Npgsql.NpgsqlParameter("ids", batch.Select(e => e.Id).ToArray()),
                new Npgsql.NpgsqlParameter("sequences", batch.Select(e => e.Sequence!.Value).ToArray()),
                new Npgsql.NpgsqlParameter("previous", batch.Select(e => e.PreviousHash).ToArray()),
                new Npgsql.NpgsqlParameter("hashes", batch.Select(e => e.Hash).ToArray()),
            ],
            ct);

    /// <summary>How many events wait to be sealed, and since when the oldest has waited.</summary>
    public async Task<(int Count, DateTimeOffset? OldestAt)> PendingAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pending = db.AuditEvents.AsNoTracking().Where(e => e.Sequence == null);
        var count = await pending.CountAsync(ct);
        var oldest = count == 0 ? null : await pending.OrderBy(e => e.Id).Select(e => (DateTimeOffset?)e.At).FirstOrDefaultAsync(ct);
        return (count, oldest);
    }
}
