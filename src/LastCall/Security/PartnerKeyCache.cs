using System.Collections.Concurrent;

namespace LastCall.Security;

/// <summary>
/// Partner keys verified against the database in the last few seconds (configuration
/// <c>Partners:KeyCacheSeconds</c>, default 5; 0 turns the cache off), so that the lookup hot path does
/// not query the database on every request. Only keys the database confirmed are kept, by their SHA-256
/// hash; a revocation on this instance removes its key at once, and another instance stops accepting it
/// once its entry is older than the cache lifetime.
/// </summary>
public sealed class PartnerKeyCache(TimeProvider clock, IConfiguration configuration)
{
    public sealed record Entry(Guid PartnerId, string PartnerName, Guid KeyId, DateTimeOffset VerifiedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; } = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Partners:KeyCacheSeconds", 5), 0, 60));

    /// <summary>The partner behind a key hash verified less than <see cref="Lifetime"/> ago.</summary>
    public bool TryGet(string hash, out Entry entry)
    {
        if (_entries.TryGetValue(hash, out entry!) && clock.GetUtcNow() - entry.VerifiedAt < Lifetime)
            return true;
        entry = null!;
        return false;
    }

    /// <summary>The entry for a key the database just confirmed; kept only while the cache is on.</summary>
    public Entry Remember(string hash, Guid partnerId, string partnerName, Guid keyId)
    {
        var entry = new Entry(partnerId, partnerName, keyId, clock.GetUtcNow());
        if (Lifetime > TimeSpan.Zero)
            _entries[hash] = entry;
        return entry;
    }

    /// <summary>Drops a revoked key, so that this instance refuses it from the next request on.</summary>
    public void Forget(Guid keyId)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (entry.KeyId == keyId)
                _entries.TryRemove(hash, out _);
        }
    }
}
