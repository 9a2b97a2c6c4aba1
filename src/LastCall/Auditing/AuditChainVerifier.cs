using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Auditing;

/// <summary>The first entry where the chain breaks, and why.</summary>
public sealed record AuditBreak(long Sequence, string Reason);

/// <param name="Digest">The running digest over every entry checked: what an anchor records.</param>
public sealed record AuditVerification(long EntriesChecked, AuditBreak? FirstBreak, string Digest)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>What an anchor entry says: the running digest of the chain through one entry.</summary>
public sealed record AuditAnchor(long ThroughSequence, string Digest);

/// <summary>
/// Walks the audit chain in order and recomputes every hash. An edited entry fails its own hash; a
/// deleted one leaves a gap in the sequence; a reordered one no longer follows its predecessor's hash.
/// (Removing the newest entries leaves a shorter chain that is still consistent: compare the head
/// with a copy kept elsewhere to detect that.)
/// <para>
/// Hashes are checked under every configured master key. An entry sealed under a key that has since been
/// removed cannot be checked itself; it passes only if a later anchor (<see cref="AnchorAction"/>, written by
/// <c>lastcall keys rotate</c> after it checked the whole chain) covers it: the anchor records a running
/// SHA-256 digest over every entry through a sequence number and is itself sealed under a configured key, so
/// editing any covered entry changes the digest the anchor no longer matches.
/// </para>
/// </summary>
public sealed class AuditChainVerifier(IDbContextFactory<AppDbContext> contexts, AuditChainKey key)
{
    public const string AnchorAction = "audit.chain_anchored";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The sequences anchors cover: the running digest is kept at those points only.
        var anchoredAt = (await db.AuditEvents.AsNoTracking().Where(e => e.Action == AnchorAction).Select(e => e.After).ToListAsync(cancellationToken))
            .Select(ReadAnchor).OfType<AuditAnchor>().Select(a => a.ThroughSequence).ToHashSet();
        var digestAt = new Dictionary<long, string>();
        var unverified = new List<(long From, long To)>(); // runs of entries no configured key verifies, oldest first
        long expected = 1;
        var previous = AuditEvent.GenesisHash;
        var digest = AuditEvent.GenesisHash;
        // Entries not yet sealed (a fraction of a second while a host runs) are not in the chain yet.
        await foreach (var entry in db.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var sequence = entry.Sequence!.Value;
            // An earlier entry no key vouches for is the first break: report it before any later one.
            if (sequence != expected)
                return unverified.Count > 0 ? Unvouched(unverified, digest) : new(expected - 1, new AuditBreak(expected, $"entry {expected} is missing (deleted?); the next one is {sequence}"), digest);
            if (!FixedTimeEquals(entry.PreviousHash, previous))
                return unverified.Count > 0 ? Unvouched(unverified, digest) : new(expected - 1, new AuditBreak(sequence, "it does not follow the entry before it (reordered or replaced)"), digest);
            var input = entry.ChainInput();
            if (key.Verifies(input, entry.Hash))
            {
                if (entry.Action == AnchorAction && ReadAnchor(entry.After) is { } anchor && unverified.Count > 0 && unverified[0].From <= anchor.ThroughSequence)
                {
                    if (!digestAt.TryGetValue(anchor.ThroughSequence, out var atAnchor) || !FixedTimeEquals(atAnchor, anchor.Digest))
                        return new(unverified[0].From - 1, new AuditBreak(unverified[0].From,
                            $"the entries through {anchor.ThroughSequence} do not match the anchor at entry {sequence} (edited?)"), digest);
                    Vouch(unverified, anchor.ThroughSequence);
                }
            }
            else if (unverified.Count > 0 && unverified[^1].To == sequence - 1)
                unverified[^1] = (unverified[^1].From, sequence);
            else
                unverified.Add((sequence, sequence));
            digest = NextDigest(digest, input, entry.Hash);
            if (anchoredAt.Contains(sequence))
                digestAt[sequence] = digest;
            previous = entry.Hash;
            expected++;
        }
        return unverified.Count > 0 ? Unvouched(unverified, digest) : new(expected - 1, null, digest);
    }

    private static AuditVerification Unvouched(List<(long From, long To)> unverified, string digest) =>
        new(unverified[0].From - 1, new AuditBreak(unverified[0].From,
            "its content does not match its hash under any configured master key, and no later anchor covers it (edited, or sealed under a key that was removed before `lastcall keys rotate` anchored the chain)"), digest);

    /// <summary>The JSON an anchor entry carries (its <c>after</c>).</summary>
    public static object AnchorContent(AuditAnchor anchor, string keyId) => new { anchor.ThroughSequence, anchor.Digest, keyId };

    private static AuditAnchor? ReadAnchor(string? after)
    {
        try
        {
            return after is null ? null : JsonSerializer.Deserialize<AuditAnchor>(after, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Drops every entry through the anchored sequence from the unverified runs.
    private static void Vouch(List<(long From, long To)> runs, long through)
    {
        runs.RemoveAll(r => r.To <= through);
        if (runs.Count > 0 && runs[0].From <= through)
            runs[0] = (through + 1, runs[0].To);
    }

    private static string NextDigest(string digest, string input, string hash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(digest + "|" + input + "|" + hash)));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
