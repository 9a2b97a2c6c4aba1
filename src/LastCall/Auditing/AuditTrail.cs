using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Auditing;

/// <summary>
/// Records audit events for the current unit of work and saves them in the same transaction as the
/// business changes. Appending takes the chain lock (an advisory lock on PostgreSQL, so several app
/// instances append in turn; a process-wide lock on SQLite, where one instance runs), reads the
/// chain head, seals each event with <c>HMAC(k, previous ‖ entry)</c> and saves.
/// Handlers call <see cref="SaveChangesAsync"/> instead of the context's own SaveChanges.
/// </summary>
public sealed class AuditTrail(AppDbContext db, AuditChainKey key, CurrentActor currentActor, TimeProvider clock)
{
    private static readonly SemaphoreSlim SqliteChainLock = new(1, 1);
    private const long PostgresChainLockId = 0x4C61737443616C6C; // "LastCall"

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<AuditEvent> _pending = [];

    public AppDbContext Db => db;

    /// <summary>Queues an event by the current actor (or <paramref name="actor"/>); written on the next save.</summary>
    public void Record(string action, string? subject, object? before = null, object? after = null, Actor? actor = null) =>
        _pending.Add(AuditEvent.Create(actor ?? currentActor.Get(), action, subject,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json),
            clock.GetUtcNow()));

    /// <summary>Saves the context's changes and the queued events atomically.</summary>
    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var isSqlite = db.Database.IsSqlite();
        if (isSqlite)
            await SqliteChainLock.WaitAsync(cancellationToken);
        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                var ownTransaction = db.Database.CurrentTransaction is null;
                await using var transaction = ownTransaction ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
                if (!isSqlite)
                {
                    // A register entry first waits (briefly) for any bulk register write, so the chain lock is never held while waiting.
                    await RegisterWriteOrder.WaitForBulkWriteAsync(db, cancellationToken);
                    await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresChainLockId})", cancellationToken);
                }

                var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
                    .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
                var sequence = head?.Sequence ?? 0;
                var previous = head?.Hash ?? AuditEvent.GenesisHash;
                foreach (var entry in _pending)
                {
                    entry.Seal(++sequence, previous, key.Mac);
                    previous = entry.Hash;
                    db.AuditEvents.Add(entry);
                }
                await db.SaveChangesAsync(cancellationToken);
                if (transaction is not null)
                    await transaction.CommitAsync(cancellationToken);
            });
            _pending.Clear();
        }
        finally
        {
            if (isSqlite)
                SqliteChainLock.Release();
        }
    }
}

/// <summary>
/// The chain's HMAC key, derived from the master key: entries are sealed under the current master key and
/// verified under any configured one. Entries sealed under a master key that has since been removed are
/// vouched for by a later anchor (<see cref="AuditChainVerifier"/>).
/// </summary>
public sealed class AuditChainKey(KeyRing keys)
{
    private readonly IReadOnlyList<PurposeKey> _keys = keys.DeriveAll("audit-chain/v1");

    public string Mac(string input) => Mac(_keys[0], input);

    /// <summary>True when <paramref name="hash"/> is the MAC of <paramref name="input"/> under any configured master key.</summary>
    public bool Verifies(string input, string hash) =>
        _keys.Any(k => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(k, input)), Encoding.ASCII.GetBytes(hash)));

    private static string Mac(PurposeKey key, string input) => Convert.ToHexStringLower(HMACSHA256.HashData(key.Bytes, Encoding.UTF8.GetBytes(input)));
}
