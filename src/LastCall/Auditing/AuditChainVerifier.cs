using System.Security.Cryptography;
using System.Text;
using LastCall.Data;
using LastCall.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Auditing;

/// <summary>The first entry where the chain breaks, and why.</summary>
public sealed record AuditBreak(long Sequence, string Reason);

public sealed record AuditVerification(long EntriesChecked, AuditBreak? FirstBreak)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Walks the audit chain in order and recomputes every hash. An edited entry fails its own hash; a
/// deleted one leaves a gap in the sequence; a reordered one no longer follows its predecessor's hash.
/// (Removing the newest entries leaves a shorter chain that is still consistent: compare the head
/// with a copy kept elsewhere to detect that.)
/// </summary>
public sealed class AuditChainVerifier(IDbContextFactory<AppDbContext> contexts, AuditChainKey key)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        long expected = 1;
        var previous = AuditEvent.GenesisHash;
        await foreach (var entry in db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (entry.Sequence != expected)
                return new(expected - 1, new AuditBreak(expected, $"entry {expected} is missing (deleted?); the next one is {entry.Sequence}"));
            if (!FixedTimeEquals(entry.PreviousHash, previous))
                return new(expected - 1, new AuditBreak(entry.Sequence, "it does not follow the entry before it (reordered or replaced)"));
            if (!FixedTimeEquals(entry.Hash, key.Mac(entry.ChainInput())))
                return new(expected - 1, new AuditBreak(entry.Sequence, "its content does not match its hash (edited)"));
            previous = entry.Hash;
            expected++;
        }
        return new(expected - 1, null);
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
