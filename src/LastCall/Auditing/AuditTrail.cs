using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Auditing;

/// <summary>
/// Records audit events for the current unit of work: they are rows of the context, so its next save writes
/// them in the same transaction as the business changes, whoever calls it. They are written unsealed and
/// sealed into the hash chain moments later by <see cref="AuditChainSealer"/>, so no write waits for the chain.
/// </summary>
public sealed class AuditTrail(AppDbContext db, CurrentActor currentActor, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Queues an event by the current actor (or <paramref name="actor"/>); written with the next save.</summary>
    public void Record(string action, string? subject, object? before = null, object? after = null, Actor? actor = null) =>
        RecordIn(db, actor ?? currentActor.Get(), action, subject, before, after, clock.GetUtcNow());

    /// <summary>Queues an event in a context of its own (bulk work that saves batches in short-lived contexts).</summary>
    public static void RecordIn(AppDbContext db, Actor actor, string action, string? subject, object? before, object? after, DateTimeOffset at) =>
        db.AuditEvents.Add(AuditEvent.Create(actor, action, subject,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json),
            at));
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

    private static string Mac(PurposeKey key, string input)
    {
        Span<byte> mac = stackalloc byte[32];
        ThreadCrypto.HmacSha256(key.Bytes, Encoding.UTF8.GetBytes(input), mac);
        return Convert.ToHexStringLower(mac);
    }
}
